/** Fields that pick from fixed choices: a checkbox, a select of an enum, a checkbox per enum option. */
import { useId } from 'react';
import { FieldShell, type SchemaFieldProps } from './field-shell';
import { humanize, unwrap } from './zod-shape';

/** A checkbox. */
export function CheckField({ name, value, onCommit, label, problems, hint, readOnly }: SchemaFieldProps) {
  const id = useId();
  return (
    <FieldShell label="" problems={problems} hint={hint} testId={`field-${name}`}>
      <span className="field-check">
        <input id={id} type="checkbox" checked={Boolean(value)} disabled={readOnly} onChange={(e) => onCommit(e.target.checked)} />
        <label htmlFor={id}>{label ?? humanize(name)}</label>
      </span>
    </FieldShell>
  );
}

/** A select of the enum's options ("—" for an optional field left out). */
export function EnumField({ name, schema, value, onCommit, label, problems, hint, readOnly, options }: SchemaFieldProps & { options: string[] }) {
  const id = useId();
  const { optional } = unwrap(schema);
  return (
    <FieldShell label={label ?? humanize(name)} id={id} problems={problems} hint={hint} testId={`field-${name}`}>
      <select id={id} name={name} value={value === undefined ? '' : String(value)} disabled={readOnly} onChange={(e) => onCommit(e.target.value === '' ? undefined : e.target.value)}>
        {optional && <option value="">—</option>}
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

/** A checkbox per enum option (breakpoints). */
export function ChecksField({ name, value, onCommit, label, problems, hint, readOnly, options }: SchemaFieldProps & { options: string[] }) {
  const items = Array.isArray(value) ? (value as string[]) : [];
  return (
    <FieldShell label={label ?? humanize(name)} problems={problems} hint={hint} testId={`field-${name}`}>
      <span className="field-check">
        {options.map((option) => (
          <label key={option} className="field-check">
            <input type="checkbox" disabled={readOnly} checked={items.includes(option)} onChange={(e) => onCommit(e.target.checked ? options.filter((o) => o === option || items.includes(o)) : items.filter((i) => i !== option))} />
            {option}
          </label>
        ))}
      </span>
    </FieldShell>
  );
}
