// Row facts and related records on real recorded runs: real agents on a real nats-server, the
// recorder writing a real store; a request's facts point to its reply (and back) with a positive
// latency, a handoff's related records give the chain and the conversation, the pairs survive a
// reopen (the index is rebuilt from the files), and a page in the middle of a big run pairs too.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeEventBus } from '../../agents/protocol/runtime-events.js';
import { Agent } from '../../agents/runtime/agent.js';
import type { MessageRecord, TraceRecord } from '../../agents/trace/record.js';
import { TraceRecorder } from '../../main/host/trace/recorder.js';
import { TraceLibrary, type TraceStore } from '../../main/host/trace/index.js';
import { startTestServer, type TestServer } from '../helpers/nats-server.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

let nats: TestServer;
let tmp: string;
let library: TraceLibrary;
beforeAll(async () => {
  nats = await startTestServer();
  tmp = await makeTempDir('trace-related');
  library = new TraceLibrary(path.join(tmp, 'traces'));
});
afterAll(async () => {
  await nats.stop();
  await removeTempDir(tmp);
});

const subjectOf = (r: TraceRecord) => (r.kind === 'message' ? r.subject : null);

describe('facts and related records of a recorded run', () => {
  it('pairs a request with its reply, follows a handoff chain, and keeps both after a reopen', async () => {
    const store = await library.create({});
    const recorder = new TraceRecorder(store, {});
    await recorder.tap(nats.connection);
    const events = new RuntimeEventBus();
    recorder.attach(events);
    const common = { connection: nats.connection, heartbeatMs: 0, registryBucket: null, events } as const;
    // The recorder stamps each read of the tap: a reply in the same read as its request would show 0 ms, so it takes a while.
    const echo = new Agent({ ...common, name: 'rel_echo', handler: async (m) => (await new Promise((r) => setTimeout(r, 50)), `echo: ${m.content}`) });
    const caller = new Agent({ ...common, name: 'rel_caller' });
    const third = new Agent({ ...common, name: 'rel_third' });
    const agents = [echo, caller, third];
    try {
      for (const agent of agents) await agent.start();
      expect((await caller.request('rel_echo', 'hello')).content).toBe('echo: hello');
      const first = await caller.handoff('rel_echo', 'take the ticket', { conversation_id: 'ticket-7' });
      await echo.handoff('rel_third', 'yours now', { conversation_id: 'ticket-7' });
      expect(first.message_type).toBe('handoff');
    } finally {
      for (const agent of agents) await agent.stop();
    }
    await recorder.stop(); // everything the server routed is recorded and stored

    const check = async (s: TraceStore) => {
      const page = await s.queryWithFacts({ kind: 'message', type: 'request', agent: 'rel_echo' });
      expect(page.records).toHaveLength(1);
      const request = page.records[0] as MessageRecord;
      const facts = page.facts[0]!;
      expect(facts).toMatchObject({ seq: request.seq, from: 'rel_caller', to: 'rel_echo', type: 'request', status: 'ok', requestSeq: null });
      expect(facts.replySeq).toBeGreaterThan(request.seq);
      const reply = (await s.get(facts.replySeq!)) as MessageRecord;
      expect(reply.subject).toBe(request.reply);
      expect(facts.latencyMs).toBeGreaterThan(0);
      expect(facts.latencyMs).toBe(reply.mono - request.mono);

      // Facts come one per record, in the page's order, and only when asked.
      const all = await s.queryWithFacts({ kind: 'message', limit: 1000 });
      expect(all.facts.map((f) => f.seq)).toEqual(all.records.map((r) => r.seq));
      expect(all.facts.find((f) => f.seq === reply.seq)).toMatchObject({ requestSeq: request.seq, replySeq: null, latencyMs: facts.latencyMs, from: 'rel_echo', to: 'rel_caller' });
      expect('facts' in (await s.query({ kind: 'message' }))).toBe(false);

      const aroundRequest = (await s.related(request.seq))!;
      expect(aroundRequest.facts).toEqual(facts);
      expect(aroundRequest.conversation?.seqs).toEqual(expect.arrayContaining([request.seq, reply.seq]));
      expect(aroundRequest.records.find((r) => r.seq === reply.seq)).toEqual(reply);
      expect((await s.related(reply.seq))!.facts.requestSeq).toBe(request.seq);

      // The second hop continues the chain the first began; each handoff is published twice.
      const handoffs = (await s.query({ kind: 'message', type: 'handoff', subject: 'agents.direct.*' })).records;
      expect(handoffs.map(subjectOf)).toEqual(['agents.direct.rel_echo', 'agents.direct.rel_third']);
      const related = (await s.related(handoffs[1]!.seq))!;
      expect(related.seq).toBe(handoffs[1]!.seq);
      expect(related.chain).toMatchObject({ agents: ['rel_caller', 'rel_echo', 'rel_third'], total: 2 });
      expect(related.chain!.seqs).toEqual([handoffs[0]!.seq, handoffs[1]!.seq]);
      expect(related.conversation).toMatchObject({ id: 'ticket-7' });
      expect(related.conversation!.seqs).toEqual(expect.arrayContaining(handoffs.map((r) => r.seq)));
      // Every seq named comes with its record, once, in seq order.
      const named = [...new Set([related.seq, ...related.chain!.seqs, ...related.conversation!.seqs])].sort((a, b) => a - b);
      expect(related.records.map((r) => r.seq)).toEqual(named);
      expect(related.window.from).toBe(1);
      expect(await s.related(s.size + 1)).toBeNull();
    };
    await check(store);
    const runId = store.runId;
    await store.close();
    const reopened = await library.open(runId);
    try {
      await check(reopened);
    } finally {
      await reopened.close();
    }
  });

  it('pairs a page in the middle of a large run through the reply index, at a few bytes a record', async () => {
    const store = await library.create({});
    const N = 200_000;
    const t0 = Date.parse('2025-01-01T00:00:00.000Z');
    const payload = '{}';
    const at = (seq: number) => ({ seq, time: new Date(t0 + seq).toISOString(), mono: seq });
    const line = (seq: number, subject: string, reply: string | null): TraceRecord => ({
      ...at(seq),
      kind: 'message',
      subject,
      reply,
      headers: null,
      size: 2,
      payload,
      encoding: 'utf8',
      truncated: false,
      parsed: { ok: false, reason: 'not an AgentMessage' },
    });
    // Requests on unique inboxes (past the subject table's exact capacity), each answered 3 records later.
    for (let seq = 1; seq <= N; seq++) {
      const k = seq % 4;
      if (k === 1) store.append(line(seq, 'svc.work', `_INBOX.run.${seq}`));
      else if (k === 0) store.append(line(seq, `_INBOX.run.${seq - 3}`, null));
      else store.append(line(seq, `noise.${seq % 50}`, null));
    }
    try {
      const page = await store.queryWithFacts({ after: N / 2, limit: 8 });
      expect(page.records).toHaveLength(8);
      const request = page.facts.find((f) => f.seq === N / 2 + 1)!;
      expect(request).toMatchObject({ replySeq: N / 2 + 4, latencyMs: 3, status: 'ok' });
      expect(page.facts.find((f) => f.seq === N / 2 + 4)).toMatchObject({ requestSeq: N / 2 + 1, latencyMs: 3 });
      expect(page.facts.find((f) => f.seq === N / 2 + 2)).toMatchObject({ replySeq: null, requestSeq: null, latencyMs: null });
      // A quarter of the records are requests: the reply index costs a few bytes a record.
      expect(store.replyIndexBytes / N).toBeLessThanOrEqual(8);
    } finally {
      await store.close();
    }
  });
});
