/**
 * Files: New (templates), Open, Save, Save As, recent files and crash recovery. The document
 * itself lives in the document store; this store holds what the file dialogs show and talks to
 * the host's `file.*` calls. Saves always send the mtime the document was read at, so a file
 * changed on disk since is never overwritten silently.
 */
import { create } from 'zustand';
import { RpcError, type Recovery, type Template } from '../../../preload/contract';
import type { ApiClient } from '../api';
import { flushPendingEdits } from '../editors/pending-edits';
import { useDocumentStore } from '../stores/document-store';
import { BLANK_TOPOLOGY, documentName } from './document-name';
import { recoveryKeyFor } from './recovery-key';

/** Which dialog is up (one at a time). */
export type FileDialog =
  | { kind: 'new' }
  | { kind: 'open' }
  | { kind: 'saveAs' }
  | { kind: 'conflict'; message: string; path: string }
  | { kind: 'recovery'; recoveries: Recovery[] }
  /** The document has unsaved changes and `then` would replace it. */
  | { kind: 'unsaved'; then: 'new' | 'open' | { path: string } }
  | { kind: 'replace'; path: string };

/** The files store's state and actions. */
export interface FilesStore {
  templates: Template[] | null;
  recent: string[];
  dialog: FileDialog | null;
  busy: boolean;
  /** The last failure, shown in the open dialog (cleared when another dialog opens). */
  error: string | null;
  /** A short confirmation ("Saved to …"), shown for a moment. */
  notice: string | null;
  /** Starts following the host: loads templates and recent files, offers crash recoveries once. */
  connect(api: ApiClient): () => void;
  show(dialog: FileDialog | null): void;
  /** File > New: the gallery, after asking about unsaved changes. */
  requestNew(): void;
  /** File > Open: the open dialog, after asking about unsaved changes. */
  requestOpen(): void;
  /** Opens a recent file, after asking about unsaved changes. */
  requestOpenPath(path: string): void;
  newFromTemplate(template: Template | null): void;
  openPath(path: string): Promise<boolean>;
  /** Opens a file the browser's picker read: an untitled document with that text. */
  openPicked(name: string, text: string): void;
  /** Save: to the document's file, or Save As when it has none. True when written. */
  save(): Promise<boolean>;
  /** Save As: writes `path`; asks first when it exists (unless `replace`). True when written. */
  saveAs(path: string, replace?: boolean): Promise<boolean>;
  /** After a conflict: reads the file again, dropping the unsaved changes. */
  reloadFromDisk(path: string): Promise<void>;
  restoreRecovery(recovery: Recovery): Promise<void>;
  discardRecovery(recovery: Recovery): Promise<void>;
  /** Continues a New or Open that waited on the unsaved-changes question. */
  resolveUnsaved(choice: 'save' | 'discard' | 'cancel'): Promise<void>;
  refreshRecent(): Promise<void>;
}

let client: ApiClient | null = null;
let noticeTimer: ReturnType<typeof setTimeout> | undefined;
const NOTICE_MS = 4000;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
const documentState = () => useDocumentStore.getState();

/** The files store (see the module comment). */
export const useFilesStore = create<FilesStore>()((set, get) => {
  const api = () => {
    if (!client) throw new Error('Not connected to the Switchboard host.');
    return client;
  };
  const notify = (notice: string) => {
    clearTimeout(noticeTimer);
    set({ notice });
    noticeTimer = setTimeout(() => set({ notice: null }), NOTICE_MS);
  };
  /** The document being replaced was declined or saved: its recovery copy has no more use. */
  const dropRecoveryOfCurrent = () => {
    const { recoveryKey, dirty } = documentState();
    if (dirty) void client?.call('file.discardRecovery', { key: recoveryKeyFor(recoveryKey) }).catch(() => undefined);
  };
  /** Writes the document to `path`; `expectedMtimeMs` guards against clobbering a changed file. */
  const write = async (path: string, expectedMtimeMs: number | undefined, createOnly = false): Promise<'saved' | 'exists' | 'failed'> => {
    flushPendingEdits();
    const before = documentState();
    const { topology, pendingText, recoveryKey } = before;
    set({ busy: true, error: null });
    try {
      const result = await api().call('file.save', { path, text: before.text(), ...(expectedMtimeMs !== undefined && { expectedMtimeMs }), ...(createOnly && { createOnly }) });
      const after = documentState();
      after.saved(result.path, result.mtimeMs);
      // Edits made while the save was in flight are not in the file.
      if (after.topology !== topology || after.pendingText !== pendingText) useDocumentStore.setState({ dirty: true });
      void api().call('file.discardRecovery', { key: recoveryKeyFor(recoveryKey) }).catch(() => undefined);
      notify(`Saved ${result.path}`);
      void get().refreshRecent();
      return 'saved';
    } catch (error) {
      if (error instanceof RpcError && error.code === 'conflict') {
        // Save As writes create-only: a conflict then means "the file exists" (ask to replace).
        if (createOnly) return 'exists';
        set({ dialog: { kind: 'conflict', message: error.message, path } });
      } else {
        set({ error: `Could not save: ${message(error)}` });
        notify(`Could not save: ${message(error)}`);
      }
      return 'failed';
    } finally {
      set({ busy: false });
    }
  };

  return {
    templates: null,
    recent: [],
    dialog: null,
    busy: false,
    error: null,
    notice: null,

    connect(next) {
      client = next;
      let offered = false;
      const off = next.transport.onConnection((state) => {
        if (state !== 'open') return;
        void get().refreshRecent();
        if (!get().templates) void next.call('topology.listTemplates').then(({ templates }) => set({ templates }), (e: unknown) => set({ error: message(e) }));
        // Recoveries are offered once per page: later ones are this session's own autosaves.
        if (offered) return;
        offered = true;
        void next.call('file.listRecoveries').then(
          ({ recoveries }) => {
            if (recoveries.length > 0 && !get().dialog) set({ dialog: { kind: 'recovery', recoveries } });
          },
          () => undefined,
        );
      });
      return () => {
        off();
        client = null;
      };
    },

    show(dialog) {
      set({ dialog, error: null });
    },

    requestNew() {
      set({ dialog: documentState().dirty ? { kind: 'unsaved', then: 'new' } : { kind: 'new' }, error: null });
    },

    requestOpen() {
      set({ dialog: documentState().dirty ? { kind: 'unsaved', then: 'open' } : { kind: 'open' }, error: null });
      void get().refreshRecent();
    },

    requestOpenPath(path) {
      if (documentState().dirty) set({ dialog: { kind: 'unsaved', then: { path } }, error: null });
      // A recent file that is gone: the open dialog shows why, with the rest of the list.
      else void get().openPath(path).then((ok) => ok || set({ dialog: { kind: 'open' } }));
    },

    newFromTemplate(template) {
      dropRecoveryOfCurrent();
      const result = documentState().open(template?.text ?? BLANK_TOPOLOGY, { path: null, fileName: `${template?.id ?? 'untitled'}.yaml` });
      set({ dialog: null, error: null });
      if (!result.ok) notify('The template has problems: see the Source view.');
    },

    async openPath(path) {
      set({ busy: true, error: null });
      try {
        const file = await api().call('file.open', { path });
        dropRecoveryOfCurrent();
        const result = documentState().open(file.text, { path: file.path, mtimeMs: file.mtimeMs });
        set({ dialog: null });
        if (documentState().readOnly) notify(`${file.path} is read-only: it was written by a newer Switchboard.`);
        else if (!result.ok) notify(`${documentName(file.path, null)} has problems: see the Source view.`);
        void get().refreshRecent();
        return true;
      } catch (error) {
        set({ error: message(error) });
        return false;
      } finally {
        set({ busy: false });
      }
    },

    openPicked(name, text) {
      dropRecoveryOfCurrent();
      // Not saved anywhere yet: unsaved until the user picks a path (the browser gives none).
      documentState().open(text, { path: null, fileName: name, dirty: true });
      set({ dialog: null, error: null });
    },

    async save() {
      flushPendingEdits();
      const { path, mtimeMs, readOnly, topology, pendingText } = documentState();
      if (readOnly) {
        notify('This file was written by a newer Switchboard: it is read-only here.');
        return false;
      }
      if (!topology && pendingText === null) return false;
      if (!path) {
        set({ dialog: { kind: 'saveAs' }, error: null });
        return false;
      }
      return (await write(path, mtimeMs ?? undefined)) === 'saved';
    },

    async saveAs(path, replace = false) {
      const outcome = await write(path, undefined, !replace);
      if (outcome === 'exists') set({ dialog: { kind: 'replace', path } });
      else if (outcome === 'saved') set({ dialog: null });
      return outcome === 'saved';
    },

    async reloadFromDisk(path) {
      const { recoveryKey } = documentState();
      if (await get().openPath(path)) void client?.call('file.discardRecovery', { key: recoveryKeyFor(recoveryKey) }).catch(() => undefined);
    },

    async restoreRecovery(recovery) {
      // The file's current mtime, so a later Save still notices changes made on disk since.
      const onDisk = recovery.path ? await api().call('file.open', { path: recovery.path }).catch(() => null) : null;
      documentState().open(recovery.text, { path: recovery.path, mtimeMs: onDisk?.mtimeMs ?? null, dirty: true, fileName: recovery.path ?? 'recovered.yaml' });
      const { path } = documentState();
      const key = recoveryKeyFor(documentState().recoveryKey);
      // Re-key the copy to the restored document before dropping the old one: never zero copies.
      await api().call('file.autosave', { key, path, text: documentState().text() }).catch(() => undefined);
      if (key !== recovery.key) await api().call('file.discardRecovery', { key: recovery.key }).catch(() => undefined);
      set({ dialog: null });
      notify(`Restored unsaved changes to ${documentName(recovery.path, documentState().topology)}.`);
    },

    async discardRecovery(recovery) {
      await api().call('file.discardRecovery', { key: recovery.key }).catch(() => undefined);
      const dialog = get().dialog;
      if (dialog?.kind !== 'recovery') return;
      const recoveries = dialog.recoveries.filter((r) => r.key !== recovery.key);
      set({ dialog: recoveries.length ? { kind: 'recovery', recoveries } : null });
    },

    async resolveUnsaved(choice) {
      const dialog = get().dialog;
      if (dialog?.kind !== 'unsaved') return;
      if (choice === 'cancel') return set({ dialog: null });
      if (choice === 'save' && !(await get().save())) return; // Save As or a conflict took over
      if (typeof dialog.then === 'object') {
        set({ dialog: null });
        if (!(await get().openPath(dialog.then.path))) set({ dialog: { kind: 'open' } });
      } else set({ dialog: { kind: dialog.then } });
    },

    async refreshRecent() {
      if (!client) return;
      try {
        set({ recent: (await client.call('file.listRecent')).paths });
      } catch {
        // the list is a convenience; the open dialog still takes a path
      }
    },
  };
});

