// The live store over a scripted host: a line pulses at most once per PULSE_MS however many
// batches hit it, a live run is polled once per POLL_MS (and not while the canvas is hidden), and
// a past run is read until the host has compared all of it, then left alone; the run events a
// busy batch skipped are read back, so each agent's state still follows every one.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStore, type StoreApi } from 'zustand';
import { loadTopology } from '../../agents/topology/load.js';
import { toDesignCheck } from '../../agents/trace/design-check.js';
import type { TraceRecord } from '../../agents/trace/record.js';
import type { RpcResult, RunStatus } from '../../preload/contract.js';
import { ApiClient, type Transport } from '../../renderer/src/api.js';
import type { DocumentStore } from '../../renderer/src/stores/document-store.js';
import { createLiveStore, POLL_MS, PULSE_MS } from '../../renderer/src/stores/live-store.js';
import type { RunStore } from '../../renderer/src/stores/run-store.js';
import type { TraceStore } from '../../renderer/src/stores/trace-store.js';
import { eventRecord, messageRecord, sampleMessage } from '../helpers/trace-events.js';

const trio = loadTopology(readFileSync('templates/seed-000-trio.yaml', 'utf8')).topology!;
const LINE = 'request:task_coordinator->weather_bot';

/** The weather request, as the bus carries it. */
function request(seq: number): TraceRecord {
  const m = sampleMessage({ message_type: 'request', from_agent: 'task_coordinator', to_agent: 'weather_bot', message_id: `m${seq}` });
  return messageRecord({ seq, time: '2026-01-01T00:00:00.000Z', mono: seq }, 'agents.request.weather_bot', JSON.stringify(m), { reply: `_INBOX_task_coordinator.x.${seq}`, parsed: { ok: true, message: m } });
}

/** A host that answers checkDesign and getMetrics for one run of `total` records, counting the calls. */
function scriptedHost(total: number, seenPerCall = total, stored: TraceRecord[] = []) {
  const calls: string[] = [];
  let seen = 0;
  const listeners = new Map<string, (payload: unknown) => void>();
  const ok = (value: unknown): RpcResult => ({ ok: true, value });
  const transport: Transport = {
    call: async (method, input) => {
      calls.push(method);
      const { runId } = input as { runId: string };
      if (method === 'trace.checkDesign') {
        seen = Math.min(total, seen + seenPerCall);
        return ok(toDesignCheck(runId, null, seen, total));
      }
      if (method === 'trace.query') {
        // The store's records of this kind and type after `after`, oldest first (enough of trace.query for the tally).
        const { query } = input as { query: { kind?: string; type?: string; after?: number; limit: number } };
        const match = stored.filter((r) => r.kind === query.kind && r.kind === 'event' && r.name === query.type && r.seq > (query.after ?? 0));
        return ok({ records: match.slice(0, query.limit), hasMore: match.length > query.limit, total: null, offset: null });
      }
      if (method === 'trace.getMetrics') return ok({ agents: { weather_bot: { totals: { received: 1, sent: 1, errors: 0, toolCalls: 0, tokens: 0, p50Ms: null, p95Ms: null } } } });
      return { ok: false, error: { code: 'unknown_call', message: method } };
    },
    on: (event, listener) => {
      listeners.set(event, listener);
      return () => listeners.delete(event);
    },
    onConnection: () => () => undefined,
  };
  return { client: new ApiClient(transport), calls, emit: (event: string, payload: unknown) => listeners.get(event)?.(payload) };
}

const status = (state: RunStatus['state']): RunStatus => ({ state, runId: 'r1', topology: 'seed-000-trio', agents: [{ name: 'weather_bot', instances: 1 }], startedAt: null, error: null });

/** The live store with stand-ins for the stores it reads. */
function liveStore(host: ReturnType<typeof scriptedHost>, state: RunStatus['state']) {
  const document = createStore(() => ({ topology: trio })) as unknown as StoreApi<DocumentStore>;
  const run = createStore(() => ({ status: status(state), paused: [] })) as unknown as StoreApi<RunStore>;
  const trace = createStore(() => ({ runId: 'r1', runs: [], selected: null })) as unknown as StoreApi<TraceStore>;
  const live = createLiveStore(host.client, { document, run, trace });
  const disconnect = live.getState().connect();
  return { live, disconnect };
}

describe('the live store', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('pulses a line at most once per PULSE_MS, however many batches hit it', async () => {
    const host = scriptedHost(0);
    const { live, disconnect } = liveStore(host, 'running');
    for (let i = 1; i <= 40; i++) {
      host.emit('trace.appended', { runId: 'r1', records: [request(i)], skipped: null });
      await vi.advanceTimersByTimeAsync(PULSE_MS / 10);
    }
    // 40 batches over four pulse periods: four pulses (one per period), not forty.
    expect(live.getState().pulses[LINE]).toBe(4);
    await vi.advanceTimersByTimeAsync(PULSE_MS * 5);
    expect(live.getState().pulses[LINE]).toBe(4);
    // Another run's batches do not pulse this one's lines.
    host.emit('trace.appended', { runId: 'other', records: [request(99)], skipped: null });
    await vi.advanceTimersByTimeAsync(PULSE_MS * 2);
    expect(live.getState().pulses[LINE]).toBe(4);
    disconnect();
  });

  it('each agent’s state follows the run events a busy batch skipped, read back from the host in order', async () => {
    const at = (seq: number) => ({ seq, time: '2026-01-01T00:00:00.000Z', mono: seq });
    const stored = [eventRecord(at(1), 'run.started', 'weather_bot'), request(2), eventRecord(at(3), 'run.completed', 'weather_bot', { status: 'failed', error: 'boom', reply: '' }), eventRecord(at(4), 'run.started', 'weather_bot'), request(5)];
    const host = scriptedHost(0, 0, stored);
    const { live, disconnect } = liveStore(host, 'running');
    // The batch carries only the newest record; the three before it are skipped.
    host.emit('trace.appended', { runId: 'r1', records: [stored[3]], skipped: { count: 3, fromSeq: 1, toSeq: 3 } });
    host.emit('trace.appended', { runId: 'r1', records: [stored[4]], skipped: null });
    await vi.advanceTimersByTimeAsync(0);
    // Started, failed, started again: one run in progress, and the last completed one failed.
    expect(live.getState().tally).toEqual({ active: { weather_bot: 1 }, failed: { weather_bot: true } });
    expect(host.calls.filter((c) => c === 'trace.query')).toHaveLength(2);
    disconnect();
  });

  it('polls a live run once per POLL_MS while the canvas shows, and not while it is hidden', async () => {
    const host = scriptedHost(10);
    const { live, disconnect } = liveStore(host, 'running');
    await vi.advanceTimersByTimeAsync(POLL_MS * 5 - 1);
    expect(host.calls.filter((c) => c === 'trace.checkDesign')).toHaveLength(5);
    expect(live.getState().counters['weather_bot']?.received).toBe(1);
    live.getState().setVisible(false);
    await vi.advanceTimersByTimeAsync(POLL_MS * 10);
    const hidden = host.calls.filter((c) => c === 'trace.checkDesign').length;
    expect(hidden).toBeLessThanOrEqual(6);
    live.getState().setVisible(true);
    await vi.advanceTimersByTimeAsync(POLL_MS * 2 - 1);
    expect(host.calls.filter((c) => c === 'trace.checkDesign')).toHaveLength(hidden + 2);
    disconnect();
    await vi.advanceTimersByTimeAsync(POLL_MS * 5);
    expect(host.calls.filter((c) => c === 'trace.checkDesign')).toHaveLength(hidden + 2);
  });

  it('reads a past run until the host has compared all of it, then stops asking', async () => {
    const host = scriptedHost(120_000, 50_000);
    const { live, disconnect } = liveStore(host, 'idle');
    await vi.advanceTimersByTimeAsync(POLL_MS * 10);
    expect(host.calls.filter((c) => c === 'trace.checkDesign')).toHaveLength(3);
    expect(live.getState()).toMatchObject({ runId: 'r1', live: false, check: { seen: 120_000, total: 120_000 } });
    disconnect();
  });
});
