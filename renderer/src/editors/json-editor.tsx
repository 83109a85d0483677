/**
 * A Monaco JSON editor checked against a JSON Schema (loaded lazily with this module): its model's
 * URI is the one the schema is registered for, so the JSON worker completes field names and enum
 * values and marks what the schema refuses. Every schema-backed JSON editor of the app (republish,
 * the debugger's decision) is this one; their schemas are registered side by side.
 */
import { jsonDefaults } from 'monaco-editor/languages/features/json/register';
import { useEffect, useRef } from 'react';
import { BASE_OPTIONS, monaco, setUpMonaco } from './monaco';
import './editors.css';

/** Schemas by URI; Monaco's JSON language takes the whole list on every change. */
const schemas = new Map<string, { uri: string; fileMatch: string[]; schema: Record<string, unknown> }>();

/** Registers `schema` (made once by `make`) for the model at `modelUri`. */
function registerSchema(schemaUri: string, modelUri: string, make: () => Record<string, unknown>): void {
  if (schemas.has(schemaUri)) return;
  schemas.set(schemaUri, { uri: schemaUri, fileMatch: [modelUri], schema: make() });
  jsonDefaults.setDiagnosticsOptions({ validate: true, allowComments: false, enableSchemaRequest: false, schemaValidation: 'error', schemas: [...schemas.values()] });
}

/** Props of {@link JsonEditor}. */
export interface JsonEditorProps {
  /** The text the editor starts with (later changes of it are not pushed in: remount with a key to reset). */
  initial: string;
  onChange(text: string): void;
  /** The model's URI (one editor at a time per URI) and the schema registered for it. */
  modelUri: string;
  schemaUri: string;
  schema: () => Record<string, unknown>;
  ariaLabel: string;
  className: string;
  testId: string;
  /** Focus the editor when it opens. */
  autoFocus?: boolean;
}

/** A JSON editor checked against a schema. */
export function JsonEditor({ initial, onChange, modelUri, schemaUri, schema, ariaLabel, className, testId, autoFocus = true }: JsonEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const changed = useRef(onChange);
  useEffect(() => {
    changed.current = onChange;
  });
  const start = useRef({ initial, modelUri, schemaUri, schema, ariaLabel, autoFocus });

  useEffect(() => {
    const { initial: text, modelUri: model_, schemaUri: schema_, schema: make, ariaLabel: label, autoFocus: focus } = start.current;
    setUpMonaco();
    registerSchema(schema_, model_, make);
    const uri = monaco.Uri.parse(model_);
    monaco.editor.getModel(uri)?.dispose();
    const model = monaco.editor.createModel(text, 'json', uri);
    const editor = monaco.editor.create(host.current!, {
      ...BASE_OPTIONS,
      model,
      ariaLabel: label,
      lineNumbers: 'on',
      quickSuggestions: { strings: true, other: true, comments: false },
      wordWrap: 'on',
      padding: { top: 8 },
    });
    const sub = model.onDidChangeContent(() => changed.current(model.getValue()));
    if (focus) editor.focus();
    return () => {
      sub.dispose();
      editor.dispose();
      model.dispose();
    };
  }, []);

  // `nokey`: React Flow's key handling (Space to pan, Delete) ignores what is typed here.
  return <div ref={host} className={`${className} nokey`} data-testid={testId} />;
}
