// When and in what order the recorder says things happened, checked against what the agents
// themselves saw: a real run of the seed-000 trio template on a real nats-server, recorded into a
// library. The trace's request → reply latency must be what the agents measured (not the 0.00 ms
// of two frames read from the tap at once), and every bus record must sit before the runtime
// events it caused (a request before its receiver's `message.received`, a reply after its
// sender's `message.sent` and before the requester's tool result).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTopology } from '../../agents/topology/load.js';
import type { EventRecord, MessageRecord, TraceRecord } from '../../agents/trace/record.js';
import { startNatsServer, type SessionServer } from '../../main/host/run-session-server.js';
import { RunSession } from '../../main/host/run-session.js';
import { TraceLibrary } from '../../main/host/trace/index.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { storedRecords } from '../helpers/stored-records.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

let server: SessionServer;
let tmp: string;

beforeAll(async () => {
  tmp = await makeTempDir('trace-timing');
  server = await startNatsServer({ mode: 'embedded' }, { appRoot: repoRoot });
});
afterAll(async () => {
  await server.stop();
  await removeTempDir(tmp);
});


const idOf = (r: TraceRecord): string | null => (r.kind === 'message' && r.parsed.ok ? r.parsed.message.message_id : null);
const eventAbout = (records: TraceRecord[], name: string, agent: string, messageId: string): EventRecord | undefined =>
  records.find((r): r is EventRecord => r.kind === 'event' && r.name === name && r.agent === agent && 'message' in r.payload && r.payload.message.message_id === messageId);

describe('recorded times and order, against what the agents saw', () => {
  it('a template run: request/reply latency as the agents measured it, and bus records before the events they caused', async () => {
    const text = await readFile(path.join(repoRoot, 'templates/seed-000-trio.yaml'), 'utf8');
    const topology = loadTopology(text, 'seed-000-trio.yaml').topology!;
    const library = new TraceLibrary(path.join(tmp, 'traces'));
    const warnings: string[] = [];
    const session = await RunSession.start({ server: server.handle, topology, text, baseDir: repoRoot, senderName: 'timing_test', warn: (t) => warnings.push(t), library });
    const ROUNDS = 6;
    for (let i = 0; i < ROUNDS; i++) {
      const reply = await session.send('task_coordinator', i % 2 === 0 ? "What's the weather in Paris?" : 'Tell me a joke');
      expect(reply.content.length).toBeGreaterThan(0);
    }
    await session.stop();
    expect(warnings).toEqual([]);
    const store = await library.open(session.runId!);
    try {
      const records = await storedRecords(store);
      const seqOf = new Map(records.map((r) => [r, r.seq]));
      // Time never goes back along the trace.
      for (let i = 1; i < records.length; i++) expect(records[i]!.mono, `mono of seq ${records[i]!.seq}`).toBeGreaterThanOrEqual(records[i - 1]!.mono);

      // The coordinator's delegations: both ends in this process, so the recorder saw both sides.
      const delegations = records.filter((r): r is MessageRecord => r.kind === 'message' && r.reply !== null && r.parsed.ok && r.parsed.message.from_agent === 'task_coordinator');
      expect(delegations).toHaveLength(ROUNDS);
      const toolResults = records.filter((r): r is EventRecord & { name: 'tool.result' } => r.kind === 'event' && r.name === 'tool.result' && r.payload.tool === 'request_agent');
      expect(toolResults).toHaveLength(ROUNDS);
      const page = await store.queryWithFacts({ after: 0, limit: 1000 });
      const factsOf = new Map(page.facts.map((f) => [f.seq, f]));
      for (const [i, request] of delegations.entries()) {
        const facts = factsOf.get(request.seq)!;
        expect(facts.replySeq, `the reply of seq ${request.seq}`).not.toBeNull();
        const reply = records[facts.replySeq! - 1] as MessageRecord;
        const asked = request.parsed.ok ? request.parsed.message : null;
        const specialist = asked!.to_agent!;
        const sent = eventAbout(records, 'message.sent', 'task_coordinator', idOf(request)!)!;
        const received = eventAbout(records, 'message.received', specialist, idOf(request)!)!;
        const answered = eventAbout(records, 'message.sent', specialist, idOf(reply)!)!;
        const toolResult = toolResults[i]!;
        expect([sent, received, answered].every(Boolean)).toBe(true);
        // Causal order: sent → request on the bus → received … answered → reply on the bus → the requester's tool result.
        expect(seqOf.get(sent)!).toBeLessThan(request.seq);
        expect(request.seq, `request seq ${request.seq} before ${specialist}'s message.received`).toBeLessThan(received.seq);
        expect(answered.seq).toBeLessThan(reply.seq);
        expect(reply.seq, `reply seq ${reply.seq} before the requester's tool.result`).toBeLessThan(toolResult.seq);
        // The latency the trace reports: at least the specialist's own handling time, at most the round trip the requester measured.
        const handling = answered.mono - received.mono;
        expect(facts.latencyMs, `latency of seq ${request.seq}`).toBeGreaterThan(0);
        expect(facts.latencyMs!).toBeGreaterThanOrEqual(handling - 0.001);
        expect(facts.latencyMs!).toBeLessThanOrEqual(toolResult.payload.durationMs + 0.001);
        expect(factsOf.get(reply.seq)!.latencyMs).toBe(facts.latencyMs);
      }

      // The workbench's own requests (its sender records no events): placed and timed by the coordinator's side.
      const asks = records.filter((r): r is MessageRecord => r.kind === 'message' && r.reply !== null && r.parsed.ok && r.parsed.message.from_agent === 'timing_test');
      expect(asks).toHaveLength(ROUNDS);
      for (const request of asks) {
        const facts = factsOf.get(request.seq)!;
        const reply = records[facts.replySeq! - 1] as MessageRecord;
        const received = eventAbout(records, 'message.received', 'task_coordinator', idOf(request)!)!;
        const answered = eventAbout(records, 'message.sent', 'task_coordinator', idOf(reply)!)!;
        expect(request.seq).toBeLessThan(received.seq);
        expect(answered.seq).toBeLessThan(reply.seq);
        expect(facts.latencyMs!).toBeGreaterThanOrEqual(answered.mono - received.mono - 0.001);
        expect(facts.latencyMs!).toBeGreaterThan(0);
      }
    } finally {
      await store.close();
    }
  });
});
