/**
 * The prompt editor other components use. Monaco (a few MB) loads on first use, in its own
 * chunk, so the workbench paints before it; a plain box of the same size stands in meanwhile.
 */
import { lazy, Suspense } from 'react';
import './editors.css';

/** Props of {@link PromptEditor}. */
export interface PromptEditorProps {
  value: string;
  onChange(value: string): void;
  /** The agent's own variables (its `variables` keys); the runtime's built-ins are always known. */
  variables: string[];
  /** Read-only (a file from a newer Switchboard). */
  readOnly?: boolean;
  /** Accessible name; defaults to "Prompt". */
  label?: string;
}

const MonacoPromptEditor = lazy(() => import('./prompt-editor-monaco').then((m) => ({ default: m.MonacoPromptEditor })));

/** An agent's prompt in Monaco: `{{variables}}` highlighted, completed after `{{`, unknown ones marked. */
export function PromptEditor(props: PromptEditorProps) {
  return (
    <Suspense fallback={<div className="prompt-editor prompt-editor-loading" aria-busy="true" />}>
      <MonacoPromptEditor {...props} />
    </Suspense>
  );
}
