/**
 * The live canvas's store: which run the canvas shows (the running one, else the one the Trace
 * view shows), the host's designed-vs-observed answer and per-agent counters for it (polled at
 * most once a second while the run is live, read to its end once for a past run), each agent's
 * state from the run's events, and edge pulses — at most one per line per PULSE_MS, however fast
 * records arrive. The renderer never holds the run: batches are looked at once and dropped.
 * While the canvas is hidden (another centre view), a live run is neither polled nor pulsed.
 */
import { createStore, type StoreApi } from 'zustand';
import type { Topology } from '../../../agents/topology/schema';
import type { DesignCheck } from '../../../agents/trace/design-check';
import type { ApiClient } from '../api';
import type { AgentCounters } from '../live/agent-counters';
import { EMPTY_TALLY, tallyRecords, type StateTally } from '../live/agent-states';
import { skippedRunEvents } from '../live/skipped-run-events';
import { edgeLookup, edgesOfRecord, undeclaredLineOfRecord, undeclaredLookup, type EdgeLookup, type UndeclaredLookup } from '../live/record-edges';
import type { DocumentStore } from './document-store';
import type { RunStore } from './run-store';
import { storeHook } from './stores-context';
import type { TraceStore } from './trace-store';

/** The shortest time between two pulses of one line. */
export const PULSE_MS = 200;
/** How often a live run's figures are asked for. */
export const POLL_MS = 1000;

/** Live canvas state. */
export interface LiveStore {
  /** The run the canvas shows, if any. */
  runId: string | null;
  live: boolean;
  /** The name of the topology the run was recorded with (null when unknown). */
  runTopology: string | null;
  check: DesignCheck | null;
  counters: Record<string, AgentCounters>;
  tally: StateTally;
  /** Per line id, a number that changes with each pulse (the line restarts its animation). */
  pulses: Record<string, number>;
  /** A line picked in the findings list (an undeclared line has no selection of its own). */
  highlight: string | null;
  error: string | null;
  /** Whether the canvas is on screen (set by the canvas). */
  visible: boolean;
  /** Follows the run and trace stores and the host's trace batches; returns the function that stops it. */
  connect(): () => void;
  setHighlight(line: string | null): void;
  setVisible(visible: boolean): void;
}

/** The stores the live store reads. */
interface LiveStoreDeps {
  document: StoreApi<DocumentStore>;
  run: StoreApi<RunStore>;
  trace: StoreApi<TraceStore>;
}

/** Creates the live store, talking to the host through `client`. */
export function createLiveStore(client: ApiClient, { document, run, trace }: LiveStoreDeps): StoreApi<LiveStore> {
  return createStore<LiveStore>()((set, get) => {
    let lookup: { topology: Topology; edges: EdgeLookup } | null = null;
    const edgesOf = (): EdgeLookup | null => {
      const topology = document.getState().topology;
      if (!topology) return null;
      if (lookup?.topology !== topology) lookup = { topology, edges: edgeLookup(topology) };
      return lookup.edges;
    };
    let undeclared: { check: DesignCheck; lookup: UndeclaredLookup } | null = null;
    /** The undeclared subjects and flows the host has reported for the shown run. */
    const undeclaredOf = (): UndeclaredLookup | null => {
      const check = get().check;
      if (!check || check.runId !== get().runId) return null;
      if (undeclared?.check !== check) undeclared = { check, lookup: undeclaredLookup(check) };
      return undeclared.lookup;
    };

    // Pulses: lines hit since the last flush, flushed at most every PULSE_MS.
    const hit = new Set<string>();
    let pulseTimer: ReturnType<typeof setTimeout> | null = null;
    const flushPulses = () => {
      pulseTimer = null;
      if (hit.size === 0) return;
      const pulses = { ...get().pulses };
      for (const id of hit) pulses[id] = (pulses[id] ?? 0) + 1;
      hit.clear();
      set({ pulses });
    };

    // Polling: one request at a time; a run switch makes older answers stale.
    let generation = 0;
    /** Batches are tallied one after another (one that skipped records waits for them from the host). */
    let tallied = Promise.resolve();
    let pollTimer: ReturnType<typeof setTimeout> | null = null;
    let polling = false;
    let connected = false;
    const poll = async (mine: number) => {
      pollTimer = null;
      if (polling || !connected) return;
      const runId = get().runId;
      if (!runId || mine !== generation) return;
      // A hidden canvas asks again once it shows (setVisible).
      if (!get().visible && get().check?.runId === runId) return;
      polling = true;
      try {
        const [check, counters] = await Promise.all([client.call('trace.checkDesign', { runId }), loadCounters(client, runId)]);
        polling = false;
        if (mine !== generation) return void poll(generation);
        set({ check, counters, error: null });
        // A live run is asked again; a past run until the host has read it to its end.
        if (get().live || check.seen < check.total) pollTimer = setTimeout(() => void poll(mine), get().live ? POLL_MS : 0);
      } catch (error) {
        polling = false;
        if (mine !== generation) return void poll(generation);
        set({ error: error instanceof Error ? error.message : String(error) });
        if (get().live) pollTimer = setTimeout(() => void poll(mine), POLL_MS * 3);
      }
    };

    /** Shows the running run, else the Trace view's run; a switch starts afresh. */
    const follow = () => {
      const status = run.getState().status;
      const running = status?.state === 'running' ? status.runId : null;
      const runId = running ?? trace.getState().runId ?? status?.runId ?? null;
      const live = runId !== null && runId === running;
      const runTopology = live ? (status?.topology ?? null) : (trace.getState().runs.find((r) => r.runId === runId)?.topology ?? (runId === status?.runId ? (status?.topology ?? null) : null));
      if (runId === get().runId && live === get().live) {
        if (runTopology !== get().runTopology) set({ runTopology });
        return;
      }
      const fresh = runId !== get().runId;
      set({ runId, live, runTopology, ...(fresh && { check: null, counters: {}, tally: EMPTY_TALLY, pulses: {}, highlight: null, error: null }) });
      generation++;
      if (pollTimer) clearTimeout(pollTimer);
      void poll(generation);
    };

    return {
      runId: null,
      live: false,
      runTopology: null,
      check: null,
      counters: {},
      tally: EMPTY_TALLY,
      pulses: {},
      highlight: null,
      error: null,
      visible: true,

      connect() {
        const offRun = run.subscribe((s, before) => s.status !== before.status && follow());
        const offTrace = trace.subscribe((s, before) => (s.runId !== before.runId || s.runs !== before.runs) && follow());
        const offBatch = client.on('trace.appended', (batch) => {
          if (batch.runId !== get().runId) return;
          // The run events a busy batch skipped are read back first: the tally follows them in order.
          const runId = batch.runId;
          const skipped = batch.skipped ? skippedRunEvents(client, runId, batch.skipped).catch((error: unknown) => (set({ error: `agent states may be stale: ${error instanceof Error ? error.message : String(error)}` }), [])) : null;
          tallied = tallied.then(async () => {
            const missed = skipped ? await skipped : [];
            if (get().runId !== runId) return;
            const tally = tallyRecords(get().tally, missed.length ? [...missed, ...batch.records] : batch.records);
            if (tally !== get().tally) set({ tally });
          });
          const edges = get().visible ? edgesOf() : null;
          if (!edges) return;
          const odd = undeclaredOf();
          for (const record of batch.records) {
            const lines = edgesOfRecord(edges, record);
            for (const id of lines) hit.add(id);
            const other = lines.length === 0 && odd ? undeclaredLineOfRecord(edges, odd, record) : null;
            if (other) hit.add(other);
          }
          if (hit.size && !pulseTimer) pulseTimer = setTimeout(flushPulses, PULSE_MS);
        });
        connected = true;
        follow();
        return () => {
          connected = false;
          offRun();
          offTrace();
          offBatch();
          generation++;
          if (pollTimer) clearTimeout(pollTimer);
          if (pulseTimer) clearTimeout(pulseTimer);
        };
      },

      setHighlight: (highlight) => set({ highlight }),
      setVisible(visible) {
        if (visible === get().visible) return;
        set({ visible });
        if (visible && !pollTimer) void poll(generation);
      },
    };
  });
}

/** Per-agent counters: the totals of the host's metrics (`trace.getMetrics`, one bucket). */
async function loadCounters(client: ApiClient, runId: string): Promise<Record<string, AgentCounters>> {
  const metrics = await client.call('trace.getMetrics', { runId, buckets: 1 });
  return Object.fromEntries(Object.entries(metrics.agents).map(([name, agent]) => [name, agent.totals]));
}

/** The live store's hook (see {@link storeHook}). */
export const useLiveStore = storeHook('live');
