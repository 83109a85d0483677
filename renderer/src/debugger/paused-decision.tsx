/**
 * The decision before Act in Monaco (loaded lazily with this module), with the OodaDecision JSON
 * Schema (agents/protocol/llm.ts) for completion and validation: the app's one schema-checked
 * JSON editor (editors/json-editor.tsx).
 */
import { oodaDecisionJsonSchema } from '../../../agents/protocol/llm';
import { JsonEditor } from '../editors/json-editor';

/** Monaco on the decision; remount (a new `key`) to reset it. */
export function DecisionEditor({ initial, onChange }: { initial: string; onChange(text: string): void }) {
  return (
    <JsonEditor
      initial={initial}
      onChange={onChange}
      modelUri="inmemory://switchboard/debugger.decision.json"
      schemaUri="inmemory://switchboard/ooda-decision.schema.json"
      schema={oodaDecisionJsonSchema}
      ariaLabel="Decision to act on (JSON)"
      className="decision-monaco"
      testId="decision-editor"
      autoFocus={false}
    />
  );
}
