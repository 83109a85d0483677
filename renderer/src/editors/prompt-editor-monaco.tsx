/**
 * An agent's prompt in Monaco: `{{variable}}` placeholders highlighted, completed after `{{`
 * (the runtime's built-ins with what they hold, then the agent's own variables), and unknown ones
 * marked, since the runtime renders them empty. Controlled: `value` changes made elsewhere (undo,
 * another view) reach the editor as a minimal edit, so the cursor and its undo history stay.
 */
import { useEffect, useRef } from 'react';
import type { PromptEditorProps } from './prompt-editor';
import { applyText } from './apply-text';
import { BASE_OPTIONS, monaco, PLACEHOLDER_TOKEN, setUpMonaco } from './monaco';
import { availableVariables, completionSite, unknownPlaceholders } from './prompt-variables';
import './editors.css';

/** Monaco for one agent's prompt (loaded on demand by prompt-editor.tsx). */
export function MonacoPromptEditor(props: PromptEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  // Latest props for Monaco's callbacks, which are installed once.
  const latest = useRef(props);
  const applying = useRef(false);

  useEffect(() => {
    latest.current = props;
  });

  useEffect(() => {
    setUpMonaco();
    registerPromptLanguage();
    const model = monaco.editor.createModel(latest.current.value, LANGUAGE, monaco.Uri.parse(`inmemory://switchboard/prompt-${++modelCount}.prompt`));
    variablesOf.set(model.uri.toString(), latest.current.variables);
    const editor = monaco.editor.create(host.current!, {
      ...BASE_OPTIONS,
      model,
      ariaLabel: latest.current.label ?? 'Prompt',
      readOnly: latest.current.readOnly ?? false,
      wordWrap: 'on',
      lineNumbers: 'off',
      folding: false,
      glyphMargin: false,
      lineDecorationsWidth: 6,
      // Prose: no word-based suggestions while writing; `{{` opens the variable list.
      quickSuggestions: false,
      wordBasedSuggestions: 'off',
      suggestOnTriggerCharacters: true,
      renderLineHighlight: 'none',
      overviewRulerLanes: 0,
      scrollbar: { verticalScrollbarSize: 8, horizontalScrollbarSize: 8 },
    });
    editorRef.current = editor;
    markUnknown(model, latest.current.variables);
    const changes = model.onDidChangeContent(() => {
      markUnknown(model, latest.current.variables);
      if (!applying.current) latest.current.onChange(model.getValue());
    });
    return () => {
      changes.dispose();
      variablesOf.delete(model.uri.toString());
      editor.dispose();
      model.dispose();
      editorRef.current = null;
    };
  }, []);

  // A value changed elsewhere: bring the editor to it without resetting the cursor.
  useEffect(() => {
    const editor = editorRef.current;
    if (!editor || editor.getModel()?.getValue() === props.value) return;
    applying.current = true;
    try {
      applyText(editor, props.value, 'prompt-value');
    } finally {
      applying.current = false;
    }
  }, [props.value]);

  const variablesKey = props.variables.join('\n');
  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model) return;
    const variables = variablesKey ? variablesKey.split('\n') : [];
    variablesOf.set(model.uri.toString(), variables);
    markUnknown(model, variables);
  }, [variablesKey]);

  useEffect(() => {
    editorRef.current?.updateOptions({ readOnly: props.readOnly ?? false });
  }, [props.readOnly]);

  // `nokey`: React Flow's key handling (Space to pan, Delete) ignores what is typed here.
  return <div ref={host} className="prompt-editor nokey" data-testid="prompt-editor" />;
}

const LANGUAGE = 'switchboard-prompt';
const MARKER_OWNER = 'prompt-variables';
let modelCount = 0;
let registered = false;
/** Each prompt model's agent variables, for the one completion provider all prompt editors share. */
const variablesOf = new Map<string, readonly string[]>();

/** The prompt language: placeholders as tokens, `{` auto-closed, completion of variable names. */
function registerPromptLanguage(): void {
  if (registered) return;
  registered = true;
  monaco.languages.register({ id: LANGUAGE });
  monaco.languages.setMonarchTokensProvider(LANGUAGE, {
    tokenizer: {
      root: [
        [/\{\{\s*[A-Za-z_][\w.]*\s*\}\}/, PLACEHOLDER_TOKEN],
        [/[^{]+/, ''],
        [/\{/, ''],
      ],
    },
  });
  monaco.languages.setLanguageConfiguration(LANGUAGE, {
    brackets: [['{', '}']],
    autoClosingPairs: [{ open: '{', close: '}' }],
    surroundingPairs: [{ open: '{', close: '}' }],
    wordPattern: /[A-Za-z_][\w.]*/,
  });
  monaco.languages.registerCompletionItemProvider(LANGUAGE, {
    triggerCharacters: ['{'],
    provideCompletionItems(model, position) {
      const line = model.getLineContent(position.lineNumber);
      const site = completionSite(line.slice(0, position.column - 1), line.slice(position.column - 1));
      if (!site) return { suggestions: [] };
      const range = new monaco.Range(position.lineNumber, position.column - site.typed.length, position.lineNumber, position.column + site.after);
      const variables = availableVariables(variablesOf.get(model.uri.toString()) ?? []);
      return {
        suggestions: variables.map((v, index) => ({
          label: { label: v.name, description: v.summary },
          kind: monaco.languages.CompletionItemKind.Variable,
          detail: v.description,
          insertText: `${v.name}}}`,
          range,
          // Built-ins first, in the order the runtime documents them.
          sortText: String(index).padStart(3, '0'),
        })),
      };
    },
  });
}

/** Warns on placeholders nothing fills: the runtime would render them as empty text. */
function markUnknown(model: monaco.editor.ITextModel, variables: readonly string[]): void {
  monaco.editor.setModelMarkers(
    model,
    MARKER_OWNER,
    unknownPlaceholders(model.getValue(), variables).map((p) => {
      const start = model.getPositionAt(p.start);
      const end = model.getPositionAt(p.end);
      return {
        severity: monaco.MarkerSeverity.Warning,
        message: `Unknown variable "${p.name}": not a built-in and not one of this agent's variables, so it renders empty.`,
        startLineNumber: start.lineNumber,
        startColumn: start.column,
        endLineNumber: end.lineNumber,
        endColumn: end.column,
      };
    }),
  );
}
