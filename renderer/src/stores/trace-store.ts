/**
 * The trace explorer's store: which run it shows (the live one or a past one), the filter, the
 * matching records by position (blocks fetched as they scroll into view: trace-blocks.ts) or, for
 * text filters whose positions only the records know, a bounded window paged by seq
 * (trace-window.ts), the selection, following the live run, counts, and the panel sizes. Every
 * filter is evaluated by the host (`trace.query`, `trace.getPosition`, `trace.count`); actions are
 * thin and hand the paging rules to trace-blocks.ts and trace-window.ts.
 */
import { createStore, type StoreApi } from 'zustand';
import type { TraceRecord } from '../../../agents/trace/record';
import type { RelatedRecords, RowFacts } from '../../../agents/trace/row-facts';
import type { CallOutput } from '../../../preload/contract';
import type { ApiClient } from '../api';
import { BLOCK_ROWS, blockOf, EMPTY_BLOCKS, missingBlocks, positionOfSeq, rowAt, touch, type RowBlocks } from '../trace/trace-blocks';
import { parseFilter, setFilterToken, type FilterFields } from '../trace/trace-filter';
import { loadLayout, saveLayout, type TraceLayout } from '../trace/trace-layout';
import {
  afterSeq,
  appendPage,
  beforeSeq,
  EMPTY_WINDOW,
  headWindow,
  keepFacts,
  moveSelection as moveInWindow,
  PAGE_SIZE,
  prependPage,
  tailWindow,
  type SelectionKey,
  type TraceWindow,
} from '../trace/trace-window';
import { storeHook } from './stores-context';
import { createPositionPaging, TAIL_ROWS } from './trace-position-paging';

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
  /** Records matching the filter when the host knows their positions (the table pages by position); null for a text filter (the window pages by seq). */
  total: number | null;
  /** The loaded rows by position (when `total` is known). */
  rows: RowBlocks;
  /** The bounded window of a text filter (when `total` is null). */
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
  /** The row to bring into view (by position, or by seq in the window), how, with an id per request. */
  reveal: { id: number; seq: number | null; position: number | null; align: 'center' | 'auto' | 'end' };
  loading: boolean;
  error: string | null;
  /** Keep the newest record in view while the shown run is live (scrolling up turns it off). */
  follow: boolean;
  /** Matching records that arrived since following paused (the "↓ N new" button). */
  newSincePause: number;
  selectedSeq: number | null;
  /** The selected record's position in the filtered result (null when unknown or it does not match). */
  selectedPosition: number | null;
  /** The selected record (kept when its row leaves the window). */
  selected: TraceRecord | null;
  detailOpen: boolean;
  timeMode: 'absolute' | 'relative';
  /** Counts of the run with only the infrastructure filter (the lists beside the filter), and of the whole filter (`records` = rows that match). */
  counts: TraceCounts | null;
  matching: number | null;
  /** False when `matching` counts only the records a count could read (a text filter over a long run). */
  matchingExact: boolean;
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
  /** Sets the time range (ISO date-times; null clears that end) through the bar's `from:` and `to:` tokens. */
  setTimeRange(from: string | null, to: string | null): Promise<void>;
  /** Rows `first`…`last` are on screen: loads the blocks they need (by position). */
  ensureRows(first: number, last: number): void;
  loadOlder(): Promise<void>;
  loadNewer(): Promise<void>;
  setFollow(follow: boolean): Promise<void>;
  select(seq: number | null): void;
  /** Selects a record that may be outside the window (a request's reply): the window reloads around it. */
  jumpTo(record: TraceRecord): Promise<void>;
  /** Moves the selection with a key (by position over the whole result, or in the window) and brings it into view. */
  moveSelection(key: SelectionKey, pageRows: number): void;
  /** Selects the row at a position of the filtered result (loading it first when needed) and brings it into view. */
  selectPosition(position: number, align?: 'center' | 'auto' | 'end'): Promise<void>;
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
    /** The host-side filter: the bar's fields and the two switches. */
    const hostFilter = () => hostFilterOf(get());
    /** True when the host knows the filter's positions (no text: see trace.query's `offset`). */
    const byPosition = () => get().filter.text === undefined;
    const bump = <K extends 'shift' | 'reveal'>(key: K) => get()[key].id + 1;
    const revealAt = (position: number | null, align: 'center' | 'auto' | 'end', seq: number | null = null) => set({ reveal: { id: bump('reveal'), seq, position, align } });
    /** One page of the shown run, with each record's facts. */
    const fetchPage = (runId: string, extra: { after?: number; before?: number; offset?: number }, limit = PAGE_SIZE, withFacts = true) =>
      client.call('trace.query', { runId, query: { ...hostFilter(), ...extra, limit }, withFacts });
    const positions = createPositionPaging({ get, set, generation: () => generation, fail, following, fetchPage, revealAt });
    const { place, loadBlock, refreshTail } = positions;
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
        if (get().runId === runId) set({ counts, matching: matched.records, matchingExact: matched.exact });
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
     * Loads what the filter shows first: the live run's newest rows while following; else the
     * rows around the selected record (a new filter keeps it in view, as Wireshark does); else
     * the first rows. By position, or in a window by seq for a text filter.
     */
    const reload = async () => {
      const runId = get().runId;
      if (!runId) return;
      const mine = ++generation;
      positions.reset();
      // What is on screen stays until the answer replaces it (no flash of empty rows).
      set({ loading: true, error: null, newSincePause: 0, selectedPosition: null });
      const fresh = () => set({ rows: EMPTY_BLOCKS, window: EMPTY_WINDOW, facts: {} });
      try {
        const around = get().selectedSeq;
        if (byPosition()) {
          if (following()) {
            const page = await fetchPage(runId, { before: Number.MAX_SAFE_INTEGER }, TAIL_ROWS);
            if (mine !== generation) return;
            fresh();
            place(page, true);
            revealAt(Math.max(0, (get().total ?? 1) - 1), 'end');
          } else if (around !== null) {
            const at = await client.call('trace.getPosition', { runId, query: hostFilter(), seq: around });
            if (mine !== generation) return;
            const position = Math.min(at.position ?? 0, Math.max(0, (at.total ?? 1) - 1));
            fresh();
            set({ total: at.total, selectedPosition: at.matches ? at.position : null });
            revealAt(position, 'center', around);
          } else {
            const page = await fetchPage(runId, { offset: 0 }, BLOCK_ROWS);
            if (mine !== generation) return;
            fresh();
            place(page, false);
            revealAt(0, 'auto');
          }
          positions.pause();
          return set({ loading: false, window: EMPTY_WINDOW });
        }
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
        fresh();
        set((s) => ({ total: null, window, facts: keepFacts({}, { records: [], facts }, window.rows), loading: false, shift: { id: s.shift.id + 1, rows: 0 } }));
        revealAt(null, following() ? 'end' : 'center', following() ? (window.rows.at(-1)?.seq ?? null) : around);
      } catch (error) {
        if (mine === generation) fail(error);
      }
    };

    /** Reloads, then counts: a count scans the whole run in the host, so the rows come first. */
    const reloadThenCount = async () => {
      await reload();
      void refreshCounts();
    };

    /** Runs one window page request at a time, for the current generation only. */
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

    /** Selects a record found by seq (the host says where it is under the filter) and brings it into view. */
    const locate = async (record: TraceRecord | null, seq: number) => {
      const runId = get().runId;
      const mine = generation;
      if (!runId) return;
      if (isLive() && get().follow) positions.pause();
      set({ selectedSeq: seq, selected: record, related: null, ...(isLive() && { follow: false }) });
      void loadRelated(seq);
      const at = await client.call('trace.getPosition', { runId, query: hostFilter(), seq });
      if (mine !== generation || get().selectedSeq !== seq || at.position === null) return;
      set({ total: at.total, selectedPosition: at.matches ? at.position : null });
      revealAt(Math.min(at.position, Math.max(0, (at.total ?? 1) - 1)), 'center', seq);
      if (!record) {
        await loadBlock(blockOf(at.position));
        const row = rowAt(get().rows, at.position);
        if (row?.record.seq === seq && get().selectedSeq === seq) set({ selected: row.record });
      }
    };

    return {
      runs: [],
      liveRunId: null,
      runId: null,
      filterText: '',
      filter: {},
      filterError: null,
      total: null,
      rows: EMPTY_BLOCKS,
      window: EMPTY_WINDOW,
      facts: {},
      related: null,
      shift: { id: 0, rows: 0 },
      reveal: { id: 0, seq: null, position: null, align: 'auto' },
      loading: false,
      error: null,
      follow: true,
      newSincePause: 0,
      selectedSeq: null,
      selectedPosition: null,
      selected: null,
      detailOpen: true,
      timeMode: 'relative',
      counts: null,
      matching: null,
      matchingExact: true,
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
          // A selected request still waiting for its reply: its reply, latency and thread may have just come.
          const { related, selectedSeq } = get();
          if (selectedSeq !== null && related?.seq === selectedSeq && related.facts.status === 'pending') void loadRelated(selectedSeq);
          if (byPosition()) void refreshTail();
          else if (following() && !get().window.hasAfter) void get().loadNewer();
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
        set({ runId, total: null, rows: EMPTY_BLOCKS, window: EMPTY_WINDOW, facts: {}, related: null, selectedSeq: null, selectedPosition: null, selected: null, counts: null, error: null });
        await reloadThenCount();
      },

      async setFilterText(text) {
        const read = parseFilter(text);
        if (!read.ok) return set({ filterText: text, filterError: read.error });
        const same = JSON.stringify(read.filter) === JSON.stringify(get().filter);
        set({ filterText: text, filterError: null, filter: read.filter });
        if (!same) await reloadThenCount();
      },

      async setTimeRange(from, to) {
        await get().setFilterText(setFilterToken(setFilterToken(get().filterText, 'from', from), 'to', to));
      },

      ensureRows(first, last) {
        const { total, rows, loading } = get();
        if (total === null || loading || !byPosition()) return;
        const touched = touch(rows, positions.show(first, last));
        if (touched !== rows) set({ rows: touched });
        // A little beyond the screen, so that a slow scroll finds its rows loaded.
        const margin = Math.max(20, last - first);
        for (const b of missingBlocks(get().rows, Math.max(0, first - margin), last + margin, total)) void loadBlock(b);
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
        positions.pause();
        set({ follow, newSincePause: 0 });
        if (!follow || !isLive()) return;
        // Resuming: the newest rows (by position: the live end; in a window: from the newest page).
        if (byPosition()) await refreshTail();
        else if (get().window.hasAfter) await reload();
      },

      select(seq) {
        if (seq === null) return set({ selectedSeq: null, selected: null, selectedPosition: null, related: null });
        const { rows, window, total } = get();
        const position = total === null ? -1 : positionOfSeq(rows, seq);
        const selected = position >= 0 ? rowAt(rows, position)!.record : (window.rows.find((r) => r.seq === seq) ?? null);
        if (!selected) return void locate(null, seq);
        // Reading an older record stops the newest from pushing it out of view.
        const last = total === null ? selected === window.rows.at(-1) && !window.hasAfter : position === total - 1;
        const pause = isLive() && !last;
        if (pause && get().follow) positions.pause(); // "↓ N new" counts from here
        set({ selectedSeq: seq, selected, selectedPosition: position >= 0 ? position : null, related: null, ...(pause && { follow: false }) });
        void loadRelated(seq);
      },

      async jumpTo(record) {
        if (byPosition()) return locate(record, record.seq);
        if (get().window.rows.some((r) => r.seq === record.seq)) return get().select(record.seq);
        if (isLive() && get().follow) positions.pause();
        set({ selectedSeq: record.seq, selected: record, related: null, ...(isLive() && { follow: false }) });
        void loadRelated(record.seq);
        await reload();
      },

      moveSelection(key, pageRows) {
        const { total, selectedPosition, window, selectedSeq } = get();
        if (total === null) {
          const seq = moveInWindow(window.rows, selectedSeq, key, pageRows);
          get().select(seq);
          return revealAt(null, 'auto', seq);
        }
        if (total === 0) return;
        const step = { ArrowUp: -1, ArrowDown: 1, PageUp: -pageRows, PageDown: pageRows, Home: -Infinity, End: Infinity }[key];
        const from = selectedPosition ?? (step > 0 ? -1 : total);
        void get().selectPosition(Math.min(total - 1, Math.max(0, from + step)));
      },

      async selectPosition(position, align = 'auto') {
        const mine = generation;
        revealAt(position, align);
        if (!rowAt(get().rows, position)) await loadBlock(blockOf(position));
        const row = rowAt(get().rows, position);
        if (mine === generation && row) get().select(row.record.seq);
      },

      setDetailOpen: (detailOpen) => set({ detailOpen }),
      setTimeMode: (timeMode) => set({ timeMode }),
      async setHideInfrastructure(hideInfrastructure) {
        set({ hideInfrastructure });
        await reloadThenCount();
      },
      async setErrorsOnly(errorsOnly) {
        set({ errorsOnly });
        await reloadThenCount();
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
