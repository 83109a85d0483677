/**
 * Edit & republish's state: the record being edited (the dialog is open while there is one), the
 * last draft typed (closing keeps it, so reopening the same record brings the edits back), and
 * the publish call to the host.
 */
import { createStore, type StoreApi } from 'zustand';
import type { MessageRecord } from '../../../agents/trace/record';
import type { CallInput, CallOutput } from '../../../preload/contract';
import type { ApiClient } from '../api';
import { storeHook } from './stores-context';

/** The subject and text last typed for a record. */
export interface KeptDraft {
  seq: number;
  subject: string;
  text: string;
}

/** Republish dialog state and actions. */
export interface RepublishStore {
  /** The captured message being edited; null while the dialog is closed. */
  record: MessageRecord | null;
  kept: KeptDraft | null;
  open(record: MessageRecord): void;
  close(): void;
  keep(draft: KeptDraft | null): void;
  /** Publishes through the host (`trace.republish`). */
  publish(input: CallInput<'trace.republish'>): Promise<CallOutput<'trace.republish'>>;
}

/** Creates the republish store. */
export function createRepublishStore(client: ApiClient): StoreApi<RepublishStore> {
  return createStore<RepublishStore>()((set) => ({
    record: null,
    kept: null,
    open: (record) => set({ record }),
    close: () => set({ record: null }),
    keep: (kept) => set({ kept }),
    publish: (input) => client.call('trace.republish', input),
  }));
}

/** The republish store's hook (see {@link storeHook}). */
export const useRepublishStore = storeHook('republish');
