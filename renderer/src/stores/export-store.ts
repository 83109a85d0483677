/** The Export dialog's state: open or not, and its previews and writes through the host client. */
import { createStore, type StoreApi } from 'zustand';
import type { CallInput, CallOutput } from '../../../preload/contract';
import type { ApiClient } from '../api';
import { flushPendingEdits } from '../editors/pending-edits';
import { storeHook } from './stores-context';

/** Export dialog state and actions. */
export interface ExportStore {
  open: boolean;
  show(): void;
  hide(): void;
  /** Exports through the host: a preview, or written to `dir` when given. */
  exportTopology(input: CallInput<'topology.export'>): Promise<CallOutput<'topology.export'>>;
}

/** Creates the Export dialog store. */
export function createExportStore(client: ApiClient): StoreApi<ExportStore> {
  return createStore<ExportStore>()((set) => ({
    open: false,
    show: () => {
      flushPendingEdits(); // export what the Source view shows, including the last keys typed
      set({ open: true });
    },
    hide: () => set({ open: false }),
    exportTopology: (input) => client.call('topology.export', input),
  }));
}

/** The export store's hook (see {@link storeHook}). */
export const useExportStore = storeHook('export');
