/** The Export dialog's state: open or not, and the host client it previews and writes through. */
import { create } from 'zustand';
import type { ApiClient } from '../api';
import { flushPendingEdits } from '../editors/pending-edits';

/** Export dialog state. */
export interface ExportStore {
  open: boolean;
  show(): void;
  hide(): void;
}

let client: ApiClient | null = null;

/** Gives the export dialog its host client (main.tsx). */
export function connectExport(api: ApiClient): void {
  client = api;
}

/** The host client; throws before main.tsx connected it. */
export function exportClient(): ApiClient {
  if (!client) throw new Error('Not connected to the Switchboard host.');
  return client;
}

/** The Export dialog store. */
export const useExportStore = create<ExportStore>()((set) => ({
  open: false,
  show: () => {
    flushPendingEdits(); // export what the Source view shows, including the last keys typed
    set({ open: true });
  },
  hide: () => set({ open: false }),
}));
