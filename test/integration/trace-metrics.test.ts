/**
 * trace.getMetrics against a real store on disk: the host's answer (index pass + facts read once,
 * run-metrics.ts) equals a plain computation over the same records (naive-metrics.ts), for the
 * whole run and for ranges; a second call after new records reads only those; a finished run is
 * answered from the cache without opening its store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MetricsInputSchema } from '../../agents/trace/metrics.js';
import { TRACE_FORMAT, type TraceRecord } from '../../agents/trace/record.js';
import { MetricsCache } from '../../main/host/trace/run-metrics.js';
import type { CachedRuns } from '../../main/host/trace/run-read-cache.js';
import { TraceStore } from '../../main/host/trace/trace-store.js';
import { naiveMetrics } from '../helpers/naive-metrics.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { eventRecord, sampleMessage } from '../helpers/trace-events.js';
import { generate, prng } from '../helpers/trace-runs.js';

/** Records the generator lacks: tool calls, finished tasks, tokens, and a client (no events) asking agents and getting answers. */
function workRecords(firstSeq: number, count: number, seed: number): TraceRecord[] {
  const rand = prng(seed);
  const out: TraceRecord[] = [];
  const start = Date.UTC(2025, 0, 1, 13);
  let pendingReply: { subject: string; to: string } | null = null;
  for (let seq = firstSeq; seq < firstSeq + count; seq++) {
    const base = { seq, time: new Date(start + seq * 11).toISOString(), mono: seq * 13 + Math.floor(rand() * 5) };
    const agent = ['alice', 'bob', 'carol'][Math.floor(rand() * 3)]!;
    const roll = rand();
    if (pendingReply && roll < 0.5) {
      const message = sampleMessage({ message_type: 'response', from_agent: pendingReply.to, to_agent: 'switchboard_app', content: 'done', message_id: `r${seq}` });
      const payload = JSON.stringify(message);
      out.push({ ...base, kind: 'message', subject: pendingReply.subject, reply: null, headers: null, size: payload.length, payload, encoding: 'utf8', truncated: false, parsed: { ok: true, message } });
      pendingReply = null;
    } else if (roll < 0.3) {
      const message = sampleMessage({ from_agent: 'switchboard_app', to_agent: agent, content: 'go', message_id: `q${seq}` });
      const payload = JSON.stringify(message);
      const reply = `_INBOX_switchboard_app.k.${seq}`;
      out.push({ ...base, kind: 'message', subject: `agents.request.${agent}`, reply, headers: null, size: payload.length, payload, encoding: 'utf8', truncated: false, parsed: { ok: true, message } });
      pendingReply = { subject: reply, to: agent };
    } else if (roll < 0.5) out.push(eventRecord(base, 'tool.invoked', agent));
    else if (roll < 0.7) out.push(eventRecord(base, 'run.completed', agent, rand() < 0.25 ? { status: 'failed', error: 'budget' } : {}));
    else {
      const usage = { inputTokens: Math.floor(rand() * 500), outputTokens: Math.floor(rand() * 200) };
      out.push(eventRecord(base, 'llm.call', agent, { response: { text: 'ok', toolCalls: [], usage, stopReason: 'stop', model: 'm' } }));
    }
  }
  return out;
}

describe('trace.getMetrics on a real store', () => {
  let root: string;
  let store: TraceStore;
  let live = true;
  let opened = 0;
  const runs: CachedRuns = {
    isLive: () => live,
    withStore: async (_runId, use) => (opened++, use(store)),
  };
  const range = (input: { from?: string; to?: string; buckets?: number } = {}) => {
    const { runId: _, ...parsed } = MetricsInputSchema.parse({ runId: 'r1', ...input });
    return parsed;
  };

  beforeEach(async () => {
    root = await makeTempDir('metrics');
    store = await TraceStore.create(root, { format: TRACE_FORMAT, run: 'r1', startedAt: '2025-01-01T12:00:00.000Z', topology: null });
    opened = 0;
    live = true;
  });
  afterEach(async () => {
    await store.close();
    await removeTempDir(root);
  });

  const records = [...generate(3000, 11), ...workRecords(3001, 1500, 5)];

  it('equals the plain computation, for the whole run and for ranges, and reads only new records on the next call', async () => {
    for (const record of records.slice(0, 3800)) store.append(record);
    const cache = new MetricsCache();
    const first = await cache.get('r1', range(), runs);
    expect(first).toEqual(naiveMetrics('r1', records.slice(0, 3800), range()));
    const facts = cache.peek('r1')!;
    const readBefore = facts.reads;
    expect(readBefore).toBeGreaterThan(0);

    for (const record of records.slice(3800)) store.append(record);
    const second = await cache.get('r1', range({ buckets: 120 }), runs);
    expect(second).toEqual(naiveMetrics('r1', records, range({ buckets: 120 })));
    // Only the 700 new records' llm.calls and pairs were read.
    const newLlm = records.slice(3800).filter((r) => r.kind === 'event' && r.name === 'llm.call').length;
    const newReplies = records.slice(3800).filter((r) => r.kind === 'message' && r.subject.startsWith('_INBOX_switchboard_app')).length;
    expect(facts.reads - readBefore).toBeLessThanOrEqual(newLlm + 2 * newReplies + 2 * 100);
    expect(facts.reads - readBefore).toBeGreaterThanOrEqual(newLlm + 2 * newReplies);

    // The work the generator lacks shows: tokens, tool calls, tasks, the client's end-to-end latency.
    expect(second.agents['switchboard_app']?.client).toBe(true);
    expect(second.agents['alice']?.client).toBe(false);
    expect(second.agents['bob']!.totals.tokens).toBeGreaterThan(0);
    expect(second.agents['carol']!.totals.toolCalls).toBeGreaterThan(0);
    expect(second.agents['bob']!.totals.p95Ms).not.toBeNull();
    expect(second.system.endToEnd.count).toBe(newRepliesAll());
    expect(second.system.tasks.failed).toBeGreaterThan(0);
    expect(second.system.errors.byKind['run_failed']).toBe(second.system.tasks.failed);

    const from = '2025-01-01T12:00:10.000Z';
    const to = '2025-01-01T13:00:40.000Z';
    expect(await cache.get('r1', range({ from, to, buckets: 7 }), runs)).toEqual(naiveMetrics('r1', records, range({ from, to, buckets: 7 })));
    const narrow = range({ from: '2025-01-01T13:00:35.000Z', to: '2025-01-01T13:00:36.000Z', buckets: 1 });
    expect(await cache.get('r1', narrow, runs)).toEqual(naiveMetrics('r1', records, narrow));
  });

  it('answers a finished run from the cache, without opening its store again', async () => {
    live = false;
    for (const record of records) store.append(record);
    const cache = new MetricsCache();
    const first = await cache.get('r1', range(), runs);
    expect(opened).toBe(1);
    expect(first.live).toBe(false);
    const again = await cache.get('r1', range({ buckets: 10 }), runs);
    expect(opened).toBe(1);
    expect(again).toEqual(naiveMetrics('r1', records, range({ buckets: 10 }), false));
  });

  it('answers a run that cannot be opened for a moment (stopping) from what it read, and says so when it read nothing', async () => {
    for (const record of records.slice(0, 500)) store.append(record);
    const cache = new MetricsCache();
    const first = await cache.get('r1', range(), runs);
    const closing: CachedRuns = { isLive: () => false, withStore: async () => Promise.reject(new Error('run r1 is already open in this process.')) };
    expect(await cache.get('r1', range(), closing)).toEqual({ ...first, live: false });
    await expect(new MetricsCache().get('r1', range(), closing)).rejects.toThrow(/already open/);
  });

  it('answers an empty run with empty series, and refuses a range that ends before it starts', async () => {
    const cache = new MetricsCache();
    const metrics = await cache.get('r1', range(), runs);
    expect(metrics).toMatchObject({ records: 0, from: null, to: null, times: [], agents: {} });
    expect(() => range({ from: '2025-01-02T00:00:00Z', to: '2025-01-01T00:00:00Z' })).toThrow(/from.*after.*to/);
  });

  function newRepliesAll(): number {
    return records.filter((r) => r.kind === 'message' && r.subject.startsWith('_INBOX_switchboard_app')).length;
  }
});
