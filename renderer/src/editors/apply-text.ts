/**
 * Brings a Monaco editor to a new text with the smallest edit, as one undo step, keeping every
 * cursor and selection on the text it was on. Used for changes made outside the editor (canvas,
 * inspector, undo in the store): `setValue` would reset the cursor and wipe the editor's history.
 */
import { monaco } from './monaco';
import { minimalChange } from './text-diff';

/** Applies `next` to the editor's model; false when it already had that text. */
export function applyText(editor: monaco.editor.IStandaloneCodeEditor, next: string, source: string): boolean {
  const model = editor.getModel();
  if (!model) return false;
  const change = minimalChange(model.getValue(), next);
  if (!change) return false;
  const delta = change.text.length - (change.end - change.start);
  // Offsets of the selections before the edit, moved across it the way a reader expects: text
  // before the change keeps its place, text after it shifts, a cursor inside lands at its end.
  const moved = (offset: number) => (offset <= change.start ? offset : offset >= change.end ? offset + delta : change.start + change.text.length);
  const selections = (editor.getSelections() ?? []).map((s) => ({
    anchor: moved(model.getOffsetAt(s.getSelectionStart())),
    active: moved(model.getOffsetAt(s.getPosition())),
  }));
  const start = model.getPositionAt(change.start);
  const end = model.getPositionAt(change.end);
  editor.pushUndoStop();
  editor.executeEdits(
    source,
    [{ range: { startLineNumber: start.lineNumber, startColumn: start.column, endLineNumber: end.lineNumber, endColumn: end.column }, text: change.text }],
    () =>
      selections.map(({ anchor, active }) => {
        const a = model.getPositionAt(anchor);
        const b = model.getPositionAt(active);
        return new monaco.Selection(a.lineNumber, a.column, b.lineNumber, b.column);
      }),
  );
  editor.pushUndoStop();
  return true;
}

