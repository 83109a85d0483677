/**
 * The app's stores, created once with the host client (main.tsx) and provided to components
 * (stores-context.tsx). Every zustand store lives in this folder as `<feature>-store.ts` with a
 * `create…Store` factory and a `use…Store` hook; the rules they apply live with their feature.
 */
import type { StoreApi } from 'zustand';
import type { ApiClient } from '../api';
import { createBusStore, type BusStore } from './bus-store';
import { createCompareStore, type CompareStore } from './compare-store';
import { createCyclesStore, type CyclesStore } from './cycles-store';
import { createDebugStore, type DebugStore } from './debug-store';
import { createDesignStore, type DesignStore } from './design-store';
import { createDocumentStore, type DocumentStore } from './document-store';
import { createExportStore, type ExportStore } from './export-store';
import { createRepublishStore, type RepublishStore } from './republish-store';
import { createFilesStore, type FilesStore } from './files-store';
import { createLiveStore, type LiveStore } from './live-store';
import { createMetricsStore, type MetricsStore } from './metrics-store';
import { createRunStore, type RunStore } from './run-store';
import { createRunsStore, type RunsStore } from './runs-store';
import { createSequenceStore, type SequenceStore } from './sequence-store';
import { createServerStore, type ServerStore } from './server-store';
import { createTimelineStore, type TimelineStore } from './timeline-store';
import { createTraceStore, type TraceStore } from './trace-store';
import { createViewStore, type ViewStore } from './view-store';

/** Every store of the app, by feature. */
export interface Stores {
  /** The open topology document and its undo history. */
  document: StoreApi<DocumentStore>;
  /** The designer's view state: selection, clipboard, notices, viewport. */
  design: StoreApi<DesignStore>;
  /** The centre's view (canvas or source) and "reveal this place" requests. */
  view: StoreApi<ViewStore>;
  /** The running topology, its live trace and paused agents. */
  run: StoreApi<RunStore>;
  /** The trace explorer: the run shown, its filter, its window of records, the selection. */
  trace: StoreApi<TraceStore>;
  /** The Trace view's table | sequence switch (both draw the trace store's rows). */
  sequence: StoreApi<SequenceStore>;
  /** The live canvas: the run it shows, designed vs observed, agent states and counters, edge pulses. */
  live: StoreApi<LiveStore>;
  /** The Metrics view: the shown run's metrics over time and the NATS server's samples. */
  metrics: StoreApi<MetricsStore>;
  /** The host connection and the NATS server panel. */
  server: StoreApi<ServerStore>;
  /** The Agents on the bus panel: what discovery last listed. */
  bus: StoreApi<BusStore>;
  /** The file dialogs, templates, recent files and recoveries. */
  files: StoreApi<FilesStore>;
  /** The Export dialog. */
  export: StoreApi<ExportStore>;
  /** The runs list: recorded runs, import/export/delete, a run shown read-only, long work's progress. */
  runs: StoreApi<RunsStore>;
  /** Edit & republish: the captured message being edited. */
  republish: StoreApi<RepublishStore>;
  /** The Debug view: its tab, what Cycles and Timeline focus on, the runs Compare aligns. */
  debug: StoreApi<DebugStore>;
  /** The Debug view's Compare tab: two runs aligned, paged from the host, the selected row and its records. */
  compare: StoreApi<CompareStore>;
  /** The Debug view's Cycles tab: the shown run's agents, OODA runs, turns and phases, the selected phase's records, forks. */
  cycles: StoreApi<CyclesStore>;
  /** The Debug view's Timeline tab: the shown run's lanes, spans and messages over the visible range. */
  timeline: StoreApi<TimelineStore>;
}

/** Creates every store, each with the client it talks to the host through. */
export function createStores(client: ApiClient): Stores {
  const doc = createDocumentStore();
  const design = createDesignStore();
  const trace = createTraceStore(client);
  const run = createRunStore(client, { document: doc, design });
  const view = createViewStore();
  const server = createServerStore(client);
  const runs = createRunsStore(client, { document: doc, design, view, trace });
  const debug = createDebugStore();
  return {
    document: doc,
    design,
    view,
    run,
    trace,
    sequence: createSequenceStore(client, { trace }),
    live: createLiveStore(client, { document: doc, run, trace }),
    server,
    bus: createBusStore(client),
    metrics: createMetricsStore(client, { trace, view, server }),
    files: createFilesStore(client, { document: doc, beforeReplace: () => runs.getState().closeView(), openTrace: (source) => runs.getState().importTrace(source, true) }),
    runs,
    export: createExportStore(client),
    republish: createRepublishStore(client),
    debug,
    timeline: createTimelineStore(client, { trace, view, debug }),
    compare: createCompareStore(client, { runs, trace, view }),
    cycles: createCyclesStore(client, { trace, view, debug }),
  };
}
