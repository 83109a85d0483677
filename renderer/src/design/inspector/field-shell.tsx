/**
 * What every inspector field shares: a draft of what is typed (reset when the value changes
 * elsewhere, as on undo) and a labelled frame with the field's own error (from zod) and the
 * document's problems at it.
 */
import { useState, type ReactNode } from 'react';
import type { z } from 'zod';
import type { Problem } from '../../../../agents/topology/validate';

/** A value the user typed since the last outside change, reset when the value changes elsewhere (undo). */
export function useDraft<T>(value: T, toDraft: (value: T) => string): [string, (draft: string) => void] {
  const [state, setState] = useState(() => ({ value, draft: toDraft(value) }));
  if (!Object.is(state.value, value) && JSON.stringify(state.value) !== JSON.stringify(value)) {
    const next = { value, draft: toDraft(value) };
    setState(next);
    return [next.draft, (draft) => setState({ value, draft })];
  }
  return [state.draft, (draft) => setState((s) => ({ ...s, draft }))];
}

/** A labelled field with its own error (from zod) and the document's problems at it. */
export function FieldShell({ label, id, error, problems = [], hint, children, testId }: { label: ReactNode; id?: string; error?: string | null; problems?: Problem[]; hint?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <div className={`field${error || problems.some((p) => p.severity === 'error') ? ' field-invalid' : ''}`} data-testid={testId}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children}
      <FieldFeedback error={error ?? null} problems={problems} />
      {hint && <span className="field-hint">{hint}</span>}
    </div>
  );
}

/** Props every schema field takes. */
export interface SchemaFieldProps {
  name: string;
  schema: z.ZodType;
  value: unknown;
  onCommit(value: unknown): void;
  label?: string;
  problems?: Problem[];
  hint?: ReactNode;
  multiline?: boolean;
  readOnly?: boolean;
  /** Shown in an empty text or number field: what empty means (e.g. "automatic"). */
  placeholder?: string;
}

/** A field's own error, then the topology's problems for it: errors first, then warnings. */
export function FieldFeedback({ error, problems }: { error: string | null; problems: readonly Problem[] }) {
  const errors = problems.filter((p) => p.severity === 'error');
  const warnings = problems.filter((p) => p.severity === 'warning');
  return (
    <>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
      {errors.map((p, i) => (
        <span key={`e${i}`} className="field-error" data-testid="field-problem">
          {p.message}
        </span>
      ))}
      {warnings.map((p, i) => (
        <span key={`w${i}`} className="field-warning" data-testid="field-problem">
          {p.message}
        </span>
      ))}
    </>
  );
}
