// The trace store over a scripted host that answers trace.query as the real one does (by position
// with `offset`/`total`; a text filter by seq after / before): rows load block by block within the
// bound, a filter goes to the host keeping the selection, and the live run is followed and paused.
import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../agents/trace/record.js';
import type { RpcResult } from '../../preload/contract.js';
import { ApiClient, type Transport } from '../../renderer/src/api.js';
import { createTraceStore } from '../../renderer/src/stores/trace-store.js';
import { BLOCK_ROWS, loadedRows, MAX_BLOCKS, rowAt } from '../../renderer/src/trace/trace-blocks.js';
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
  payload: seq % 3 ? 'plain' : 'needle',
  encoding: 'utf8',
  truncated: false,
  parsed: { ok: false, reason: 'not JSON' },
});

interface Query {
  after?: number;
  before?: number;
  offset?: number;
  limit: number;
  subject?: string;
  text?: string;
}

/**
 * A host with one run of `count` records (more can be added), answering as the real one does:
 * `offset` pages by position with `total`; a text filter pages by seq only (`total` null).
 */
function scriptedRun(count: number) {
  let records = Array.from({ length: count }, (_, i) => record(i + 1));
  const queries: Query[] = [];
  const listeners = new Map<string, (payload: unknown) => void>();
  const ok = (value: unknown): RpcResult => ({ ok: true, value });
  const matching = (query: Query) => records.filter((r) => (!query.subject || r.subject === query.subject) && (!query.text || r.payload.includes(query.text)));
  const transport: Transport = {
    call: async (method, input) => {
      const { query, seq } = (input ?? {}) as { query?: Query; seq?: number };
      if (method === 'trace.listRuns') return ok({ runs: [{ runId: 'r1', startedAt: '2026-12-06T07:00:00.000Z', topology: 'trio', records: records.length, bytes: 1, live: false }] });
      if (method === 'trace.count') return ok({ records: records.length, messages: records.length, events: 0, subjects: {}, agents: {}, types: {}, hiddenInfrastructure: 0, exact: true });
      if (method === 'trace.getRelated') {
        // A request is answered by the record after it, once that exists: pending until then.
        const answered = records.length > seq!;
        const facts = { seq, from: null, to: null, type: 'request', status: answered ? 'ok' : 'pending', error: null, replySeq: answered ? seq! + 1 : null, requestSeq: null, latencyMs: answered ? 1 : null };
        return ok({ seq, facts, chain: null, conversation: null, window: { from: seq, to: seq }, records: [] });
      }
      if (method === 'run.getStatus') return ok({ state: 'idle', runId: null, topology: null, agents: [], startedAt: null, error: null });
      if (method === 'trace.getPosition' && query) {
        const all = matching(query);
        const position = all.findIndex((r) => r.seq >= seq!);
        return ok({ position: query.text ? null : position < 0 ? all.length : position, matches: all.some((r) => r.seq === seq), total: query.text ? null : all.length });
      }
      if (method !== 'trace.query' || !query) return { ok: false, error: { code: 'unknown_call', message: method } };
      queries.push(query);
      const all = matching(query);
      const total = query.text ? null : all.length;
      if (query.offset !== undefined) {
        const page = all.slice(query.offset, query.offset + query.limit);
        return ok({ records: page, hasMore: query.offset + query.limit < all.length, total, offset: page.length ? query.offset : null });
      }
      const page = query.before !== undefined ? all.filter((r) => r.seq < query.before!).reverse() : all.filter((r) => r.seq > (query.after ?? 0));
      const records_ = page.slice(0, query.limit);
      const oldest = query.before !== undefined ? records_.at(-1) : records_[0];
      return ok({ records: records_, hasMore: page.length > query.limit, total, offset: total === null || !oldest ? null : all.indexOf(oldest) });
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

const seqAt = (trace: ReturnType<typeof createTraceStore>, position: number) => rowAt(trace.getState().rows, position)?.record.seq;

describe('the trace store', () => {
  it('pages a recorded run by position, block by block, never holding more than the bound', async () => {
    const host = scriptedRun(5000);
    const trace = createTraceStore(host.client);
    await trace.getState().openRun('r1');
    expect(trace.getState().total).toBe(5000);
    expect(seqAt(trace, 0)).toBe(1);
    expect(host.queries[0]).toMatchObject({ offset: 0, limit: BLOCK_ROWS });
    // Scroll through the whole run: each range asks for its blocks, old ones go.
    for (let first = 0; first < 5000; first += 180) {
      trace.getState().ensureRows(first, first + 30);
      await until(() => seqAt(trace, first) === first + 1 && !trace.getState().loading, `rows at ${first}`);
    }
    trace.getState().ensureRows(4321, 4340);
    await until(() => seqAt(trace, 4321) === 4322, 'the rows at 4321');
    expect(loadedRows(trace.getState().rows)).toBeLessThanOrEqual(MAX_BLOCKS * BLOCK_ROWS);
    expect(host.queries.filter((q) => q.offset !== undefined).every((q) => q.offset! % BLOCK_ROWS === 0 && q.limit === BLOCK_ROWS)).toBe(true);
  });

  it('sends a readable filter to the host keeping the selection, pages a text filter by seq, and sends nothing for an unreadable one', async () => {
    const host = scriptedRun(3000);
    const trace = createTraceStore(host.client);
    await trace.getState().openRun('r1');
    trace.getState().select(101);
    await trace.getState().setFilterText('agents.request.a');
    await until(() => trace.getState().total === 1500, 'the filtered total');
    expect(trace.getState().selectedPosition).toBe(50); // seq 101 is the 51st odd seq
    await until(() => seqAt(trace, 50) === 101 || (trace.getState().ensureRows(40, 60), false), 'the selection in view');
    // A text filter: the host cannot position it, so the store pages a bounded window by seq.
    await trace.getState().setFilterText('needle');
    expect(trace.getState().total).toBeNull();
    expect(host.queries.slice(-2)).toEqual([
      { text: 'needle', infrastructure: 'hide', before: 102, limit: PAGE_SIZE },
      { text: 'needle', infrastructure: 'hide', after: 101, limit: PAGE_SIZE },
    ]);
    const rows = trace.getState().window.rows;
    expect(rows.every((r) => r.kind === 'message' && r.payload === 'needle')).toBe(true);
    for (let i = 0; i < 10; i++) await trace.getState().loadNewer();
    expect(trace.getState().window.rows.length).toBeLessThanOrEqual(MAX_ROWS);
    const sent = host.queries.length;
    await trace.getState().setFilterText('agents.request.a shade:blue');
    expect(trace.getState().filterError).toContain('unknown filter "shade:"');
    expect(host.queries.length).toBe(sent);
  });

  it('follows the live run, counts what arrives while paused, and resumes at the newest', async () => {
    const host = scriptedRun(50);
    const trace = createTraceStore(host.client);
    const stop = trace.getState().connect();
    host.emit('run.statusChanged', { state: 'running', runId: 'r1', topology: 'trio', agents: [], startedAt: null, error: null });
    await until(() => trace.getState().total === 50 && seqAt(trace, 49) === 50, 'the newest rows');
    expect(host.queries[0]).toMatchObject({ infrastructure: 'hide', before: Number.MAX_SAFE_INTEGER }); // the newest first, NATS internals left out
    host.emit('trace.appended', { runId: 'r1', records: host.add(3), skipped: null });
    await until(() => trace.getState().total === 53 && seqAt(trace, 52) === 53, 'the appended records');
    // The newest record selected, a request waiting: its reply shows in the detail as soon as it is recorded.
    trace.getState().select(53);
    await until(() => trace.getState().related?.facts.status === 'pending', 'the pending request');
    host.emit('trace.appended', { runId: 'r1', records: host.add(1), skipped: null });
    await until(() => trace.getState().related?.facts.replySeq === 54, 'its reply, without selecting again');
    await until(() => trace.getState().total === 54 && seqAt(trace, 53) === 54, 'the reply in the table');
    // Reading an older record pauses following: new records are only counted.
    trace.getState().select(10);
    expect(trace.getState().follow).toBe(false);
    host.emit('trace.appended', { runId: 'r1', records: host.add(2), skipped: null });
    await until(() => trace.getState().newSincePause === 2, 'two new while paused');
    // One click resumes: the newest rows again.
    await trace.getState().setFollow(true);
    await until(() => trace.getState().total === 56 && seqAt(trace, 55) === 56 && trace.getState().newSincePause === 0, 'following again');
    stop();
  });
});
