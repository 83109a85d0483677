/**
 * The runs list: every recorded run (size, records, live), and what can be done with one — open it
 * read-only, export it (NDJSON, Mermaid, OTLP), delete it — plus importing an NDJSON trace. Long
 * work (an import, opening a big run) has a task id: its progress comes as `trace.progressed` and
 * Cancel sends `trace.cancel`. Opening a run read-only puts its recorded topology in the document
 * store and keeps the user's document aside (runs/run-view.ts), so "Back to my topology" restores
 * it exactly, unsaved changes and undo history included.
 */
import { createStore, type StoreApi } from 'zustand';
import { RpcError, type CallInput, type RecordedRun } from '../../../preload/contract';
import type { ApiClient } from '../api';
import { recoveryKeyFor } from '../files/recovery-key';
import { download } from '../lib/download';
import { enterRunView, leaveRunView, type KeptDocument } from '../runs/run-view';
import type { DesignStore } from './design-store';
import type { DocumentStore } from './document-store';
import { storeHook } from './stores-context';
import type { TraceStore } from './trace-store';
import type { ViewStore } from './view-store';

/** Long work running now, as its progress bar shows it. */
export interface RunsTask {
  id: string;
  label: string;
  done: number;
  total: number;
}

/** The run shown read-only in place of the user's document. */
export interface ViewedRun {
  runId: string;
  topology: string | null;
  startedAt: string;
  /** False when the trace carries no topology (the canvas is then empty). */
  hasTopology: boolean;
}

/** The export formats of a run. */
export type RunExportFormat = 'ndjson' | 'mermaid' | 'otlp';

/** The runs store's state and actions. */
export interface RunsStore {
  dialogOpen: boolean;
  runs: RecordedRun[];
  loading: boolean;
  error: string | null;
  /** A short confirmation ("Imported …"). */
  notice: string | null;
  task: RunsTask | null;
  /** The run whose delete awaits confirmation. */
  confirmDelete: string | null;
  viewing: ViewedRun | null;
  /** A folder on the host that exports are written to; empty: they download (up to 8 MiB). */
  exportDir: string;
  setExportDir(dir: string): void;
  /** Follows `trace.progressed`; returns the function that stops it. */
  connect(): () => void;
  showDialog(open: boolean): void;
  refresh(): Promise<void>;
  /** Opens a run read-only: its topology on the canvas, its records in the trace. True when shown. */
  openReadOnly(runId: string): Promise<boolean>;
  /** Shows a run's records in the trace (the index rebuilt with progress when needed), the document untouched. */
  showRecords(runId: string): Promise<void>;
  /** Puts the user's document back and leaves the run view. */
  closeView(): void;
  /** Imports an NDJSON trace from a host path or from text the browser read; opens it read-only when `open`. */
  importTrace(source: { path: string } | { text: string; name: string }, open?: boolean): Promise<string | null>;
  exportRun(runId: string, format: RunExportFormat): Promise<void>;
  /** Replays a past run as a new run (no model called; the app follows it as it does a started one). True when it started. */
  replay(runId: string): Promise<boolean>;
  requestDelete(runId: string | null): void;
  deleteRun(runId: string): Promise<void>;
  cancelTask(): Promise<void>;
  /** Clears the error and the notice. */
  dismiss(): void;
}

/** The stores a run view changes. */
interface RunsStoreDeps {
  document: StoreApi<DocumentStore>;
  design: StoreApi<DesignStore>;
  view: StoreApi<ViewStore>;
  trace: StoreApi<TraceStore>;
}

const NOTICE_MS = 5000;
/** A file the browser read goes to the host in one message (the WebSocket bridge takes 16 MiB); bigger ones by path. */
const MAX_TEXT_IMPORT = 12 * 1024 * 1024;
const EXTENSIONS: Record<RunExportFormat, { ext: string; type: string }> = {
  ndjson: { ext: 'ndjson', type: 'application/x-ndjson' },
  mermaid: { ext: 'mmd', type: 'text/plain' },
  otlp: { ext: 'otlp.json', type: 'application/json' },
};

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Creates the runs store (see the module comment). */
export function createRunsStore(client: ApiClient, deps: RunsStoreDeps): StoreApi<RunsStore> {
  return createStore<RunsStore>()((set, get) => {
    let taskSeq = 0;
    let kept: KeptDocument | null = null;
    /** True while the run view replaces the document (that change is not the user's). */
    let entering = false;
    let noticeTimer: ReturnType<typeof setTimeout> | undefined;
    const notify = (notice: string) => {
      clearTimeout(noticeTimer);
      set({ notice });
      noticeTimer = setTimeout(() => set({ notice: null }), NOTICE_MS);
    };
    /** Runs long work as a task with a progress bar; a cancel resolves to null without an error. */
    const asTask = async <T>(label: string, work: (task: string) => Promise<T>): Promise<T | null> => {
      const id = `runs-${Date.now()}-${++taskSeq}`;
      set({ task: { id, label, done: 0, total: 0 }, error: null, notice: null });
      try {
        return await work(id);
      } catch (error) {
        if (error instanceof RpcError && error.code === 'cancelled') notify(error.message);
        else set({ error: message(error) });
        return null;
      } finally {
        if (get().task?.id === id) set({ task: null });
      }
    };

    return {
      dialogOpen: false,
      runs: [],
      loading: false,
      error: null,
      notice: null,
      task: null,
      confirmDelete: null,
      viewing: null,
      exportDir: '',

      setExportDir: (exportDir) => set({ exportDir }),

      connect() {
        const off = client.on('trace.progressed', ({ task, done, total }) => {
          const current = get().task;
          if (current?.id === task) set({ task: { ...current, done, total } });
        });
        // The user opening or starting another document leaves the run view (nothing to restore then).
        const offDocument = deps.document.subscribe((state) => {
          if (get().viewing && !entering && !state.readOnly) {
            kept = null;
            set({ viewing: null });
          }
        });
        // A browser tab closing with unsaved work kept aside asks first, as it does for the open document.
        const onBeforeUnload = (event: BeforeUnloadEvent) => {
          if (get().viewing && kept?.dirty) event.preventDefault();
        };
        const guard = typeof window !== 'undefined' && !window.switchboard;
        if (guard) window.addEventListener('beforeunload', onBeforeUnload);
        return () => {
          off();
          offDocument();
          if (guard) window.removeEventListener('beforeunload', onBeforeUnload);
        };
      },

      showDialog(open) {
        set({ dialogOpen: open, error: null, confirmDelete: null });
        if (open) void get().refresh();
      },

      async refresh() {
        set({ loading: true });
        try {
          set({ runs: (await client.call('trace.listRuns')).runs, loading: false });
        } catch (error) {
          set({ error: message(error), loading: false });
        }
      },

      async openReadOnly(runId) {
        const opened = await asTask('Opening the run', (task) => client.call('trace.openRun', { runId, task }));
        if (!opened) return false;
        const doc = deps.document.getState();
        // Unsaved work goes aside: its recovery copy is brought up to date now, not 2 s after the last edit.
        if (!get().viewing && doc.dirty) void client.call('file.autosave', { key: recoveryKeyFor(doc.recoveryKey), path: doc.path, text: doc.text() }).catch(() => undefined);
        entering = true;
        try {
          kept = enterRunView(deps, opened.topologyText, `${opened.topology ?? 'run'}.yaml`, kept);
        } finally {
          entering = false;
        }
        set({ viewing: { runId, topology: opened.topology, startedAt: opened.startedAt, hasTopology: opened.topologyText !== null }, dialogOpen: false });
        await deps.trace.getState().openRun(runId);
        deps.view.getState().setView('design');
        return true;
      },

      async showRecords(runId) {
        const opened = await asTask('Opening the run', (task) => client.call('trace.openRun', { runId, task }));
        if (opened) await deps.trace.getState().openRun(runId);
      },

      closeView() {
        if (!get().viewing) return;
        // Cleared first: restoring the document is not "the user opened something else".
        const restore = kept;
        kept = null;
        set({ viewing: null });
        leaveRunView(deps, restore);
        const live = deps.trace.getState().liveRunId;
        if (live) void deps.trace.getState().openRun(live);
      },

      async importTrace(source, open = false) {
        const name = 'path' in source ? source.path.split(/[\\/]/).pop()! : source.name;
        if ('text' in source && source.text.length > MAX_TEXT_IMPORT) {
          set({ error: `${name} is too big to send from the browser (over ${MAX_TEXT_IMPORT / 1024 / 1024} MiB): type its path on the host instead.` });
          return null;
        }
        const input: CallInput<'trace.import'> = 'path' in source ? { path: source.path } : { text: source.text, name: source.name };
        const imported = await asTask(`Importing ${name}`, (task) => client.call('trace.import', { ...input, task }));
        if (!imported) return null;
        notify(`Imported ${name}: ${imported.records.toLocaleString('en-US')} records.`);
        await get().refresh();
        if (open) await get().openReadOnly(imported.runId);
        return imported.runId;
      },

      async exportRun(runId, format) {
        set({ error: null });
        const { ext, type } = EXTENSIONS[format];
        const dir = get().exportDir.trim().replace(/[\\/]+$/, '');
        try {
          const { text, path } = await client.call('trace.export', { runId, format, ...(dir && { path: `${dir}/${runId}.${ext}` }) });
          if (path === null) download(`${runId}.${ext}`, text ?? '', type);
          notify(path === null ? `Exported ${runId} as ${format === 'ndjson' ? 'NDJSON' : format === 'otlp' ? 'OTLP/JSON' : 'Mermaid'}.` : `Wrote ${path}`);
        } catch (error) {
          set({ error: message(error) });
        }
      },

      async replay(runId) {
        set({ error: null });
        try {
          await client.call('run.replay', { runId });
          // The replay notice under the top bar follows it from here.
          set({ dialogOpen: false });
          return true;
        } catch (error) {
          set({ error: message(error) });
          return false;
        }
      },

      requestDelete: (confirmDelete) => set({ confirmDelete, error: null }),

      async deleteRun(runId) {
        set({ confirmDelete: null, error: null });
        try {
          await client.call('trace.delete', { runId });
          if (get().viewing?.runId === runId) get().closeView();
          notify(`Deleted ${runId}.`);
          await get().refresh();
          void deps.trace.getState().refreshRuns();
        } catch (error) {
          set({ error: message(error) });
        }
      },

      dismiss: () => set({ error: null, notice: null }),

      async cancelTask() {
        const task = get().task;
        if (task) await client.call('trace.cancel', { task: task.id }).catch(() => undefined);
      },
    };
  });
}

/** The runs store's hook (see {@link storeHook}). */
export const useRunsStore = storeHook('runs');
