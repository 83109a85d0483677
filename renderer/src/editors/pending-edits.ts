/**
 * Edits an editor holds back (the Source view parses ~300 ms after the last key) are flushed
 * before anything reads the whole document: Save, Save As, Export. Otherwise Mod+S right after
 * typing would write the text as it was a moment ago.
 */
const flushers = new Set<() => void>();

/** Registers an editor's flush; returns the function that removes it. */
export function onFlushPendingEdits(flush: () => void): () => void {
  flushers.add(flush);
  return () => flushers.delete(flush);
}

/** Applies every editor's pending edits to the document store now. */
export function flushPendingEdits(): void {
  for (const flush of flushers) flush();
}
