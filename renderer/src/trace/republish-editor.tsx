/**
 * The republish dialog's JSON editor: the app's schema-checked JSON editor with the AgentMessage
 * JSON Schema, generated from AgentMessageSchema (agents/protocol), the one the runtime validates with.
 */
import { agentMessageJsonSchema } from '../../../agents/trace/republish';
import { JsonEditor } from '../editors/json-editor';

/** Props of {@link RepublishEditor}. */
export interface RepublishEditorProps {
  /** The text the editor starts with (later changes of it are not pushed in: the editor owns the text). */
  initial: string;
  onChange(text: string): void;
}

/** A JSON editor checked against the AgentMessage schema. */
export function RepublishEditor({ initial, onChange }: RepublishEditorProps) {
  return (
    <JsonEditor
      initial={initial}
      onChange={onChange}
      modelUri="inmemory://switchboard/republish.agent-message.json"
      schemaUri="inmemory://switchboard/agent-message.schema.json"
      schema={agentMessageJsonSchema}
      ariaLabel="Message to republish (JSON)"
      className="republish-monaco"
      testId="republish-editor"
    />
  );
}
