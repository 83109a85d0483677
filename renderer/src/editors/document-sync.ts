/**
 * What the Source view needs to know about a document store change. Pure, over the store's
 * state, so the rules of the two-way sync are explicit and testable.
 */
import { toYaml } from '../../../agents/topology/save';
import type { DocumentStore } from '../stores/document-store';

type DocumentState = Pick<DocumentStore, 'topology' | 'pendingText' | 'past' | 'future'>;

/** The YAML the Source view should hold for a state: the pending text, else the topology's. */
export function sourceText(state: Pick<DocumentState, 'topology' | 'pendingText'>): string {
  if (state.pendingText !== null) return state.pendingText;
  return state.topology ? toYaml(state.topology) : '';
}

/** True when the document's content changed (an edit, undo, redo, open, or new text). */
export function contentChanged(state: DocumentState, previous: DocumentState): boolean {
  return state.topology !== previous.topology || state.pendingText !== previous.pendingText;
}

/**
 * True when another document was opened: `open` starts a fresh, empty history. (Undo to the
 * first step leaves a redo entry; every edit leaves an undo entry.) The editor then starts over
 * rather than offering the previous file's text through its own undo.
 */
export function documentReplaced(state: DocumentState, previous: DocumentState): boolean {
  return (state.past !== previous.past || state.future !== previous.future) && state.past.length === 0 && state.future.length === 0;
}
