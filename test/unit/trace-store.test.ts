// The trace store over a scripted host that pages a synthetic run as trace.query does (after /
// before / limit, filters applied by the "host"): the window stays bounded while paging, a filter
// goes to the host, and the live run is followed from trace.appended.
import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../agents/trace/record.js';
import type { RpcResult } from '../../preload/contract.js';
import { ApiClient, type Transport } from '../../renderer/src/api.js';
import { createTraceStore } from '../../renderer/src/stores/trace-store.js';
import { MAX_ROWS, PAGE_SIZE } from '../../renderer/src/trace/trace-window.js';
import { until } from '../helpers/until.js';

const record = (seq: number): MessageRecord => ({
  seq,
  time: new Date(Date.UTC(2026, 11, 6, 7, 0, 0, seq)).toISOString(),
  mono: seq,
  kind: 'message',
  subject: seq % 2 ? 'agents.request.a' : 'agents.request.b',
  reply: null,
  headers: null,
  size: 1,
  payload: 'x',
  encoding: 'utf8',
  truncated: false,
  parsed: { ok: false, reason: 'not JSON' },
});

interface Query {
  after?: number;
  before?: number;
  limit: number;
  subject?: string;
}

/** A host with one run of `count` records (more can be added), answering queries as the store does. */
function scriptedRun(count: number) {
  let records = Array.from({ length: count }, (_, i) => record(i + 1));
  const queries: Query[] = [];
  const listeners = new Map<string, (payload: unknown) => void>();
  const ok = (value: unknown): RpcResult => ({ ok: true, value });
  const transport: Transport = {
    call: async (method, input) => {
      const { query } = (input ?? {}) as { query?: Query };
      if (method === 'trace.listRuns') return ok({ runs: [{ runId: 'r1', startedAt: '2026-12-06T07:00:00.000Z', topology: 'trio' }] });
      if (method === 'trace.count') return ok({ records: records.length, messages: records.length, events: 0, subjects: {}, agents: {} });
      if (method === 'run.getStatus') return ok({ state: 'idle', runId: null, topology: null, agents: [], startedAt: null, error: null });
      if (method !== 'trace.query' || !query) return { ok: false, error: { code: 'unknown_call', message: method } };
      queries.push(query);
      const matching = records.filter((r) => !query.subject || r.subject === query.subject);
      const page =
        query.before !== undefined ? matching.filter((r) => r.seq < query.before!).reverse() : matching.filter((r) => r.seq > (query.after ?? 0));
      return ok({ records: page.slice(0, query.limit), hasMore: page.length > query.limit });
    },
    on: (event, listener) => {
      listeners.set(event, listener);
      return () => listeners.delete(event);
    },
    onConnection: () => () => undefined,
  };
  return {
    client: new ApiClient(transport),
    queries,
    emit: (event: string, payload: unknown) => listeners.get(event)?.(payload),
    add: (n: number) => {
      const from = records.length + 1;
      records = [...records, ...Array.from({ length: n }, (_, i) => record(from + i))];
      return records.slice(-n);
    },
  };
}

const seqs = (rows: readonly { seq: number }[]) => [rows[0]?.seq, rows.at(-1)?.seq, rows.length];

describe('the trace store', () => {
  it('pages a recorded run forward and back, never holding more than the bound', async () => {
    const host = scriptedRun(3000);
    const trace = createTraceStore(host.client);
    await trace.getState().openRun('r1');
    expect(seqs(trace.getState().window.rows)).toEqual([1, PAGE_SIZE, PAGE_SIZE]);
    for (let i = 0; i < 7; i++) await trace.getState().loadNewer();
    const { window, shift } = trace.getState();
    expect(seqs(window.rows)).toEqual([8 * PAGE_SIZE - MAX_ROWS + 1, 8 * PAGE_SIZE, MAX_ROWS]);
    expect(window).toMatchObject({ hasBefore: true, hasAfter: true });
    expect(shift.rows).toBe(-PAGE_SIZE); // the table moves its scroll position up by what was dropped
    await trace.getState().loadOlder();
    expect(seqs(trace.getState().window.rows)).toEqual([8 * PAGE_SIZE - MAX_ROWS - PAGE_SIZE + 1, 8 * PAGE_SIZE - PAGE_SIZE, MAX_ROWS]);
    expect(trace.getState().shift.rows).toBe(PAGE_SIZE);
    expect(host.queries.every((q) => q.limit === PAGE_SIZE)).toBe(true);
  });

  it('sends a readable filter to the host, keeps the selection in view, and sends nothing for an unreadable one', async () => {
    const host = scriptedRun(500);
    const trace = createTraceStore(host.client);
    await trace.getState().openRun('r1');
    trace.getState().select(101);
    await trace.getState().setFilterText('agents.request.a');
    // Around the selection: up to it (newest first), then after it.
    expect(host.queries.slice(-2)).toEqual([
      { subject: 'agents.request.a', infrastructure: 'hide', before: 102, limit: PAGE_SIZE },
      { subject: 'agents.request.a', infrastructure: 'hide', after: 101, limit: PAGE_SIZE },
    ]);
    const rows = trace.getState().window.rows;
    expect(rows.every((r) => r.kind === 'message' && r.subject === 'agents.request.a')).toBe(true);
    expect(rows.some((r) => r.seq === 101)).toBe(true);
    expect(trace.getState().reveal.seq).toBe(101);
    const sent = host.queries.length;
    await trace.getState().setFilterText('agents.request.a shade:blue');
    expect(trace.getState().filterError).toContain('unknown filter "shade:"');
    expect(host.queries.length).toBe(sent);
  });

  it('follows the live run from trace.appended, and stops adding rows once paused', async () => {
    const host = scriptedRun(50);
    const trace = createTraceStore(host.client);
    const stop = trace.getState().connect();
    host.emit('run.statusChanged', { state: 'running', runId: 'r1', topology: 'trio', agents: [], startedAt: null, error: null });
    await until(() => trace.getState().window.rows.length === 50, 'the newest page');
    expect(host.queries[0]).toEqual({ infrastructure: 'hide', before: Number.MAX_SAFE_INTEGER, limit: PAGE_SIZE }); // the newest page first, NATS internals left out
    host.emit('trace.appended', { runId: 'r1', records: host.add(3), skipped: null });
    await until(() => trace.getState().window.rows.length === 53, 'the appended records');
    expect(host.queries.at(-1)).toEqual({ infrastructure: 'hide', after: 50, limit: PAGE_SIZE });
    // Reading an older record pauses following: new records only mark that there is more.
    trace.getState().select(10);
    expect(trace.getState().follow).toBe(false);
    host.emit('trace.appended', { runId: 'r1', records: host.add(2), skipped: null });
    expect(trace.getState().window).toMatchObject({ hasAfter: true });
    expect(trace.getState().window.rows.length).toBe(53);
    // One click resumes: the newest page again.
    await trace.getState().setFollow(true);
    expect(seqs(trace.getState().window.rows)).toEqual([1, 55, 55]);
    stop();
  });
});
