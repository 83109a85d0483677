// The trace recorder on a real nats-server, writing real files: every message of a busy run
// captured in order (several publishers, request/reply on inboxes), real agents' traffic and
// runtime events interleaved in one order, payloads cut at the size limit, records identical to
// what zod would produce, and live batches that never hold the recorder back.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeAgentMessage } from '../../agents/protocol/codec.js';
import { Agent } from '../../agents/runtime/agent.js';
import { RuntimeEventBus } from '../../agents/protocol/runtime-events.js';
import { newMessage } from '../../agents/runtime/wire.js';
import { TraceRecordSchema, type MessageRecord, type TraceRecord } from '../../agents/trace/record.js';
import { parsePayload, TraceRecorder, type LiveBatch, type RecorderOptions } from '../../main/host/trace/recorder.js';
import { TraceLibrary, type TraceStore } from '../../main/host/trace/index.js';
import { startTestServer, type TestServer } from '../helpers/nats-server.js';
import { storedRecords } from '../helpers/stored-records.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

let nats: TestServer;
let tmp: string;
let library: TraceLibrary;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  nats = await startTestServer();
  tmp = await makeTempDir('trace-recorder');
  library = new TraceLibrary(path.join(tmp, 'traces'));
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await nats.stop();
  await removeTempDir(tmp);
});

async function recording(options: RecorderOptions = {}): Promise<{ store: TraceStore; recorder: TraceRecorder; warnings: string[] }> {
  const store = await library.create({});
  const warnings: string[] = [];
  const recorder = new TraceRecorder(store, { warn: (t) => warnings.push(t), ...options });
  await recorder.tap(nats.connection);
  cleanups.push(() => store.close(), () => recorder.stop());
  return { store, recorder, warnings };
}

async function client(name = 'trace-test-client'): Promise<NatsConnection> {
  const nc = await connect({ ...nats.connection, name });
  cleanups.push(() => nc.close());
  return nc;
}


const messagesOf = (records: TraceRecord[]) => records.filter((r): r is MessageRecord => r.kind === 'message');

describe('recording the bus', () => {
  it('captures every message of a busy run, in order, with contiguous seq, inbox replies included', async () => {
    const { store, recorder } = await recording();
    const publishers = await Promise.all([client('p1'), client('p2'), client('p3')]);
    const responder = await client('responder');
    const requester = await client('requester');
    responder.subscribe('svc.echo', { callback: (_e, msg) => void msg.respond(msg.data) });
    await responder.flush();

    const PER_PUBLISHER = 6000;
    const REQUESTS = 300;
    const burst = async (nc: NatsConnection, p: number) => {
      for (let i = 0; i < PER_PUBLISHER; i++) {
        nc.publish(`busy.p${p}.${i % 5}`, JSON.stringify(newMessage({ message_type: 'broadcast', from_agent: `pub${p}`, to_agent: null, content: String(i) })));
        if (i % 500 === 0) await new Promise((r) => setImmediate(r)); // let the three interleave
      }
      await nc.flush();
    };
    const requests = async () => {
      for (let i = 0; i < REQUESTS; i++) expect((await requester.request('svc.echo', `ping ${i}`, { timeout: 5000 })).string()).toBe(`ping ${i}`);
    };
    await Promise.all([...publishers.map((nc, p) => burst(nc, p)), requests()]);
    const sent = 3 * PER_PUBLISHER + 2 * REQUESTS;
    await until(() => recorder.recorded >= sent, `${sent} records`);
    await recorder.stop(); // drains what the server already routed: anything extra would be counted now
    expect(recorder.recorded).toBe(sent);
    expect(recorder.dropped).toBe(0);

    const records = await storedRecords(store);
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
    const messages = messagesOf(records);
    expect(messages.length).toBe(sent);
    // Each publisher's messages in the order it sent them (NATS keeps per-connection order).
    for (let p = 0; p < 3; p++) {
      const contents = messages.filter((m) => m.subject.startsWith(`busy.p${p}.`)).map((m) => (m.parsed.ok ? Number(m.parsed.message.content) : -1));
      expect(contents).toEqual(Array.from({ length: PER_PUBLISHER }, (_, i) => i));
    }
    // Each request, then its reply on the requester's inbox, which is recorded too.
    const requestRecords = messages.filter((m) => m.subject === 'svc.echo');
    expect(requestRecords.length).toBe(REQUESTS);
    for (const request of requestRecords) {
      expect(request.reply).toMatch(/^_INBOX\./);
      const reply = messages.find((m) => m.subject === request.reply);
      expect(reply?.payload).toBe(request.payload);
      expect(reply!.seq).toBeGreaterThan(request.seq);
    }
    // Clocks: wall time in ISO form, monotonic time never going back.
    expect(records.every((r, i) => i === 0 || r.mono >= records[i - 1]!.mono)).toBe(true);
    expect(records[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('stop() drains: every message the server already routed is recorded before it returns', async () => {
    const { store, recorder } = await recording();
    const nc = await client();
    for (let i = 0; i < 5000; i++) nc.publish('drain.me', String(i));
    await nc.flush(); // the server has routed all of them to the recorder's connection
    await recorder.stop();
    expect(recorder.recorded).toBe(5000);
    expect(store.durableSeq).toBe(5000); // and handed to the OS
    nc.publish('drain.me', 'late');
    await nc.flush();
    await new Promise((r) => setTimeout(r, 50)); // a message that must not arrive has no event to await
    expect(store.size).toBe(5000);
  });

  it('records real agents: request and reply, by agent and type, with their runtime events interleaved', async () => {
    const { store, recorder } = await recording();
    const events = new RuntimeEventBus();
    recorder.attach(events);
    const common = { connection: nats.connection, heartbeatMs: 0, registryBucket: null, events } as const;
    const echo = new Agent({ ...common, name: 'trace_echo', handler: async (m) => `echo: ${m.content}` });
    const caller = new Agent({ ...common, name: 'trace_caller' });
    await echo.start();
    await caller.start();
    cleanups.push(() => echo.stop(), () => caller.stop());
    const reply = await caller.request('trace_echo', 'hello');
    expect(reply.content).toBe('echo: hello');
    // The exchange is over, so the server has routed every message of it to the recorder too:
    // stop() catches up with the server (PING/PONG) and decodes everything journaled, events included.
    await recorder.stop();

    const page = await store.query({ agent: 'trace_echo', type: 'request', kind: 'message' });
    expect(page.records).toHaveLength(1);
    const request = page.records[0] as MessageRecord;
    expect(request.subject).toBe('agents.request.trace_echo');
    expect(request.parsed).toMatchObject({ ok: true, message: { from_agent: 'trace_caller', to_agent: 'trace_echo', content: 'hello' } });
    const replies = (await store.query({ correlation: (request.parsed as { message: { message_id: string } }).message.message_id, kind: 'message', type: 'response' })).records as MessageRecord[];
    expect(replies.map((r) => r.subject)).toEqual([request.reply]);
    // Events arrive in the same ordered store, with the agent they are about.
    const received = (await store.query({ kind: 'event', type: 'message.received', agent: 'trace_echo' })).records;
    expect(received.length).toBe(1);
    expect(received[0]!.seq).toBeGreaterThan(request.seq - 5); // recorded around the message, in one sequence
    expect(store.counts().agents['trace_caller']).toBeGreaterThanOrEqual(2);
  });

  it('interleaves runtime events with messages in the order they happened', async () => {
    const { store, recorder } = await recording();
    const events = new RuntimeEventBus();
    recorder.attach(events);
    const nc = await client();
    const order: string[] = [];
    for (let i = 0; i < 5; i++) {
      nc.publish('order.msg', `m${i}`);
      await nc.flush();
      await until(() => recorder.recorded === order.length + 1, `message ${i}`);
      order.push(`message m${i}`);
      events.emit('run.started', { agent: 'orderly', runId: `r${i}`, message: newMessage({ message_type: 'request', from_agent: 'x', to_agent: 'orderly', content: String(i) }) });
      order.push(`event r${i}`);
    }
    await until(() => recorder.recorded === order.length, 'the last event'); // events are journaled, then decoded
    const records = await storedRecords(store);
    expect(records.map((r) => (r.kind === 'message' ? `message ${r.payload}` : `event ${'runId' in r.payload ? r.payload.runId : ''}`))).toEqual(order);
    const event = records.find((r) => r.kind === 'event')!;
    expect(event).toMatchObject({ kind: 'event', name: 'run.started', agent: 'orderly', payload: { agent: 'orderly', runId: 'r0' } });
    expect((await store.query({ correlation: 'r3' })).records.map((r) => r.seq)).toEqual([8]);
  });
});

describe('payloads', () => {
  it('cuts a payload at the limit (truncated, size is the full size), on a character boundary, and keeps binary as base64', async () => {
    const { store, recorder } = await recording({ payloadLimit: 1024 });
    const nc = await client();
    const text = `${'a'.repeat(1023)}é${'b'.repeat(3000)}`; // é straddles byte 1024
    const binary = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7 + 0x80) & 0xff);
    const big = JSON.stringify(newMessage({ message_type: 'request', from_agent: 'big', to_agent: 'small', content: 'z'.repeat(5000) }));
    const exact = 'q'.repeat(1024);
    nc.publish('cut.text', text);
    nc.publish('cut.binary', binary);
    nc.publish('cut.message', big);
    nc.publish('cut.exact', exact);
    nc.publish('cut.empty');
    await nc.flush();
    await until(() => recorder.recorded === 5, 'five records');
    const [t, b, m, e, empty] = messagesOf(await storedRecords(store));
    expect(t).toMatchObject({ subject: 'cut.text', size: Buffer.byteLength(text), truncated: true, encoding: 'utf8', payload: 'a'.repeat(1023) });
    expect(b).toMatchObject({ subject: 'cut.binary', size: 3000, truncated: true, encoding: 'base64' });
    expect(Buffer.from(b!.payload, 'base64')).toEqual(Buffer.from(binary.subarray(0, 1024)));
    expect(b!.parsed).toEqual({ ok: false, reason: expect.stringMatching(/not UTF-8/) as unknown as string });
    // The stored payload is cut, but the message is parsed from the whole payload.
    expect(m).toMatchObject({ size: big.length, truncated: true, payload: big.slice(0, 1024), parsed: { ok: true, message: { from_agent: 'big' } } });
    expect(e).toMatchObject({ size: 1024, truncated: false, payload: exact });
    expect(empty).toMatchObject({ size: 0, truncated: false, payload: '', parsed: { ok: false } });
  });

  it('records headers with every value, and a request nobody answered (no reply record)', async () => {
    const { store, recorder } = await recording();
    const nc = await client();
    const h = natsHeaders();
    h.append('X-Trace-Id', 'abc');
    h.append('X-Trace-Id', 'def');
    nc.publish('with.headers', 'hi', { headers: h });
    // The recorder's `>` is interest in every subject, so while it records the server never
    // answers "no responders": the request times out, and the trace shows it without a reply.
    await expect(nc.request('nobody.listens', 'anyone?', { timeout: 300 })).rejects.toThrow(/timeout/i);
    nc.publish('after.request', 'later');
    await nc.flush();
    await until(() => recorder.recorded >= 3, 'three records');
    const [withHeaders, request, after] = messagesOf(await storedRecords(store));
    expect(withHeaders!.headers).toEqual({ 'X-Trace-Id': ['abc', 'def'] });
    expect(request).toMatchObject({ subject: 'nobody.listens', headers: null, reply: expect.stringMatching(/^_INBOX\./) as unknown as string });
    expect(after!.subject).toBe('after.request');
  });

  it('parses payloads exactly as decodeAgentMessage does', () => {
    const valid = newMessage({ message_type: 'handoff', from_agent: 'a', to_agent: 'b', content: 'c', metadata: { conversation_id: 'k', nested: { x: [1, 2] } } });
    const { metadata: _m, in_reply_to: _i, priority: _p, ...minimal } = valid;
    const cases = [
      JSON.stringify(valid),
      JSON.stringify(minimal), // defaults filled in
      JSON.stringify({ extra: 1, ...valid, more: { deep: true } }), // unknown keys dropped
      `  \n${JSON.stringify(valid)}  `,
      JSON.stringify({ ...valid, message_type: 'gossip' }),
      JSON.stringify({ ...valid, from_agent: '' }),
      JSON.stringify({ ...valid, to_agent: undefined }),
      JSON.stringify({ ...valid, priority: 11 }),
      JSON.stringify({ ...valid, priority: 2.5 }),
      JSON.stringify({ ...valid, priority: 0 }),
      JSON.stringify({ ...valid, metadata: [] }),
      JSON.stringify({ ...valid, metadata: null }),
      JSON.stringify({ ...valid, in_reply_to: 5 }),
      JSON.stringify({ ...valid, content: 7 }),
      '{"message_type":"request","from_agent":"a","to_agent":null,"content":"","timestamp":"t","message_id":"m","metadata":{"__proto__":{"x":1},"y":2}}',
      '{"broken": ',
      '{}',
    ];
    for (const text of cases) {
      const ours = JSON.parse(parsePayload(text).json) as { ok: boolean };
      const theirs = decodeAgentMessage(text);
      expect(ours, text).toEqual(theirs.ok ? { ok: true, message: JSON.parse(JSON.stringify(theirs.value)) as unknown } : { ok: false, reason: theirs.reason });
    }
    for (const text of ['hello', '[1,2]', '42', '"a string"', '', '   ']) expect(JSON.parse(parsePayload(text).json)).toMatchObject({ ok: false });
  });

  it('writes records exactly as zod parses them: export → import → export is byte-identical', async () => {
    const { store, recorder } = await recording({ payloadLimit: 64 });
    const events = new RuntimeEventBus();
    recorder.attach(events);
    const nc = await client();
    const h = natsHeaders();
    h.set('k', 'v "quoted" \\ ü');
    nc.publish('canon.message', JSON.stringify(newMessage({ message_type: 'request', from_agent: 'x', to_agent: 'x', content: 'ü "q" \n', metadata: { b: 1, a: [true, null] } })), { headers: h });
    nc.publish('canon.binary', Uint8Array.from([0xff, 0x00, 0x41]));
    nc.publish('canon.long', 'λ'.repeat(100));
    await nc.flush();
    events.emit('budget.exceeded', { agent: 'x', runId: 'r', budget: 'max_turns', limit: 3, used: 4 });
    events.emit('handler.failed', { agent: 'x', messageId: 'm', error: 'e'.repeat(3) });
    await until(() => recorder.recorded === 5, 'five records');
    await recorder.stop();
    const first = path.join(tmp, 'canon-1.ndjson');
    const second = path.join(tmp, 'canon-2.ndjson');
    await store.exportNdjson(first);
    for (const line of readFileSync(first, 'utf8').trim().split('\n').slice(1)) {
      expect(JSON.stringify(TraceRecordSchema.parse(JSON.parse(line)))).toBe(line);
    }
    const imported = await library.importNdjson(first);
    cleanups.push(() => imported.close());
    await library.exportNdjson(imported.runId, second);
    expect(readFileSync(second).equals(readFileSync(first))).toBe(true);
  });
});

describe('live updates', () => {
  it('delivers every record in batches at most every 50 ms', async () => {
    const { recorder } = await recording();
    const batches: { at: number; batch: LiveBatch }[] = [];
    const off = recorder.subscribe((batch) => void batches.push({ at: performance.now(), batch }));
    cleanups.push(async () => off());
    const nc = await client();
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 300; i++) nc.publish('live.fast', `${round}.${i}`);
      await nc.flush();
      await new Promise((r) => setTimeout(r, 30));
    }
    await until(() => batches.reduce((n, b) => n + b.batch.records.length, 0) === 3000, 'every record delivered');
    expect(batches.every((b) => b.batch.skipped === null)).toBe(true);
    expect(batches.flatMap((b) => b.batch.records.map((r) => r.seq))).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    expect(batches.length).toBeGreaterThan(1);
    // At most one batch per 50 ms interval: on average over the run, and never two close together
    // (a slow machine only widens the gaps; timer jitter can narrow one by a few ms).
    const span = batches.at(-1)!.at - batches[0]!.at;
    expect(batches.length - 1).toBeLessThanOrEqual(span / 50 + 1);
    for (let i = 1; i < batches.length; i++) expect(batches[i]!.at - batches[i - 1]!.at).toBeGreaterThanOrEqual(30);
  });

  it('a slow subscriber is told what it missed and never slows the recording', async () => {
    const { store, recorder } = await recording();
    const batches: LiveBatch[] = [];
    let release: (() => void) | undefined;
    const off = recorder.subscribe(
      (batch) => {
        batches.push(batch);
        // Busy until the test lets it go: everything recorded meanwhile queues, then is skipped.
        return new Promise<void>((resolve) => (release = resolve));
      },
      { maxQueue: 100 },
    );
    cleanups.push(async () => off());
    const nc = await client();
    nc.publish('live.slow', 'first');
    await nc.flush();
    await until(() => batches.length === 1, 'the first batch');
    const N = 20_000;
    for (let i = 0; i < N; i++) nc.publish('live.slow', String(i));
    await nc.flush();
    // The recorder keeps up while the subscriber is still busy with its first batch.
    await until(() => recorder.recorded === N + 1, 'every message recorded');
    expect(batches.length).toBe(1);
    expect(store.size).toBe(N + 1);
    // Free again: the next batch says what was skipped, then holds the newest 100 records.
    release!();
    await until(() => batches.length === 2, 'the second batch');
    release!();
    expect(batches[1]!.skipped).toEqual({ count: N - 100, fromSeq: 2, toSeq: N - 99 });
    expect(batches[1]!.records.map((r) => r.seq)).toEqual(Array.from({ length: 100 }, (_, i) => N - 98 + i));
    expect(coveredSeqs(batches)).toEqual(Array.from({ length: N + 1 }, (_, i) => i + 1));
    // The store is the source of truth: the skipped range reads back from it.
    const skipped = batches.find((b) => b.skipped)!.skipped!;
    const resync = await store.query({ after: skipped.fromSeq - 1, limit: 10 });
    expect(resync.records[0]!.seq).toBe(skipped.fromSeq);
  });

  it('a flood reaches a subscriber as the newest records of each batch, the older ones counted as skipped', async () => {
    // A long interval, so that all 5,000 records land between two batches.
    const { recorder } = await recording({ liveIntervalMs: 1000 });
    const batches: LiveBatch[] = [];
    const off = recorder.subscribe((batch) => void batches.push(batch), { maxQueue: 100 });
    cleanups.push(async () => off());
    const nc = await client();
    const N = 5000;
    for (let i = 0; i < N; i++) nc.publish('live.flood', String(i));
    await nc.flush();
    await until(() => batches.reduce((n, b) => n + b.records.length + (b.skipped?.count ?? 0), 0) === N, 'every record delivered or skipped');
    for (const batch of batches) expect(batch.records.length).toBeLessThanOrEqual(100);
    const big = batches.find((b) => b.skipped)!;
    expect(big.records).toHaveLength(100);
    // The skipped range ends right before the batch's first record: the batch is the newest 100.
    expect(big.skipped!.toSeq + 1).toBe(big.records[0]!.seq);
    expect(coveredSeqs(batches)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    expect(batches.at(-1)!.records.at(-1)!.seq).toBe(N);
  });
});

/** Every seq the batches delivered or reported skipped, in the order they say (skipped range first). */
function coveredSeqs(batches: readonly LiveBatch[]): number[] {
  const covered: number[] = [];
  for (const batch of batches) {
    if (batch.skipped) {
      expect(batch.skipped.count).toBe(batch.skipped.toSeq - batch.skipped.fromSeq + 1);
      for (let s = batch.skipped.fromSeq; s <= batch.skipped.toSeq; s++) covered.push(s);
    }
    covered.push(...batch.records.map((r) => r.seq));
  }
  return covered;
}
