/**
 * Showing a recorded run's topology without losing the user's document: the document store's
 * data (topology, file, unsaved state, undo history) is kept aside, the run's topology opened in
 * its place read-only (every editor already honours `readOnly`; Save is off), and the kept data
 * put back as it was. The canvas, inspector and source view need no second code path.
 */
import type { StoreApi } from 'zustand';
import { NO_SELECTION, type DesignStore } from '../stores/design-store';
import type { DocumentStore } from '../stores/document-store';

const KEPT_FIELDS = ['topology', 'path', 'mtimeMs', 'recoveryKey', 'dirty', 'problems', 'pendingText', 'readOnly', 'past', 'future'] as const;

/** The document store's data, kept while a run is shown. */
export type KeptDocument = Pick<DocumentStore, (typeof KEPT_FIELDS)[number]>;

/** The stores a run view touches. */
interface RunViewStores {
  document: StoreApi<DocumentStore>;
  design: StoreApi<DesignStore>;
}

/** The document store's data now. */
function keep(document: StoreApi<DocumentStore>): KeptDocument {
  const state = document.getState();
  return Object.fromEntries(KEPT_FIELDS.map((k) => [k, state[k]])) as KeptDocument;
}

/**
 * Opens `topologyText` read-only in the document store and returns what it replaced; when a run
 * is shown already (`kept` given), the user's document stays the one kept.
 */
export function enterRunView(stores: RunViewStores, topologyText: string | null, fileName: string, kept: KeptDocument | null): KeptDocument {
  const userDocument = kept ?? keep(stores.document);
  stores.design.getState().select(NO_SELECTION);
  if (topologyText === null) {
    stores.document.setState({ topology: null, pendingText: null, problems: [], path: null, mtimeMs: null, dirty: false, readOnly: true, past: [], future: [] });
  } else {
    stores.document.getState().open(topologyText, { path: null, fileName });
    // Never saved, never autosaved, never "unsaved": it is a record of what ran.
    stores.document.setState({ readOnly: true, dirty: false, recoveryKey: `run-view-${fileName}` });
  }
  stores.design.getState().requestFit();
  return userDocument;
}

/** Puts the kept document back (nothing kept: an empty document). */
export function leaveRunView(stores: RunViewStores, kept: KeptDocument | null): void {
  stores.design.getState().select(NO_SELECTION);
  stores.document.setState(kept ?? { topology: null, pendingText: null, problems: [], path: null, mtimeMs: null, dirty: false, readOnly: false, past: [], future: [] });
  stores.design.getState().requestFit();
}
