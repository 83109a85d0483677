/**
 * The Metrics view's store: `trace.getMetrics` for the run the Trace view shows (polled once a
 * second while that run is live and the view is open), the NATS server's counters sampled from
 * the server store's 1 s poll for as long as the page is open (a ring of ten minutes, here in the
 * renderer), and "show this time range in the trace".
 */
import { createStore, type StoreApi } from 'zustand';
import type { RunMetrics } from '../../../agents/trace/metrics';
import type { ApiClient } from '../api';
import { addSample, type NatsSample } from '../metrics/chart-data';
import type { ServerStore } from './server-store';
import { livePoll } from './live-poll';
import { oneAtATime } from '../lib/one-at-a-time';
import { storeHook } from './stores-context';
import type { TraceStore } from './trace-store';
import type { ViewStore } from './view-store';

/** Metrics view state and actions. */
export interface MetricsStore {
  /** The answer for `runId` (the Trace view's run), once loaded. */
  metrics: RunMetrics | null;
  runId: string | null;
  /** Buckets asked for. */
  buckets: number;
  loading: boolean;
  error: string | null;
  /** The server's counters, one sample a second while the page is open. */
  nats: NatsSample[];
  /** The view shows (or stops showing): loads the run and polls while it is live. */
  setActive(active: boolean): void;
  /** Asks the host again. */
  refresh(): Promise<void>;
  /** Shows the records of `from`…`to` (ISO, inclusive) in the Trace view. */
  showInTrace(from: string, to: string): Promise<void>;
}

/** Polls while the run is live: at most twice a second, as the view promises. */
const POLL_MS = 1000;
const BUCKETS = 60;
/** How long after a run ends its metrics are asked for once more (its store closes meanwhile). */
const ENDED_REFRESH_MS = 1500;

/** Creates the Metrics store: it follows the trace store's run and samples the server store's counters. */
export function createMetricsStore(client: ApiClient, deps: { trace: StoreApi<TraceStore>; view: StoreApi<ViewStore>; server: StoreApi<ServerStore> }): StoreApi<MetricsStore> {
  const store = createStore<MetricsStore>()((set, get) => {
    const poll = livePoll(deps.trace, () => void get().refresh(), { pollMs: POLL_MS, endedRefreshMs: ENDED_REFRESH_MS });

    return {
      metrics: null,
      runId: null,
      buckets: BUCKETS,
      loading: false,
      error: null,
      nats: [],

      setActive(next) {
        poll.setActive(next);
      },

      refresh: oneAtATime(async () => {
        const runId = deps.trace.getState().runId;
        if (!runId) {
          set({ metrics: null, runId: null, error: null });
          return;
        }
        if (runId !== get().runId) set({ metrics: null, runId });
        set({ loading: true });
        try {
          const metrics = await client.call('trace.getMetrics', { runId, buckets: get().buckets });
          if (deps.trace.getState().runId === runId) set({ metrics, runId, error: null });
        } catch (error) {
          set({ error: error instanceof Error ? error.message : String(error) });
        } finally {
          set({ loading: false });
        }
      }, { again: false }),

      async showInTrace(from, to) {
        deps.view.getState().setView('trace');
        await deps.trace.getState().setTimeRange(from, to);
      },
    };
  });
  deps.server.subscribe((s, before) => {
    const stats = s.status?.stats;
    if (!stats || stats === before.status?.stats) return;
    store.setState((m) => ({ nats: addSample(m.nats, { t: Date.now(), stats }) }));
  });
  return store;
}

/** The Metrics store's hook (see {@link storeHook}). */
export const useMetricsStore = storeHook('metrics');
