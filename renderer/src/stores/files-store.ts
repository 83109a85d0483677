/**
 * Files: New (templates), Open, Save, Save As, recent files and crash recovery. The document
 * itself lives in the document store; this store holds what the file dialogs show and talks to
 * the host's `file.*` calls. Every decision (which dialog, where Save goes, what a conflict on
 * the file's mtime becomes) is a pure function of files/file-flow.ts; the actions run the calls.
 */
import { createStore, type StoreApi } from 'zustand';
import { formatProblems } from '../../../agents/topology/format-problems';
import { textRefusal } from '../../../agents/topology/text-limits';
import { RpcError, type Recovery, type Template } from '../../../preload/contract';
import type { ApiClient } from '../api';
import { flushPendingEdits } from '../editors/pending-edits';
import { BLANK_TOPOLOGY, documentName } from '../files/document-name';
import * as flow from '../files/file-flow';
import { recoveryKeyFor } from '../files/recovery-key';
import type { DocumentStore } from './document-store';
import { storeHook } from './stores-context';

/** The files store's state and actions. */
export interface FilesStore extends flow.DialogState {
  templates: Template[] | null;
  recent: string[];
  busy: boolean;
  /** A short confirmation ("Saved to …"), shown for a moment. */
  notice: string | null;
  /** Starts following the host: loads templates and recent files, opens a file a launch asked for, offers crash recoveries once. */
  connect(): () => void;
  show(dialog: flow.FileDialog | null): void;
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

/** The store the files store opens documents into and saves from. */
interface FilesStoreDeps {
  document: StoreApi<DocumentStore>;
  /** Runs before another document replaces the open one (a recorded run shown read-only gives the user's back first). */
  beforeReplace?: () => void;
  /** File → Open of an NDJSON trace: imported as a run and shown read-only. */
  openTrace?: (source: { path: string } | { text: string; name: string }) => Promise<unknown>;
}

/** A trace file (File → Open imports it as a run) rather than a topology. */
const TRACE_FILE = /\.(ndjson|jsonl)$/i;

const NOTICE_MS = 4000;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Creates the files store, talking to the host through `client` (see the module comment). */
export function createFilesStore(client: ApiClient, { document, beforeReplace, openTrace }: FilesStoreDeps): StoreApi<FilesStore> {
  return createStore<FilesStore>()((set, get) => {
    const doc = () => document.getState();
    const dialogState = (): flow.DialogState => ({ dialog: get().dialog, error: get().error });
    let noticeTimer: ReturnType<typeof setTimeout> | undefined;
    const notify = (notice: string) => {
      clearTimeout(noticeTimer);
      set({ notice });
      noticeTimer = setTimeout(() => set({ notice: null }), NOTICE_MS);
    };
    const discardCopy = (key: string) => client.call('file.discardRecovery', { key }).catch(() => undefined);
    /** The document being replaced was declined or saved: its recovery copy has no more use. */
    const dropRecoveryOfCurrent = () => {
      const { recoveryKey, dirty } = doc();
      if (dirty) void discardCopy(recoveryKeyFor(recoveryKey));
    };
    /** Asks before replacing unsaved changes; a recent file with none opens at once (settled when it is open). */
    const requestReplace = async (then: flow.ReplaceTarget): Promise<void> => {
      beforeReplace?.();
      const input = { dirty: doc().dirty, then };
      // A recent file that is gone: the open dialog shows why, with the rest of the list.
      if (flow.opensAtOnce(input)) {
        if (!(await get().openPath(input.then.path))) set(flow.openFailed(dialogState()));
      } else set(flow.requestReplace(dialogState(), input));
    };
    /** A file a launch asked for (a double-click, `serve FILE`): opened as a recent file is, once (the host hands it to one page). */
    const takeOpenRequest = () =>
      client.call('file.takeOpenRequest').then(
        ({ path }) => (path === null ? undefined : requestReplace({ path })),
        () => undefined, // the host is gone: it keeps the request for the next connection
      );
    /** Writes the document to `path`; `expectedMtimeMs` guards against clobbering a changed file. */
    const write = async (path: string, expectedMtimeMs: number | undefined, createOnly = false): Promise<flow.WriteOutcome> => {
      flushPendingEdits();
      const before = doc();
      set({ busy: true, error: null });
      try {
        const result = await client.call('file.save', { path, text: before.text(), ...(expectedMtimeMs !== undefined && { expectedMtimeMs }), ...(createOnly && { createOnly }) });
        doc().saved(result.path, result.mtimeMs);
        if (flow.editedDuringSave(before, doc())) document.setState({ dirty: true });
        void discardCopy(recoveryKeyFor(before.recoveryKey));
        notify(`Saved ${result.path}`);
        void get().refreshRecent();
        return 'saved';
      } catch (error) {
        const failed = flow.writeFailed(dialogState(), { path, createOnly, conflict: error instanceof RpcError && error.code === 'conflict', message: message(error) });
        set(failed.state);
        if (failed.notice) notify(failed.notice);
        return failed.outcome;
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

      connect() {
        let offered = false;
        // The event says a file is waiting; taking it (here and on connecting) gets it exactly once.
        const stopListening = client.on('file.openRequested', () => void takeOpenRequest());
        const stopFollowing = client.transport.onConnection((state) => {
          if (state !== 'open') return;
          void get().refreshRecent();
          if (!get().templates) void client.call('topology.listTemplates').then(({ templates }) => set({ templates }), (e: unknown) => set({ error: message(e) }));
          const opened = takeOpenRequest();
          // Recoveries are offered once per page: later ones are this session's own autosaves.
          if (offered) return;
          offered = true;
          // After the requested file is open, so the offer is not closed by it (restoring one replaces a file just opened, nothing unsaved).
          void opened
            .then(() => client.call('file.listRecoveries'))
            .then(
              ({ recoveries }) => set(flow.offerRecoveries(dialogState(), recoveries)),
              () => undefined,
            );
        });
        return () => {
          stopListening();
          stopFollowing();
        };
      },

      show: (dialog) => set(flow.showDialog(dialogState(), dialog)),

      requestNew: () => void requestReplace('new'),

      requestOpen() {
        void requestReplace('open');
        void get().refreshRecent();
      },

      requestOpenPath: (path) => void requestReplace({ path }),

      newFromTemplate(template) {
        dropRecoveryOfCurrent();
        const result = doc().open(template?.text ?? BLANK_TOPOLOGY, { path: null, fileName: `${template?.id ?? 'untitled'}.yaml` });
        set(flow.showDialog(dialogState(), null));
        if (!result.ok) notify('The template has problems: see the Source view.');
      },

      async openPath(path) {
        if (openTrace && TRACE_FILE.test(path)) {
          set({ dialog: null, error: null });
          await openTrace({ path }); // its progress, errors and result show with the runs list's
          return true;
        }
        set({ busy: true, error: null });
        try {
          const file = await client.call('file.open', { path });
          dropRecoveryOfCurrent();
          const result = doc().open(file.text, { path: file.path, mtimeMs: file.mtimeMs });
          set({ dialog: null });
          if (doc().readOnly) notify(`${file.path} is read-only: it was written by a newer Switchboard.`);
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
        if (openTrace && TRACE_FILE.test(name)) {
          set(flow.showDialog(dialogState(), null));
          void openTrace({ text, name });
          return;
        }
        // Far too big or binary: said in the dialog, as the host says it for a path, and the open document stays.
        const refusal = textRefusal(text);
        if (refusal) return set({ error: formatProblems([refusal], name) });
        dropRecoveryOfCurrent();
        // Not saved anywhere yet: unsaved until the user picks a path (the browser gives none).
        doc().open(text, { path: null, fileName: name, dirty: true });
        set(flow.showDialog(dialogState(), null));
      },

      async save() {
        flushPendingEdits();
        const { path, mtimeMs, readOnly, topology, pendingText } = doc();
        const plan = flow.planSave({ path, mtimeMs, readOnly, hasContent: topology !== null || pendingText !== null });
        if (plan.kind === 'refuse') notify(plan.notice);
        if (plan.kind === 'saveAs') set(flow.showDialog(dialogState(), { kind: 'saveAs' }));
        if (plan.kind !== 'write') return false;
        return (await write(plan.path, plan.expectedMtimeMs)) === 'saved';
      },

      async saveAs(path, replace = false) {
        const outcome = await write(path, undefined, !replace);
        set(flow.afterSaveAs(dialogState(), { outcome, path }));
        return outcome === 'saved';
      },

      async reloadFromDisk(path) {
        const { recoveryKey } = doc();
        if (await get().openPath(path)) void discardCopy(recoveryKeyFor(recoveryKey));
      },

      async restoreRecovery(recovery) {
        // The file's current mtime, so a later Save still notices changes made on disk since.
        const onDisk = recovery.path ? await client.call('file.open', { path: recovery.path }).catch(() => null) : null;
        doc().open(recovery.text, { path: recovery.path, mtimeMs: onDisk?.mtimeMs ?? null, dirty: true, fileName: recovery.path ?? 'recovered.yaml' });
        const { path } = doc();
        const key = recoveryKeyFor(doc().recoveryKey);
        // Re-key the copy to the restored document before dropping the old one: never zero copies.
        await client.call('file.autosave', { key, path, text: doc().text() }).catch(() => undefined);
        if (key !== recovery.key) await discardCopy(recovery.key);
        set({ dialog: null });
        notify(`Restored unsaved changes to ${documentName(recovery.path, doc().topology)}.`);
      },

      async discardRecovery(recovery) {
        await discardCopy(recovery.key);
        set(flow.discardedRecovery(dialogState(), recovery.key));
      },

      async resolveUnsaved(choice) {
        const next = flow.resolveUnsaved(dialogState(), choice);
        if (next.kind === 'ignore') return;
        if (next.kind === 'close') return set({ dialog: null });
        if (next.saveFirst && !(await get().save())) return; // Save As or a conflict took over
        set(flow.continueReplace(dialogState(), next.then));
        if (typeof next.then === 'object' && !(await get().openPath(next.then.path))) set(flow.openFailed(dialogState()));
      },

      async refreshRecent() {
        try {
          set({ recent: (await client.call('file.listRecent')).paths });
        } catch {
          // the list is a convenience; the open dialog still takes a path
        }
      },
    };
  });
}

/** The files store's hook (see {@link storeHook}). */
export const useFilesStore = storeHook('files');
