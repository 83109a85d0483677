/**
 * The Source view: the whole topology as YAML in Monaco, checked live by the same loader Open and
 * `switchboard run` use (the zod schema the JSON Schema is generated from, plus the semantic rules
 * JSON Schema cannot express), its problems shown as markers.
 *
 * Two-way sync without a loop: typing goes to the document store (`editText`) ~300 ms after the
 * last key, and that change is not written back (the user's formatting stays). Changes from
 * elsewhere (canvas, inspector, undo) arrive as the smallest edit of the editor's text, so the
 * cursor and Monaco's own undo history survive; only opening another document starts over.
 */
import { useEffect, useRef } from 'react';
import type { Problem } from '../../../agents/topology/load';
import { useDocumentStore } from '../stores/document-store';
import { useRunsStore } from '../stores/runs-store';
import { useStores } from '../stores/stores-context';
import { useViewStore } from '../stores/view-store';
import { applyText } from './apply-text';
import { contentChanged, documentReplaced, sourceText } from './document-sync';
import { onFlushPendingEdits } from './pending-edits';
import { BASE_OPTIONS, monaco, setUpMonaco } from './monaco';
import './editors.css';

/** How long typing pauses before the text is parsed and applied to the document. */
const SOURCE_DEBOUNCE_MS = 300;
const MARKER_OWNER = 'topology';
/** How long markers wait for problems' line numbers (the document store adds them ~300 ms after an edit). */
const LINES_WAIT_MS = 500;

/** The YAML source of the open topology. */
export function SourceView() {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const stores = useStores();
  const readOnly = useDocumentStore((s) => s.readOnly);
  const viewingRun = useRunsStore((s) => s.viewing !== null);
  const problems = useDocumentStore((s) => s.problems);
  const open = useDocumentStore((s) => s.topology !== null || s.pendingText !== null);
  const reveal = useViewStore((s) => s.reveal);
  const shown = useViewStore((s) => s.view === 'source');

  useEffect(() => {
    setUpMonaco();
    const initial = stores.document.getState();
    const model = monaco.editor.createModel(sourceText(initial), 'yaml', monaco.Uri.parse('inmemory://switchboard/topology.yaml'));
    const editor = monaco.editor.create(host.current!, {
      ...BASE_OPTIONS,
      model,
      ariaLabel: 'Topology YAML',
      readOnly: initial.readOnly,
      glyphMargin: true,
      renderWhitespace: 'boundary',
      // Keys and names already in the file are offered as you type (computed in the editor worker).
      wordBasedSuggestions: 'currentDocument',
      // Room for the Design | Source toggle floating over the top of the centre.
      padding: { top: 44 },
    });
    editorRef.current = editor;
    setMarkers(model, initial.problems);

    let timer: ReturnType<typeof setTimeout> | undefined;
    // The store reports canvas edits' problems at once without lines, and with lines a moment
    // later: markers wait for the lines rather than jumping to line 1 and back.
    let markersTimer: ReturnType<typeof setTimeout> | undefined;
    const showProblems = (problems: readonly Problem[]) => {
      clearTimeout(markersTimer);
      if (problems.every((p) => p.line !== undefined)) setMarkers(model, problems);
      else markersTimer = setTimeout(() => setMarkers(model, problems), LINES_WAIT_MS);
    };
    let applying = false; // the editor is being brought to the store's text
    let sending = false; // the store is taking the editor's text

    const flush = () => {
      if (timer === undefined) return;
      clearTimeout(timer);
      timer = undefined;
      sending = true;
      try {
        stores.document.getState().editText(model.getValue());
      } finally {
        sending = false;
      }
    };

    const typed = model.onDidChangeContent(() => {
      if (applying) return;
      clearTimeout(timer);
      timer = setTimeout(flush, SOURCE_DEBOUNCE_MS);
    });
    // Leaving the editor (to the canvas, a menu) sends what was typed before anything else edits.
    const blurred = editor.onDidBlurEditorText(flush);
    const offFlush = onFlushPendingEdits(flush);

    const unsubscribe = stores.document.subscribe((state, previous) => {
      if (state.readOnly !== previous.readOnly) editor.updateOptions({ readOnly: state.readOnly });
      if (!sending && contentChanged(state, previous)) {
        const next = sourceText(state);
        // A change from elsewhere wins over unsent typing (still in Monaco's undo history).
        clearTimeout(timer);
        timer = undefined;
        applying = true;
        try {
          if (documentReplaced(state, previous)) {
            model.setValue(next);
            editor.setScrollTop(0);
          } else applyText(editor, next, 'document');
        } finally {
          applying = false;
        }
      }
      if (state.problems !== previous.problems) showProblems(state.problems);
    });

    return () => {
      flush();
      clearTimeout(markersTimer);
      offFlush();
      unsubscribe();
      typed.dispose();
      blurred.dispose();
      editor.dispose();
      model.dispose();
      editorRef.current = null;
    };
  }, [stores]);

  // Showing the source puts the keyboard in it, at the cursor it had (a click would move it).
  useEffect(() => {
    if (shown) editorRef.current?.focus();
  }, [shown]);

  useEffect(() => {
    const editor = editorRef.current;
    // Only requests for the source view move the cursor (the canvas handles the others).
    if (!editor || !reveal?.inSource || reveal.line === undefined) return;
    editor.setPosition({ lineNumber: reveal.line, column: reveal.column ?? 1 });
    editor.revealLineInCenterIfOutsideViewport(reveal.line);
    editor.focus();
  }, [reveal]);

  const errors = problems.filter((p) => p.severity === 'error').length;
  const first = problems.find((p) => p.severity === 'error') ?? problems[0];
  const warnings = problems.length - errors;
  const next = () => {
    editorRef.current?.focus();
    void editorRef.current?.getAction('editor.action.marker.next')?.run();
  };

  return (
    <section className="source-view" aria-label="Source" data-testid="source-view">
      {/* `nokey`: React Flow's key handling (Space to pan, Delete) ignores what is typed here. */}
      <div ref={host} className="source-view-editor nokey" hidden={!open} data-testid="source-editor" />
      {!open && (
        <div className="source-view-empty">
          <p>No topology open. File → New or Open to start.</p>
        </div>
      )}
      <footer className="source-view-status" data-testid="source-status">
        {readOnly && <span className="status-warn">{viewingRun ? 'Read-only: the topology a recorded run ran with' : 'Read-only: written by a newer Switchboard'}</span>}
        {open && errors === 0 && warnings === 0 && <span className="status-ok">✓ Valid topology</span>}
        {errors > 0 && (
          <button type="button" className="status-error" onClick={next}>
            {errors} error{errors === 1 ? '' : 's'}
          </button>
        )}
        {warnings > 0 && (
          <button type="button" className="status-warn" onClick={next}>
            {warnings} warning{warnings === 1 ? '' : 's'}
          </button>
        )}
        {first && (
          <span className="source-view-first" title={first.message}>
            {first.line !== undefined && `Line ${first.line}: `}
            {first.message}
          </span>
        )}
        <span className="spacer" />
        <span className="source-view-hint">Checked against the topology schema as you type · saved as normalized YAML</span>
      </footer>
    </section>
  );
}

/** Problems as markers; one without a place marks the first line. */
function setMarkers(model: monaco.editor.ITextModel, problems: readonly Problem[]): void {
  const lines = model.getLineCount();
  monaco.editor.setModelMarkers(
    model,
    MARKER_OWNER,
    problems.map((p) => {
      const line = Math.min(Math.max(p.line ?? 1, 1), lines);
      const column = Math.max(p.column ?? 1, 1);
      const path = p.path.length ? ` (at ${p.path.join('.')})` : '';
      return {
        severity: p.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
        message: `${p.message}${path}`,
        source: 'topology',
        startLineNumber: line,
        startColumn: column,
        endLineNumber: line,
        // To the end of the line: the problem is about the node that starts here.
        endColumn: Math.max(model.getLineMaxColumn(line), column + 1),
      };
    }),
  );
}
