// The recorder's capture path, piece by piece with real files: the NATS protocol decoder on
// streams cut at every possible byte, the journal read back (limits, rotation, a torn tail), and
// a store replaying a journal after a crash — with nothing lost and nothing twice.
import { mkdirSync, readdirSync, readFileSync, statSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageRecord, TraceRecord } from '../../agents/trace/record.js';
import { BusDecoder } from '../../main/host/trace/bus-decoder.js';
import { JournalDecoder } from '../../main/host/trace/journal-decoder.js';
import { ENTRY_BUS, ENTRY_EVENT, ENTRY_HEADER, ENTRY_STREAM, FILE_HEADER, JournalReader, JournalWriter, journalFiles, journalName, readCheckpoint, retireJournal, scrubSpares, sparesDir, writeCheckpoint } from '../../main/host/trace/journal.js';
import { PingWatch } from '../../main/host/trace/nats-tap.js';
import { TraceStore } from '../../main/host/trace/trace-store.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

let tmp: string;
beforeAll(async () => {
  tmp = await makeTempDir('trace-journal');
});
afterAll(async () => {
  await removeTempDir(tmp);
});

type Seen = ['msg', string, string | null, string | null, string] | ['pong'] | ['err', string];

function decodeAll(chunks: Buffer[]): Seen[] {
  const seen: Seen[] = [];
  const decoder = new BusDecoder({
    message: (subject, reply, headers, data) => seen.push(['msg', subject, reply, headers ? Buffer.from(headers).toString('latin1') : null, Buffer.from(data).toString('latin1')]),
    pong: () => seen.push(['pong']),
    error: (text) => seen.push(['err', text]),
  });
  for (const chunk of chunks) decoder.feed(chunk);
  expect(decoder.pending).toBe(0);
  return seen;
}

const headerBlock = 'NATS/1.0 503\r\nKey: one\r\nKey: two\r\n\r\n';
const binary = Buffer.from([0x00, 0xff, 0x0d, 0x0a, ...Buffer.from('PING\r\nMSG x 1 2\r\n'), 0x0d]);
const STREAM = Buffer.concat([
  Buffer.from('INFO {"server_id":"x","headers":true}\r\n+OK\r\n'),
  Buffer.from('MSG agents.request.a 1 5\r\nhello\r\n'),
  Buffer.from('MSG svc.echo 1 _INBOX.abc.1 2\r\nhi\r\n'),
  Buffer.from(`HMSG _INBOX.abc.2 1 ${headerBlock.length} ${headerBlock.length}\r\n${headerBlock}\r\n`),
  Buffer.from(`HMSG with.reply 1 _INBOX.r ${headerBlock.length} ${headerBlock.length + 3}\r\n${headerBlock}abc\r\n`),
  Buffer.from('PING\r\nPONG\r\n'),
  Buffer.from(`MSG bin.ary 1 ${binary.length}\r\n`),
  binary,
  Buffer.from('\r\nMSG empty 1 0\r\n\r\n'),
  Buffer.from('MSG sub.jéct 1 3\r\nabc\r\n'),
  Buffer.from("-ERR 'Permissions Violation for Subscription to \">\"'\r\n"),
]);
const EXPECTED: Seen[] = [
  ['msg', 'agents.request.a', null, null, 'hello'],
  ['msg', 'svc.echo', '_INBOX.abc.1', null, 'hi'],
  ['msg', '_INBOX.abc.2', null, headerBlock, ''],
  ['msg', 'with.reply', '_INBOX.r', headerBlock, 'abc'],
  ['pong'],
  ['msg', 'bin.ary', null, null, binary.toString('latin1')],
  ['msg', 'empty', null, null, ''],
  ['msg', 'sub.jéct', null, null, 'abc'],
  ['err', "-ERR 'Permissions Violation for Subscription to \">\"'"],
];

describe('the NATS protocol decoder', () => {
  it('decodes every frame kind: MSG with and without reply, HMSG, PONG, -ERR; INFO, +OK and PING pass', () => {
    expect(decodeAll([STREAM])).toEqual(EXPECTED);
  });

  it('gives the same frames wherever the bytes are cut (every split point, and byte by byte)', () => {
    for (let cut = 1; cut < STREAM.length; cut++) expect(decodeAll([STREAM.subarray(0, cut), STREAM.subarray(cut)])).toEqual(EXPECTED);
    expect(decodeAll([...STREAM].map((b) => Buffer.from([b])))).toEqual(EXPECTED);
  });

  it('assembles a large message from many chunks without losing a byte', () => {
    const payload = Buffer.alloc(1024 * 1024 + 7, 0x61);
    payload[12345] = 0x0d;
    const bytes = Buffer.concat([Buffer.from(`MSG big 1 ${payload.length}\r\n`), payload, Buffer.from('\r\nMSG after 1 1\r\nz\r\n')]);
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 65_536) chunks.push(bytes.subarray(i, i + 65_536));
    const seen = decodeAll(chunks);
    expect(seen).toHaveLength(2);
    expect(seen[0]![4]).toBe(payload.toString('latin1'));
    expect(seen[1]).toEqual(['msg', 'after', null, null, 'z']);
  });

  it('stops reading a stream that stops making sense (a payload must never be read as frames), until the next one', () => {
    const seen: Seen[] = [];
    const decoder = new BusDecoder({
      message: (subject, reply, headers, data) => seen.push(['msg', subject, reply, null, Buffer.from(data).toString('latin1')]),
      pong: () => seen.push(['pong']),
      error: (text) => seen.push(['err', text]),
    });
    decoder.feed(Buffer.from('MSG ok 1 1\r\nx\r\nMSG broken\r\nMSG forged 1 1\r\ny\r\n'));
    decoder.feed(Buffer.from('MSG later 1 1\r\nz\r\n'));
    decoder.reset(); // a new connection
    decoder.feed(Buffer.from('MSG again 1 1\r\nw\r\nMSG huge 1 99999999999\r\n'));
    decoder.feed(Buffer.from('MSG after.huge 1 1\r\nv\r\n'));
    expect(seen).toEqual([
      ['msg', 'ok', null, null, 'x'],
      ['err', expect.stringContaining('cannot read its connection any more ("MSG broken")') as unknown as string],
      ['msg', 'again', null, null, 'w'],
      ['err', expect.stringContaining('"MSG huge 1 99999999999"') as unknown as string],
    ]);
    expect(decoder.pending).toBe(0);
  });
});

describe("the tap's PING watch", () => {
  it('sees a PING however the bytes are cut: whole, split in two anywhere, or a byte at a time', () => {
    const stream = Buffer.from('MSG a 1 2\r\nok\r\nPING\r\nMSG b 1 1\r\nz\r\n');
    expect(new PingWatch().seen(stream)).toBe(true);
    for (let cut = 1; cut < stream.length; cut++) {
      const watch = new PingWatch();
      expect([watch.seen(stream.subarray(0, cut)), watch.seen(stream.subarray(cut))].some(Boolean)).toBe(true);
    }
    const watch = new PingWatch();
    expect([...stream].map((b) => watch.seen(Buffer.from([b]))).filter(Boolean)).toHaveLength(1);
    const three = new PingWatch();
    expect([three.seen(Buffer.from('xxPI')), three.seen(Buffer.from('N')), three.seen(Buffer.from('G\r\n'))]).toEqual([false, false, true]);
    const none = new PingWatch();
    expect([none.seen(Buffer.from('MSG a 1 4\r\nPIN')), none.seen(Buffer.from('X\r\n'))]).toEqual([false, false]);
  });
});

describe('the journal', () => {
  it('reads back what was flushed, in order, never past the writer’s flushed end', async () => {
    const dir = await makeTempDir('journal-read');
    const writer = new JournalWriter(dir);
    writer.append(ENTRY_STREAM, 1000, 0.5, Buffer.alloc(0));
    writer.append(ENTRY_BUS, 1001, 1.25, Buffer.from('MSG a 1 1\r\nx\r\n'));
    const reader = new JournalReader(dir, { file: 1, offset: FILE_HEADER });
    expect(reader.next(writer.flushed)).toBeNull(); // appended, not flushed
    writer.flush();
    const first = reader.next(writer.flushed)!;
    expect(first).toMatchObject({ kind: ENTRY_STREAM, wallMs: 1000, mono: 0.5, file: 1, offset: FILE_HEADER });
    const second = reader.next(writer.flushed)!;
    expect({ kind: second.kind, wallMs: second.wallMs, mono: second.mono, data: second.data.toString() }).toEqual({ kind: ENTRY_BUS, wallMs: 1001, mono: 1.25, data: 'MSG a 1 1\r\nx\r\n' });
    expect(reader.next(writer.flushed)).toBeNull();
    writer.append(ENTRY_EVENT, 1002, 2, Buffer.from('"run.started"\n"a"\nnull'));
    writer.flush();
    expect(reader.next(writer.flushed)?.data.toString()).toBe('"run.started"\n"a"\nnull');
    reader.close();
    writer.close();
    await removeTempDir(dir);
  });

  it('rotates files between flushes and reads across them; a torn last entry reads as the end', async () => {
    const dir = await makeTempDir('journal-rotate');
    const writer = new JournalWriter(dir, { rotateBytes: 10_000 });
    const sent: string[] = [];
    for (let i = 0; i < 400; i++) {
      const text = `entry ${i} ${'.'.repeat(i % 97)}`;
      sent.push(text);
      writer.append(ENTRY_BUS, i, i, Buffer.from(text));
      if (i % 7 === 6) writer.flush();
    }
    writer.close();
    expect(journalFiles(dir).length).toBeGreaterThan(3);
    // A crash mid-write: the last file ends inside an entry.
    const last = path.join(dir, journalName(journalFiles(dir).at(-1)!));
    truncateSync(last, statSync(last).size - 3);
    const reader = new JournalReader(dir, { file: 1, offset: FILE_HEADER });
    const read: string[] = [];
    for (let e = reader.next(null); e; e = reader.next(null)) read.push(e.data.toString());
    reader.close();
    expect(read).toEqual(sent.slice(0, -1));
    await removeTempDir(dir);
  });
});

describe('recycled journal files', () => {
  it("reuses a retired file for the next journal and never reads its old entries", async () => {
    const root = await makeTempDir('journal-recycle');
    const first = path.join(root, 'run-1');
    const second = path.join(root, 'run-2');
    mkdirSync(first);
    mkdirSync(second);
    const old = new JournalWriter(first, { rotateBytes: 2 * 1024 * 1024 });
    for (let i = 0; i < 60; i++) {
      old.append(ENTRY_BUS, i, i, Buffer.alloc(100_000, 0x41 + (i % 26)));
      old.flush();
    }
    old.close();
    expect(journalFiles(first).length).toBeGreaterThanOrEqual(3);
    retireJournal(first);
    expect(journalFiles(first)).toEqual([]);
    const spares = readdirSync(sparesDir(first));
    expect(spares.length).toBeGreaterThanOrEqual(2); // the small last file is deleted, not kept
    expect(spares.length).toBeLessThanOrEqual(3);
    // Deleting a run scrubs the spares: no old traffic stays on disk, the files stay for reuse.
    expect(readFileSync(path.join(sparesDir(first), spares[0]!)).includes(0x41)).toBe(true);
    scrubSpares(root);
    for (const name of spares) expect(readFileSync(path.join(sparesDir(first), name)).every((b) => b === 0)).toBe(true);

    // A new journal takes a spare: same bytes on disk, but only what it wrote is valid.
    const writer = new JournalWriter(second);
    expect(readdirSync(sparesDir(first)).length).toBe(spares.length - 1);
    expect(statSync(path.join(second, journalName(1))).size).toBeGreaterThan(2 * 1024 * 1024);
    const readAll = () => {
      const reader = new JournalReader(second, { file: 1, offset: FILE_HEADER });
      const got: string[] = [];
      for (let e = reader.next(null); e; e = reader.next(null)) got.push(e.data.toString());
      reader.close();
      return got;
    };
    expect(readAll()).toEqual([]); // claimed, nothing flushed yet: a crash here replays nothing
    writer.append(ENTRY_EVENT, 1, 1, Buffer.from('new one'));
    writer.append(ENTRY_EVENT, 2, 2, Buffer.from('new two'));
    writer.flush();
    writer.append(ENTRY_EVENT, 3, 3, Buffer.from('not flushed'));
    expect(readAll()).toEqual(['new one', 'new two']);
    writer.close();
    await removeTempDir(root);
  });
});

/** MSG frames for `n` messages (AgentMessages from `from`), as one byte string. */
function frames(from: number, n: number): Buffer {
  const parts: string[] = [];
  for (let i = from; i < from + n; i++) {
    const body = JSON.stringify({ message_type: 'broadcast', from_agent: 'pub', to_agent: null, content: `m${i}`, metadata: {}, timestamp: 't', message_id: `id${i}`, in_reply_to: null, priority: 2 });
    parts.push(`MSG replay.${i % 3} 1 ${Buffer.byteLength(body)}\r\n${body}\r\n`);
  }
  return Buffer.from(parts.join(''));
}

/** A journal as a recorder leaves it: a stream, bus bytes cut at odd places, an event between. */
function writeJournal(dir: string, payloadLimit = 65_536): void {
  writeCheckpoint(dir, { file: 1, offset: FILE_HEADER, inner: 0, seq: 1, payloadLimit });
  const writer = new JournalWriter(dir, { rotateBytes: 4096 });
  writer.append(ENTRY_STREAM, 1_700_000_000_000, 0, Buffer.alloc(0));
  const bytes = frames(0, 100);
  let mono = 1;
  for (let at = 0; at < bytes.length; at += 333) {
    writer.append(ENTRY_BUS, 1_700_000_000_000 + mono, mono++, bytes.subarray(at, at + 333));
    if (at === 333 * 5) writer.append(ENTRY_EVENT, 1_700_000_000_000 + mono, mono++, Buffer.from('"run.started"\n"pub"\n{"agent":"pub","runId":"r1"}'));
    writer.flush();
  }
  writer.close();
}

async function records(store: TraceStore): Promise<TraceRecord[]> {
  return (await store.query({ limit: 1000 })).records;
}

describe('replaying a journal after a crash', () => {
  it('decodes everything the recorder journaled but never stored, then removes the journal', async () => {
    const root = path.join(tmp, 'replay-all');
    const store = await TraceStore.create(root, { format: 'switchboard.trace/v1', run: 'r', startedAt: '2025-01-01T00:00:00.000Z', topology: null });
    writeJournal(store.dir);
    expect(journalFiles(store.dir).length).toBeGreaterThan(2);
    await store.close();

    const { store: reopened } = await TraceStore.open(root, 'r');
    expect(reopened.replayed).toBe(101);
    const all = await records(reopened);
    expect(all.map((r) => r.seq)).toEqual(Array.from({ length: 101 }, (_, i) => i + 1));
    const messages = all.filter((r): r is MessageRecord => r.kind === 'message');
    expect(messages.map((m) => (m.parsed.ok ? m.parsed.message.content : null))).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`));
    expect(all.filter((r) => r.kind === 'event')).toHaveLength(1);
    expect(readdirSync(reopened.dir).filter((f) => f.startsWith('journal'))).toEqual([]);
    await reopened.close();
  });

  it('skips what the store already has when the checkpoint lags behind it (no record twice)', async () => {
    const root = path.join(tmp, 'replay-part');
    const store = await TraceStore.create(root, { format: 'switchboard.trace/v1', run: 'r', startedAt: '2025-01-01T00:00:00.000Z', topology: null });
    writeJournal(store.dir);
    // The live recorder decoded part of it, and took a checkpoint somewhere before the end of that.
    const cp = readCheckpoint(store.dir)!;
    const decoder = new JournalDecoder(store.dir, cp, store, cp.payloadLimit);
    const firstFile = { file: 1, offset: statSync(path.join(store.dir, journalName(1))).size, inner: 0 };
    decoder.run(firstFile);
    const midway = decoder.checkpoint();
    decoder.run({ file: 2, offset: statSync(path.join(store.dir, journalName(2))).size, inner: 0 });
    decoder.close();
    expect(midway.seq).toBeGreaterThan(1);
    expect(store.size).toBeGreaterThan(midway.seq);
    writeCheckpoint(store.dir, midway);
    const decoded = store.size;
    const before = await records(store);
    await store.close();

    const { store: reopened } = await TraceStore.open(root, 'r');
    expect(reopened.replayed).toBe(101 - decoded);
    const all = await records(reopened);
    expect(all.map((r) => r.seq)).toEqual(Array.from({ length: 101 }, (_, i) => i + 1));
    expect(all.slice(0, decoded)).toEqual(before);
    const contents = all.filter((r): r is MessageRecord => r.kind === 'message').map((m) => (m.parsed.ok ? m.parsed.message.content : null));
    expect(contents).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`));
    await reopened.close();
  });

  it('replays a checkpoint that falls inside an entry (a frame split across entries)', async () => {
    const root = path.join(tmp, 'replay-inner');
    const store = await TraceStore.create(root, { format: 'switchboard.trace/v1', run: 'r', startedAt: '2025-01-01T00:00:00.000Z', topology: null });
    writeJournal(store.dir);
    const cp = readCheckpoint(store.dir)!;
    const decoder = new JournalDecoder(store.dir, cp, store, cp.payloadLimit);
    // Stop after the third bus entry: 333-byte cuts leave a frame open, so the checkpoint is inside an entry.
    const reader = new JournalReader(store.dir, { file: 1, offset: FILE_HEADER });
    for (let i = 0; i < 4; i++) reader.next(null);
    const stop = reader.position;
    reader.close();
    decoder.run({ ...stop, inner: 0 });
    const inside = decoder.checkpoint();
    decoder.close();
    expect(inside.inner).toBeGreaterThan(0);
    expect(inside.offset).toBeLessThan(stop.offset);
    expect(stop.offset - inside.offset).toBe(ENTRY_HEADER + 333);
    writeCheckpoint(store.dir, inside);
    await store.close();

    const { store: reopened } = await TraceStore.open(root, 'r');
    const all = await records(reopened);
    expect(all.map((r) => r.seq)).toEqual(Array.from({ length: 101 }, (_, i) => i + 1));
    const contents = all.filter((r): r is MessageRecord => r.kind === 'message').map((m) => (m.parsed.ok ? m.parsed.message.content : null));
    expect(contents).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`));
    expect(all.filter((r) => r.kind === 'event')).toHaveLength(1);
    await reopened.close();
  });
});

describe('ordering and timing what in-process agents sent and received', () => {
  const WALL = 1_700_000_000_000;
  const agentMessage = (id: string, from: string, to: string, type: 'request' | 'response') => ({ message_type: type, from_agent: from, to_agent: to, content: id, metadata: {}, timestamp: '2025-01-01T00:00:00.000Z', message_id: id, in_reply_to: null, priority: 2 });
  const event = (name: string, agent: string, payload: object) => Buffer.from(`${JSON.stringify(name)}\n${JSON.stringify(agent)}\n${JSON.stringify({ agent, ...payload })}`);
  const msg = (subject: string, reply: string | null, body: object) => {
    const text = JSON.stringify(body);
    return `MSG ${subject} 1${reply ? ` ${reply}` : ''} ${Buffer.byteLength(text)}\r\n${text}\r\n`;
  };
  const q1 = agentMessage('q1', 'a', 'b', 'request');
  const r1 = agentMessage('r1', 'b', 'a', 'response');
  // As a recorder journals them: the agents' events first, then one tap read holding the request,
  // its reply and a message no agent here saw; the requester's tool result; a send the tap never
  // shows; and, past the give-up time, one more event.
  const ENTRIES: [number, number, Buffer][] = [
    [ENTRY_STREAM, 0, Buffer.alloc(0)],
    [ENTRY_EVENT, 1, event('message.sent', 'a', { subject: 'agents.request.b', message: q1 })],
    [ENTRY_EVENT, 1.5, event('message.received', 'b', { subject: 'agents.request.b', message: q1 })],
    [ENTRY_EVENT, 1.6, event('run.started', 'b', { runId: 'run-1', message: q1 })],
    [ENTRY_EVENT, 2, event('message.sent', 'b', { subject: '_INBOX_a.x.1', message: r1 })],
    [ENTRY_BUS, 3, Buffer.from(msg('agents.request.b', '_INBOX_a.x.1', q1) + msg('_INBOX_a.x.1', null, r1) + msg('elsewhere', null, agentMessage('e1', 'x', 'y', 'request')))],
    [ENTRY_EVENT, 3.5, event('run.completed', 'a', { runId: 'run-0', status: 'completed', reply: 'r1', error: null, turns: 1, tokens: 0 })],
    [ENTRY_EVENT, 4, event('message.sent', 'a', { subject: 'never.seen', message: agentMessage('n1', 'a', 'c', 'request') })],
    [ENTRY_EVENT, 4.1, event('run.started', 'c', { runId: 'run-2', message: q1 })],
    [ENTRY_EVENT, 400, event('run.started', 'd', { runId: 'run-3', message: q1 })],
  ];
  const EXPECTED = [
    ['event message.sent', 1],
    ['message agents.request.b', 1], // the sender's time, right after its message.sent
    ['event message.received', 1.5],
    ['event run.started', 1.6],
    ['event message.sent', 2],
    ['message _INBOX_a.x.1', 2], // the replier's time: 1 ms after its request, not the 0 ms of one read
    ['message elsewhere', 3], // no agent here saw it: the tap's time
    ['event run.completed', 3.5],
    ['event message.sent', 4],
    ['event run.started', 4.1],
    ['event run.started', 400],
  ];
  const label = (r: TraceRecord) => [r.kind === 'message' ? `message ${r.subject}` : `event ${r.name}`, r.mono];

  async function journaled(name: string): Promise<{ store: TraceStore; positions: { file: number; offset: number; inner: number }[] }> {
    const store = await TraceStore.create(path.join(tmp, name), { format: 'switchboard.trace/v1', run: 'r', startedAt: '2025-01-01T00:00:00.000Z', topology: null });
    writeCheckpoint(store.dir, { file: 1, offset: FILE_HEADER, inner: 0, seq: 1, payloadLimit: 65_536 });
    const writer = new JournalWriter(store.dir);
    const positions: { file: number; offset: number; inner: number }[] = [];
    for (const [kind, mono, data] of ENTRIES) {
      writer.append(kind, WALL + mono, mono, data);
      writer.flush();
      positions.push(writer.flushed);
    }
    writer.close();
    return { store, positions };
  }

  it('places and times each bus record by its runtime events, whether decoded at once or entry by entry', async () => {
    for (const [name, byEntry] of [['order-once', false], ['order-by-entry', true]] as const) {
      const { store, positions } = await journaled(name);
      const decoder = new JournalDecoder(store.dir, readCheckpoint(store.dir)!, store, 65_536);
      if (byEntry) {
        for (const at of positions) {
          decoder.run(at);
          // Nothing is stored out of order meanwhile: what is stored is a prefix of the expected.
          expect((await records(store)).map(label)).toEqual(EXPECTED.slice(0, store.size));
        }
        expect(store.size).toBe(EXPECTED.length); // the last entry is past the give-up time: nothing waits
      } else decoder.run(null);
      decoder.finish();
      decoder.close();
      const all = await records(store);
      expect(all.map(label)).toEqual(EXPECTED);
      expect(all.map((r) => r.seq)).toEqual(EXPECTED.map((_, i) => i + 1));
      expect(all[1]!.time).toBe(new Date(WALL + 1).toISOString());
      await store.close();
    }
  });

  it('releases what waits as the journal is known complete, and a replay from a checkpoint numbers everything alike', async () => {
    const { store, positions } = await journaled('order-replay');
    const decoder = new JournalDecoder(store.dir, readCheckpoint(store.dir)!, store, 65_536);
    decoder.run(positions[8]!); // up to the run.started after the send the tap never shows
    expect(store.size).toBe(9); // that send waits for its bus record, and so does what came after it
    expect(decoder.holding).toBe(true);
    decoder.run(positions[8]!, Number.POSITIVE_INFINITY, 10);
    expect(store.size).toBe(9); // 6 ms later: still waiting
    decoder.run(positions[8]!, Number.POSITIVE_INFINITY, 300); // past the give-up time
    expect(store.size).toBe(10);
    const checkpoint = decoder.checkpoint();
    expect(checkpoint.seq).toBe(11);
    decoder.close();
    writeCheckpoint(store.dir, { ...readCheckpoint(store.dir)!, file: 1, offset: FILE_HEADER, inner: 0, seq: 1 }); // the replay starts from the very beginning
    const before = await records(store);
    await store.close();

    const { store: reopened } = await TraceStore.open(path.join(tmp, 'order-replay'), 'r');
    const all = await records(reopened);
    expect(all.slice(0, before.length)).toEqual(before);
    expect(all.map(label)).toEqual(EXPECTED);
    await reopened.close();
  });
});
