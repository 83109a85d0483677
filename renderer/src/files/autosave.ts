/**
 * Autosave of a recovery copy: a while after the last edit of an unsaved document its text goes
 * to the host's recovery folder (`file.autosave`), which the next start offers back if this
 * session never saved. Saving (files-store) discards the copy.
 */
import type { StoreApi } from 'zustand';
import type { ApiClient } from '../api';
import type { DocumentStore } from '../stores/document-store';
import { recoveryKeyFor } from './recovery-key';

/** How long after the last edit the copy is written. */
const AUTOSAVE_DELAY_MS = 2000;

/** Follows the document and keeps its recovery copy fresh; returns the function that stops it. */
export function startAutosave(api: ApiClient, document: StoreApi<DocumentStore>, delayMs = AUTOSAVE_DELAY_MS): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const write = () => {
    const doc = document.getState();
    if (!doc.dirty || doc.readOnly || (!doc.topology && doc.pendingText === null)) return;
    const key = recoveryKeyFor(doc.recoveryKey);
    void api.call('file.autosave', { key, path: doc.path, text: doc.text() }).then(
      () => {
        // A save that finished while this copy was in flight already discarded it: drop it again.
        const now = document.getState();
        if (!now.dirty || recoveryKeyFor(now.recoveryKey) !== key) void api.call('file.discardRecovery', { key }).catch(() => undefined);
      },
      () => {
        // The host is away (reconnecting): the next edit tries again.
      },
    );
  };
  const off = document.subscribe((state, previous) => {
    if (state.topology === previous.topology && state.pendingText === previous.pendingText && state.dirty === previous.dirty) return;
    clearTimeout(timer);
    if (state.dirty) timer = setTimeout(write, delayMs);
  });
  return () => {
    clearTimeout(timer);
    off();
  };
}

/**
 * In a browser tab, closing with unsaved changes asks first (the recovery copy may be up to
 * `AUTOSAVE_DELAY_MS` old). Not inside Electron: there `beforeunload` silently keeps the window open.
 */
export function guardUnload(document: StoreApi<DocumentStore>): () => void {
  if (window.switchboard) return () => undefined;
  const onBeforeUnload = (event: BeforeUnloadEvent) => {
    if (document.getState().dirty) event.preventDefault();
  };
  window.addEventListener('beforeunload', onBeforeUnload);
  return () => window.removeEventListener('beforeunload', onBeforeUnload);
}
