/** A list of strings as chips (capabilities, tools, allow lists): type and press Enter to add one. */
import { useId, useState } from 'react';
import { FieldShell, type SchemaFieldProps } from './field-shell';
import { humanize, schemaError, unwrap } from './zod-shape';

/** A list of strings as chips; type and press Enter (or a comma) to add one. */
export function ListField({ name, schema, value, onCommit, label, problems, hint, readOnly }: SchemaFieldProps) {
  const id = useId();
  const items = Array.isArray(value) ? (value as string[]) : [];
  const [draft, setDraft] = useState('');
  const { optional } = unwrap(schema);
  const next = (list: string[]) => (list.length === 0 && optional ? undefined : list);
  const candidate = draft.trim() ? [...items, draft.trim()] : items;
  const error = draft.trim() ? (items.includes(draft.trim()) ? `"${draft.trim()}" is already listed.` : schemaError(schema, candidate)) : null;
  const add = () => {
    if (!draft.trim() || error) return;
    onCommit(next(candidate));
    setDraft('');
  };
  return (
    <FieldShell label={label ?? humanize(name)} id={id} error={error} problems={problems} hint={hint} testId={`field-${name}`}>
      <div className="list-editor">
        {items.map((item, i) => (
          <span key={`${item}-${i}`} className="chip">
            {item}
            {!readOnly && (
              <button type="button" className="chip-remove" aria-label={`Remove ${item}`} onClick={() => onCommit(next(items.filter((_, j) => j !== i)))}>
                ×
              </button>
            )}
          </span>
        ))}
        {!readOnly && (
          <input
            id={id}
            type="text"
            value={draft}
            placeholder="add…"
            spellCheck={false}
            onChange={(e) => (e.target.value.endsWith(',') ? (setDraft(e.target.value.slice(0, -1)), undefined) : setDraft(e.target.value))}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ',') {
                e.preventDefault();
                add();
              } else if (e.key === 'Backspace' && draft === '' && items.length) onCommit(next(items.slice(0, -1)));
            }}
            onBlur={add}
          />
        )}
      </div>
    </FieldShell>
  );
}
