/**
 * Form fields generated from zod schemas: each holds what is typed as a draft, checks it against
 * the field's schema, and commits only values the schema accepts, so what the file holds is always
 * schema-valid and what is wrong is said next to the field.
 */
import { useId } from 'react';
import type { z } from 'zod';
import { FieldShell, useDraft, type SchemaFieldProps } from './field-shell';
import { CheckField, ChecksField, EnumField } from './choice-fields';
import { ListField } from './list-field';
import { fieldShape, humanize, schemaError, unwrap } from './zod-shape';

export { FieldFeedback, FieldShell, useDraft, type SchemaFieldProps } from './field-shell';

/** The widget the field's schema calls for. */
export function SchemaField(props: SchemaFieldProps) {
  const shape = fieldShape(props.schema);
  switch (shape.widget) {
    case 'text':
    case 'number':
      return <TextField {...props} numeric={shape.widget === 'number'} />;
    case 'boolean':
      return <CheckField {...props} />;
    case 'enum':
      return <EnumField {...props} options={shape.options} />;
    case 'list':
      return <ListField {...props} />;
    case 'checks':
      return <ChecksField {...props} options={shape.options} />;
    case 'object':
      return <ObjectField {...props} shape={shape.shape} />;
    case 'json':
      return <JsonField {...props} />;
  }
}

/** A text or number input; committed on every valid keystroke. */
function TextField({ name, schema, value, onCommit, label, problems, hint, multiline, readOnly, numeric, placeholder }: SchemaFieldProps & { numeric: boolean }) {
  const id = useId();
  const [draft, setDraft] = useDraft(value, (v) => (v === undefined || v === null ? '' : String(v)));
  const { optional } = unwrap(schema);
  const parse = (text: string): unknown => (text.trim() === '' && (optional || numeric) ? undefined : numeric ? Number(text) : text);
  const error = schemaError(schema, parse(draft));
  const change = (text: string) => {
    setDraft(text);
    const parsed = parse(text);
    // The schema's output is what the file holds: a cleared field with a default gets the default.
    if (!schemaError(schema, parsed)) onCommit(schema.parse(parsed));
  };
  const common = { id, name, value: draft, readOnly, placeholder, 'aria-invalid': Boolean(error), onChange: (e: { target: { value: string } }) => change(e.target.value) };
  return (
    <FieldShell label={label ?? humanize(name)} id={id} error={error} problems={problems} hint={hint} testId={`field-${name}`}>
      {multiline ? <textarea {...common} rows={4} /> : <input {...common} type={numeric ? 'number' : 'text'} spellCheck={false} />}
    </FieldShell>
  );
}

/** An object of simple fields, as a fieldset; left out altogether when every field is empty. */
function ObjectField({ name, schema, value, onCommit, label, problems = [], hint, readOnly, shape }: SchemaFieldProps & { shape: Record<string, z.ZodType> }) {
  const current = (value ?? {}) as Record<string, unknown>;
  const { optional } = unwrap(schema);
  const commit = (key: string, v: unknown) => {
    const next = Object.fromEntries(Object.entries({ ...current, [key]: v }).filter(([, x]) => x !== undefined));
    onCommit(Object.keys(next).length === 0 && optional ? undefined : next);
  };
  return (
    <fieldset className="fieldset" data-testid={`field-${name}`}>
      <legend className="fieldset-title">{label ?? humanize(name)}</legend>
      {hint && <span className="field-hint">{hint}</span>}
      {Object.entries(shape).map(([key, fieldSchema]) => (
        <SchemaField key={key} name={key} schema={fieldSchema} value={current[key]} readOnly={readOnly} onCommit={(v) => commit(key, v)} problems={problems.filter((p) => p.path[0] === key).map((p) => ({ ...p, path: p.path.slice(1) }))} />
      ))}
    </fieldset>
  );
}

/** Anything else as JSON, checked by the schema. */
function JsonField({ name, schema, value, onCommit, label, problems, hint, readOnly }: SchemaFieldProps) {
  const id = useId();
  const [draft, setDraft] = useDraft(value, (v) => (v === undefined ? '' : JSON.stringify(v, null, 2)));
  const { optional } = unwrap(schema);
  const parse = (text: string): { ok: true; value: unknown } | { ok: false; error: string } => {
    if (text.trim() === '') return { ok: true, value: undefined };
    try {
      return { ok: true, value: JSON.parse(text) as unknown };
    } catch (e) {
      return { ok: false, error: `Not JSON: ${(e as Error).message}` };
    }
  };
  const parsed = parse(draft);
  const error = !parsed.ok ? parsed.error : parsed.value === undefined && !optional ? null : schemaError(schema, parsed.value);
  const change = (text: string) => {
    setDraft(text);
    const result = parse(text);
    if (result.ok && !schemaError(schema, result.value)) onCommit(result.value === undefined ? undefined : schema.parse(result.value));
  };
  return (
    <FieldShell label={label ?? humanize(name)} id={id} error={error} problems={problems} hint={hint ?? 'JSON'} testId={`field-${name}`}>
      <textarea id={id} name={name} value={draft} readOnly={readOnly} rows={Math.min(10, Math.max(3, draft.split('\n').length))} spellCheck={false} onChange={(e) => change(e.target.value)} />
    </FieldShell>
  );
}
