/**
 * The republish dialog's JSON editor: Monaco (loaded lazily with this module) on a JSON model
 * whose URI the AgentMessage JSON Schema is registered for, so the JSON worker completes field
 * names and enum values and marks what the schema refuses. The schema is generated from
 * AgentMessageSchema (agents/protocol), the one the runtime validates with.
 */
import { jsonDefaults } from 'monaco-editor/languages/features/json/register';
import { useEffect, useRef } from 'react';
import { agentMessageJsonSchema } from '../../../agents/trace/republish';
import { BASE_OPTIONS, monaco, setUpMonaco } from '../editors/monaco';
import '../editors/editors.css';

/** The model's URI; the schema is registered for exactly this file. */
const MODEL_URI = 'inmemory://switchboard/republish.agent-message.json';
const SCHEMA_URI = 'inmemory://switchboard/agent-message.schema.json';

let registered = false;

/** Registers the AgentMessage schema with Monaco's JSON language, once. */
function registerSchema(): void {
  if (registered) return;
  registered = true;
  jsonDefaults.setDiagnosticsOptions({
    validate: true,
    allowComments: false,
    enableSchemaRequest: false,
    schemaValidation: 'error',
    schemas: [{ uri: SCHEMA_URI, fileMatch: [MODEL_URI], schema: agentMessageJsonSchema() }],
  });
}

/** Props of {@link RepublishEditor}. */
export interface RepublishEditorProps {
  /** The text the editor starts with (later changes of it are not pushed in: the editor owns the text). */
  initial: string;
  onChange(text: string): void;
}

/** A JSON editor checked against the AgentMessage schema. */
export function RepublishEditor({ initial, onChange }: RepublishEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const changed = useRef(onChange);
  useEffect(() => {
    changed.current = onChange;
  });
  const start = useRef(initial);

  useEffect(() => {
    setUpMonaco();
    registerSchema();
    const uri = monaco.Uri.parse(MODEL_URI);
    monaco.editor.getModel(uri)?.dispose();
    const model = monaco.editor.createModel(start.current, 'json', uri);
    const editor = monaco.editor.create(host.current!, {
      ...BASE_OPTIONS,
      model,
      ariaLabel: 'Message to republish (JSON)',
      lineNumbers: 'on',
      quickSuggestions: { strings: true, other: true, comments: false },
      wordWrap: 'on',
      padding: { top: 8 },
    });
    const sub = model.onDidChangeContent(() => changed.current(model.getValue()));
    editor.focus();
    return () => {
      sub.dispose();
      editor.dispose();
      model.dispose();
    };
  }, []);

  return <div ref={host} className="republish-monaco" data-testid="republish-editor" />;
}
