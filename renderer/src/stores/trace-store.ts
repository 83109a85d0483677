/**
 * The trace explorer's store: which run it shows (the live one or a past one), the filter, the
 * bounded window of matching records (trace-window.ts), the selection, following the live run,
 * counts, and the panel sizes. Every filter is evaluated by the host (`trace.query`,
 * `trace.count`); actions are thin and hand the paging rules to trace-window.ts.
 */
import { createStore, type StoreApi } from 'zustand';
import type { TraceRecord } from '../../../agents/trace/record';
import type { RelatedRecords, RowFacts } from '../../../agents/trace/row-facts';
import type { CallOutput } from '../../../preload/contract';
import type { ApiClient } from '../api';
import { parseFilter, type FilterFields } from '../trace/trace-filter';
import { loadLayout, saveLayout, type TraceLayout } from '../trace/trace-layout';
import {
  afterSeq,
  appendPage,
  beforeSeq,
  EMPTY_WINDOW,
  headWindow,
  keepFacts,
  moveSelection,
  PAGE_SIZE,
  prependPage,
  tailWindow,
  type SelectionKey,
  type TraceWindow,
} from '../trace/trace-window';
import { storeHook } from './stores-context';

type TraceRun = CallOutput<'trace.listRuns'>['runs'][number];
type TraceCounts = CallOutput<'trace.count'>;

/** Trace explorer state and actions. */
export interface TraceStore {
  /** Recorded runs, newest first. */
  runs: TraceRun[];
  /** The run recording now, if one is. */
  liveRunId: string | null;
  /** The run shown. */
  runId: string | null;
  /** The filter bar's text, its fields once read, and why it could not be read. */
  filterText: string;
  filter: FilterFields;
  filterError: string | null;
  window: TraceWindow;
  /** The host's facts of each row in the window (from → to, status, latency, its request or reply), by seq. */
  facts: Record<number, RowFacts>;
  /** The selected record's request or reply, chain and conversation (`trace.getRelated`), once loaded. */
  related: RelatedRecords | null;
  /**
   * Rows added (+) or dropped (−) at the window's front by the last page, with an id per change:
   * the table moves its scroll position by as many rows so that what is on screen stays put.
   */
  shift: { id: number; rows: number };
  /** After a reload, the row to bring into view (the selection), with an id per request. */
  reveal: { id: number; seq: number | null };
  loading: boolean;
  error: string | null;
  /** Keep the newest record in view while the shown run is live (scrolling up turns it off). */
  follow: boolean;
  selectedSeq: number | null;
  /** The selected record (kept when its row leaves the window). */
  selected: TraceRecord | null;
  detailOpen: boolean;
  timeMode: 'absolute' | 'relative';
  /** Counts of the run with only the infrastructure filter (the lists beside the filter), and of the whole filter (`records` = rows that match). */
  counts: TraceCounts | null;
  matching: number | null;
  /** Leave out NATS infrastructure (`$JS`, `$KV`, `$SYS`, their inboxes): on by default. */
  hideInfrastructure: boolean;
  /** Only records that failed, timed out, are invalid or cut. */
  errorsOnly: boolean;
  layout: TraceLayout;
  /** Follows the host's run and trace events; returns the function that stops it. */
  connect(): () => void;
  refreshRuns(): Promise<void>;
  /** Shows a run (the live one follows its newest records; a past one starts at its first). */
  openRun(runId: string): Promise<void>;
  /** Sets the filter text; a readable filter reloads the window from the host. */
  setFilterText(text: string): Promise<void>;
  loadOlder(): Promise<void>;
  loadNewer(): Promise<void>;
  setFollow(follow: boolean): Promise<void>;
  select(seq: number | null): void;
  /** Selects a record that may be outside the window (a request's reply): the window reloads around it. */
  jumpTo(record: TraceRecord): Promise<void>;
  /** Moves the selection with a key; returns the seq now selected. */
  moveSelection(key: SelectionKey, pageRows: number): number | null;
  setDetailOpen(open: boolean): void;
  setTimeMode(mode: 'absolute' | 'relative'): void;
  setHideInfrastructure(hide: boolean): Promise<void>;
  setErrorsOnly(only: boolean): Promise<void>;
  setLayout(layout: Partial<TraceLayout>): void;
}

/** The filter the host evaluates: the bar's fields and the two switches (the table's, and the sequence view's). */
export const hostFilterOf = (s: Pick<TraceStore, 'filter' | 'hideInfrastructure' | 'errorsOnly'>) => ({ ...s.filter, infrastructure: s.hideInfrastructure ? ('hide' as const) : ('show' as const), ...(s.errorsOnly && { errors: true as const }) });

/** The browser's storage, absent in unit tests. */
const storage = () => (typeof localStorage === 'undefined' ? undefined : localStorage);

/** Creates the trace store, talking to the host through `client`. */
export function createTraceStore(client: ApiClient): StoreApi<TraceStore> {
  return createStore<TraceStore>()((set, get) => {
    // Every reload bumps the generation; pages answered for an older one are dropped.
    let generation = 0;
    let paging = false;
    let newerAgain = false;
    let countsTimer: ReturnType<typeof setTimeout> | null = null;
    /** The last run seen live (after it stops, a new run replaces it in the view). */
    let lastLive: string | null = null;

    const fail = (error: unknown) => set({ error: error instanceof Error ? error.message : String(error), loading: false });
    const isLive = () => get().runId !== null && get().runId === get().liveRunId;
    /** Following: the shown run is live and the user has not paused it. */
    const following = () => isLive() && get().follow;
    /** One page of the shown run, with each record's facts. */
    /** The host-side filter: the bar's fields and the two switches. */
    const hostFilter = () => hostFilterOf(get());
    const fetchPage = (runId: string, extra: { after?: number; before?: number }) =>
      client.call('trace.query', { runId, query: { ...hostFilter(), ...extra, limit: PAGE_SIZE }, withFacts: true });
    let relatedFor = 0;
    /** Loads the selected record's related records (the latest selection wins). */
    const loadRelated = async (seq: number) => {
      const runId = get().runId;
      const mine = ++relatedFor;
      if (!runId) return;
      try {
        const related = await client.call('trace.getRelated', { runId, seq });
        if (mine === relatedFor) set({ related });
      } catch {
        if (mine === relatedFor) set({ related: null });
      }
    };

    const refreshCounts = async () => {
      const runId = get().runId;
      if (!runId) return;
      try {
        const infrastructure = get().hideInfrastructure ? 'hide' : 'show';
        const [counts, matched] = await Promise.all([client.call('trace.count', { runId, query: { infrastructure } }), client.call('trace.count', { runId, query: hostFilter() })]);
        if (get().runId === runId) set({ counts, matching: matched.records });
      } catch {
        // Counts are a help beside the filter; the table says what failed.
      }
    };
    /** Counts at most once a second while records arrive. */
    const countsSoon = () => {
      countsTimer ??= setTimeout(() => {
        countsTimer = null;
        void refreshCounts();
      }, 1000);
    };

    /**
     * Replaces the window: the live run's newest page while following; else the pages around the
     * selected record (a new filter keeps it in view, as Wireshark does); else the first page.
     */
    const reload = async () => {
      const runId = get().runId;
      if (!runId) return;
      const mine = ++generation;
      set({ loading: true, error: null });
      try {
        const around = get().selectedSeq;
        let window: TraceWindow;
        let facts: RowFacts[] = [];
        if (following()) {
          const page = await fetchPage(runId, { before: Number.MAX_SAFE_INTEGER });
          [window, facts] = [tailWindow(page), page.facts ?? []];
        } else if (around === null) {
          const page = await fetchPage(runId, { after: 0 });
          [window, facts] = [headWindow(page), page.facts ?? []];
        } else {
          const upTo = await fetchPage(runId, { before: around + 1 });
          const after = await fetchPage(runId, { after: around });
          [window, facts] = [appendPage(tailWindow(upTo), after).window, [...(upTo.facts ?? []), ...(after.facts ?? [])]];
        }
        if (mine !== generation) return;
        set((s) => ({ window, facts: keepFacts({}, { records: [], facts }, window.rows), loading: false, shift: { id: s.shift.id + 1, rows: 0 }, reveal: { id: s.reveal.id + 1, seq: around } }));
      } catch (error) {
        if (mine === generation) fail(error);
      }
    };

    /** Runs one page request at a time, for the current generation only. */
    const page = async (work: (runId: string, mine: number) => Promise<void>) => {
      const runId = get().runId;
      if (!runId || paging) return false;
      paging = true;
      try {
        await work(runId, generation);
      } catch (error) {
        fail(error);
      } finally {
        paging = false;
        if (newerAgain) {
          newerAgain = false;
          if (following()) void get().loadNewer();
        }
      }
      return true;
    };

    return {
      runs: [],
      liveRunId: null,
      runId: null,
      filterText: '',
      filter: {},
      filterError: null,
      window: EMPTY_WINDOW,
      facts: {},
      related: null,
      shift: { id: 0, rows: 0 },
      reveal: { id: 0, seq: null },
      loading: false,
      error: null,
      follow: true,
      selectedSeq: null,
      selected: null,
      detailOpen: true,
      timeMode: 'relative',
      counts: null,
      matching: null,
      hideInfrastructure: true,
      errorsOnly: false,
      layout: loadLayout(storage()),

      connect() {
        const offStatus = client.on('run.statusChanged', (status) => {
          // The host answers queries on a run once it runs (while it starts, its store is not open to them).
          const live = status.state === 'running' ? status.runId : null;
          // A new run takes over the view unless the user picked a past run to read.
          const takeOver = live !== null && live !== get().runId && (get().runId === null || get().runId === lastLive);
          if (live) lastLive = live;
          set({ liveRunId: live, ...(takeOver && { follow: true }) });
          if (takeOver) void get().openRun(live);
          void get().refreshRuns();
        });
        const offTrace = client.on('trace.appended', (batch) => {
          if (batch.runId !== get().runId) return;
          countsSoon();
          if (following() && !get().window.hasAfter) void get().loadNewer();
          else if (!get().window.hasAfter) set((s) => ({ window: { ...s.window, hasAfter: true } }));
        });
        const offConnection = client.transport.onConnection((state) => {
          if (state !== 'open') return;
          void client.call('run.getStatus').then((status) => {
            const live = status.state === 'running' ? status.runId : null;
            if (live) lastLive = live;
            set({ liveRunId: live });
            if (get().runId === null && live) void get().openRun(live);
          }, () => undefined);
          void get().refreshRuns();
        });
        return () => {
          offStatus();
          offTrace();
          offConnection();
          if (countsTimer) clearTimeout(countsTimer);
        };
      },

      async refreshRuns() {
        try {
          const { runs } = await client.call('trace.listRuns');
          set({ runs });
        } catch (error) {
          fail(error);
        }
      },

      async openRun(runId) {
        generation++;
        set({ runId, window: EMPTY_WINDOW, facts: {}, related: null, selectedSeq: null, selected: null, counts: null, error: null });
        await Promise.all([reload(), refreshCounts()]);
      },

      async setFilterText(text) {
        const read = parseFilter(text);
        if (!read.ok) return set({ filterText: text, filterError: read.error });
        const same = JSON.stringify(read.filter) === JSON.stringify(get().filter);
        set({ filterText: text, filterError: null, filter: read.filter });
        if (!same) await Promise.all([reload(), refreshCounts()]);
      },

      async loadOlder() {
        if (!get().window.hasBefore) return;
        await page(async (runId, mine) => {
          const result = await fetchPage(runId, { before: beforeSeq(get().window) });
          if (mine !== generation) return;
          const { window, added } = prependPage(get().window, result);
          set((s) => ({ window, facts: keepFacts(s.facts, result, window.rows), error: null, shift: { id: s.shift.id + 1, rows: added } }));
        });
      },

      async loadNewer() {
        // While a page is on its way, a newer batch asks again once it lands.
        const started = await page(async (runId, mine) => {
          const result = await fetchPage(runId, { after: afterSeq(get().window) });
          if (mine !== generation) return;
          const { window, dropped } = appendPage(get().window, result);
          set((s) => ({ window, facts: keepFacts(s.facts, result, window.rows), error: null, shift: { id: s.shift.id + 1, rows: -dropped } }));
        });
        if (!started) newerAgain = true;
        else if (following() && get().window.hasAfter) void get().loadNewer();
      },

      async setFollow(follow) {
        if (follow === get().follow) return;
        set({ follow });
        // Resuming far from the end starts again from the newest page.
        if (follow && isLive() && get().window.hasAfter) await reload();
      },

      select(seq) {
        const { rows } = get().window;
        const selected = seq === null ? null : (rows.find((r) => r.seq === seq) ?? null);
        // Reading an older record stops the newest from pushing it out of view.
        const pause = isLive() && selected !== null && (selected !== rows.at(-1) || get().window.hasAfter);
        set({ selectedSeq: selected ? seq : null, selected, related: null, ...(pause && { follow: false }) });
        if (selected) void loadRelated(selected.seq);
      },

      async jumpTo(record) {
        if (get().window.rows.some((r) => r.seq === record.seq)) return get().select(record.seq);
        set({ selectedSeq: record.seq, selected: record, related: null, ...(isLive() && { follow: false }) });
        void loadRelated(record.seq);
        await reload();
      },

      moveSelection(key, pageRows) {
        const seq = moveSelection(get().window.rows, get().selectedSeq, key, pageRows);
        get().select(seq);
        return seq;
      },

      setDetailOpen: (detailOpen) => set({ detailOpen }),
      setTimeMode: (timeMode) => set({ timeMode }),
      async setHideInfrastructure(hideInfrastructure) {
        set({ hideInfrastructure });
        await Promise.all([reload(), refreshCounts()]);
      },
      async setErrorsOnly(errorsOnly) {
        set({ errorsOnly });
        await Promise.all([reload(), refreshCounts()]);
      },
      setLayout(partial) {
        const layout = { ...get().layout, ...partial };
        set({ layout });
        saveLayout(storage(), layout);
      },
    };
  });
}

/** The trace store's hook (see {@link storeHook}). */
export const useTraceStore = storeHook('trace');
