/**
 * Monaco, set up once and bundled with the app: the slim editor API plus only the features our
 * editors use (the full `monaco-editor` entry point is ~3x larger), its worker served from this
 * origin, and a dark theme matching styles.css. Nothing is loaded from a CDN: the CSP forbids
 * remote origins, and the desktop app must work offline.
 */
import * as monaco from 'monaco-editor/editor/editor.api';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
// The JSON language's worker (schema completion and validation): started only when a JSON model opens.
import JsonWorker from 'monaco-editor/languages/features/json/json.worker?worker';
// Editing basics (undo/redo, cursor moves), then the contributions a user expects of an editor.
import 'monaco-editor/editor/browser/coreCommands';
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/features/folding/register';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/comment/register';
import 'monaco-editor/features/cursorUndo/register';
import 'monaco-editor/features/gotoError/register';
import 'monaco-editor/features/indentation/register';
import 'monaco-editor/features/linesOperations/register';
import 'monaco-editor/features/multicursor/register';
import 'monaco-editor/features/wordOperations/register';
import 'monaco-editor/features/wordHighlighter/register';
import 'monaco-editor/features/snippet/register';
// YAML is a Monarch grammar (no language worker): the Source view's syntax colours.
import 'monaco-editor/languages/definitions/yaml/register';

export { monaco };

/** The one theme: the app's palette (styles.css :root) on Monaco's dark base. */
const THEME = 'switchboard-dark';

/** The token the prompt language gives `{{variable}}` placeholders. */
export const PLACEHOLDER_TOKEN = 'variable.placeholder';

let ready = false;

/** Installs the worker factory and the theme; safe to call from every editor. */
export function setUpMonaco(): typeof monaco {
  if (ready) return monaco;
  ready = true;
  // Vite bundles the worker as its own file beside the app ('self' under the CSP's worker-src).
  self.MonacoEnvironment = { getWorker: (_id, label) => (label === 'json' ? new JsonWorker() : new EditorWorker()) };
  monaco.editor.defineTheme(THEME, {
    base: 'vs-dark',
    inherit: true,
    rules: [
      { token: PLACEHOLDER_TOKEN, foreground: '5aa9ff', fontStyle: 'bold' },
      { token: 'type.yaml', foreground: '9cc7ff' },
      { token: 'comment', foreground: '8a93a3', fontStyle: 'italic' },
    ],
    colors: {
      'editor.background': '#0f1115',
      'editor.foreground': '#d8dee9',
      'editorLineNumber.foreground': '#4b5363',
      'editorLineNumber.activeForeground': '#8a93a3',
      'editor.lineHighlightBackground': '#161a21',
      'editor.lineHighlightBorder': '#00000000',
      'editor.selectionBackground': '#1f4f8699',
      'editorCursor.foreground': '#5aa9ff',
      'editorWidget.background': '#161a21',
      'editorWidget.border': '#272d38',
      'editorSuggestWidget.background': '#161a21',
      'editorSuggestWidget.border': '#272d38',
      'editorSuggestWidget.selectedBackground': '#1f4f86',
      'editorHoverWidget.background': '#161a21',
      'editorHoverWidget.border': '#272d38',
      'editorGutter.background': '#0f1115',
      'editorError.foreground': '#f85149',
      'editorWarning.foreground': '#d29922',
      'scrollbarSlider.background': '#272d3888',
      'focusBorder': '#5aa9ff',
    },
  });
  monaco.editor.setTheme(THEME);
  return monaco;
}

/** Options every editor of the app shares. */
export const BASE_OPTIONS: monaco.editor.IStandaloneEditorConstructionOptions = {
  theme: THEME,
  automaticLayout: true,
  minimap: { enabled: false },
  fontFamily: "ui-monospace, 'SFMono-Regular', 'JetBrains Mono', Menlo, Consolas, monospace",
  fontSize: 12,
  lineHeight: 18,
  scrollBeyondLastLine: false,
  renderLineHighlight: 'line',
  tabSize: 2,
  insertSpaces: true,
  fixedOverflowWidgets: true,
  // Screen readers and our tests find the editor by this label; set per editor.
  ariaLabel: 'Editor',
};
