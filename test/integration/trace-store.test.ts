// The on-disk trace store with real files: queries agree with `matchesQuery` on generated runs
// (property-style, against filtering every record in memory), paging stitches together in both
// directions, counts, reopening after a `kill -9` of a recording process, and NDJSON
// export → import → export identity.
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceFilterSchema, TraceQuerySchema, matchesQuery, typeOf, type TraceFilter, type TraceQuery } from '../../agents/trace/query.js';
import { agentsOf, type MessageRecord, type TraceRecord } from '../../agents/trace/record.js';
import { FLAG_INFRASTRUCTURE, runFlags } from '../../agents/trace/record-flags.js';
import { TraceImportError, TraceLibrary, TraceStore, type TraceStoreOptions } from '../../main/host/trace/index.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { startTestServer } from '../helpers/nats-server.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { samplePayload } from '../helpers/trace-events.js';
import { AGENTS, EVENTS, generate, prng, TYPES, WORDS } from '../helpers/trace-runs.js';

let tmp: string;
beforeAll(async () => {
  tmp = await makeTempDir('trace-store');
});
afterAll(async () => {
  await removeTempDir(tmp);
});

async function storeOf(records: readonly TraceRecord[], options: TraceStoreOptions = {}, run = `run-${Math.random().toString(36).slice(2)}`): Promise<TraceStore> {
  const store = await TraceStore.create(tmp, { format: 'switchboard.trace/v1', run, startedAt: new Date().toISOString(), topology: null }, options);
  for (const record of records) store.append(record);
  return store;
}

/** Every page of `q`, following `after` (or `before` when backward) until hasMore is false. */
async function allPages(store: TraceStore, q: TraceQuery, backward: boolean): Promise<number[]> {
  const seqs: number[] = [];
  let cursor: number | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = await store.query(backward ? { ...q, before: cursor ?? Number.MAX_SAFE_INTEGER } : { ...q, after: cursor ?? 0 });
    seqs.push(...page.records.map((r) => r.seq));
    if (!page.hasMore) return seqs;
    expect(page.records.length).toBe(q.limit ?? 100);
    cursor = page.records.at(-1)!.seq;
  }
  throw new Error('paging did not end');
}

/** The flags of a run's records as the store classifies them: in order, requests marked by their replies. */
const flagCache = new WeakMap<readonly TraceRecord[], number[]>();
function flagsOf(records: readonly TraceRecord[]): number[] {
  let flags = flagCache.get(records);
  if (!flags) flagCache.set(records, (flags = runFlags(records)));
  return flags;
}

const expected = (records: readonly TraceRecord[], q: TraceQuery) => {
  const flags = flagsOf(records);
  const parsed = TraceQuerySchema.parse(q);
  return records.filter((r, i) => matchesQuery(r, parsed, flags[i])).map((r) => r.seq);
};

/** What `count` must answer, from every record in memory. */
function expectedCounts(records: readonly TraceRecord[], q: TraceFilter) {
  const flags = flagsOf(records);
  const parsed = TraceFilterSchema.parse(q);
  const hide = parsed.infrastructure === 'hide';
  const shown = { ...parsed, infrastructure: hide ? ('show' as const) : parsed.infrastructure };
  const out = { records: 0, messages: 0, events: 0, subjects: {} as Record<string, number>, agents: {} as Record<string, number>, types: {} as Record<string, number>, hiddenInfrastructure: 0, exact: true };
  const bump = (map: Record<string, number>, key: string) => (map[key] = (map[key] ?? 0) + 1);
  records.forEach((r, i) => {
    if (!matchesQuery(r, shown, flags[i])) return;
    if (hide && (flags[i]! & FLAG_INFRASTRUCTURE) !== 0) {
      out.hiddenInfrastructure++;
      return;
    }
    out.records++;
    if (r.kind === 'message') {
      out.messages++;
      bump(out.subjects, r.subject);
    } else out.events++;
    for (const a of agentsOf(r)) bump(out.agents, a);
    const type = typeOf(r);
    if (type) bump(out.types, type);
  });
  return out;
}

describe('trace store queries', () => {
  const records = generate(4000, 6);
  // Small segments and a tiny subject table force rolling, grouping (`agents.response.alice.*`) and overflow.
  const options: TraceStoreOptions = { segmentBytes: 96 * 1024, maxSubjects: 40, maxSubjectGroups: 6 };
  let store: TraceStore;
  beforeAll(async () => {
    store = await storeOf(records, options);
  });
  afterAll(async () => {
    await store.close();
  });

  it('rolls segments and holds the header as the first line of the first', () => {
    const segments = readdirSync(store.dir).sort();
    expect(segments.length).toBeGreaterThan(3);
    const first = readFileSync(path.join(store.dir, segments[0]!), 'utf8').split('\n')[0]!;
    expect(JSON.parse(first)).toMatchObject({ format: 'switchboard.trace/v1', run: store.header.run });
  });

  const fixed: TraceQuery[] = [
    {},
    { subject: 'agents.*' },
    { subject: 'agents.>' },
    { subject: 'agents.all' },
    { subject: 'agents.request.bob' },
    { subject: 'agents.response.alice.*' },
    { subject: 'agents.response.*.m77' },
    { subject: 'agents.response.carol.m1234' },
    { subject: '*.*.*.*' },
    { subject: '_INBOX.>' },
    { subject: '_INBOX.abc.*' },
    { subject: 'single' },
    { subject: '*' },
    { subject: '>' },
    { subject: 'nothing.here' },
    { subject: 'agents.>', kind: 'event' },
    { kind: 'event' },
    { kind: 'message', agent: 'bob' },
    { agent: 'carol' },
    { agent: 'nobody' },
    { type: 'request' },
    { type: 'llm.call' },
    { type: 'response', agent: 'alice', subject: 'agents.>' },
    { correlation: 'm10' },
    { correlation: 'conv-3' },
    { correlation: 'run-4' },
    { text: 'été' },
    { text: 'PARIS', agent: 'dave' },
    { from: '2025-01-01T12:00:10.000Z', to: '2025-01-01T12:00:20.000Z' },
    // Bounds in other forms are normalized: no milliseconds, a bare date, an offset.
    { from: '2025-01-01T12:00:10Z', to: '2025-01-01T13:00:20+01:00' },
    { from: '2025-01-01', to: '2025-01-01T12:00:05Z' },
    { from: '2025-01-01T12:00:25.000Z', subject: 'agents.request.*', agent: 'eve' },
    { infrastructure: 'hide' },
    { infrastructure: 'only' },
    { infrastructure: 'only', subject: '_INBOX.>' }, // replies to JetStream and KV calls
    { errors: true },
    { errors: true, infrastructure: 'hide', subject: 'agents.>' },
    { errors: true, kind: 'event', agent: 'bob' },
  ];

  it.each(fixed.map((q) => [JSON.stringify(q), q] as const))('%s: forward and backward pages stitch to exactly the matching records', async (_label, q) => {
    const want = expected(records, q);
    expect(await allPages(store, { ...q, limit: 37 }, false)).toEqual(want);
    expect(await allPages(store, { ...q, limit: 53 }, true)).toEqual([...want].reverse());
  });

  it('finds single subjects that were indexed only by their parent (past the table) or not at all', async () => {
    const late = records.filter((r): r is MessageRecord => r.kind === 'message' && r.seq > 3000);
    const unique = [late.find((r) => r.subject.startsWith('agents.response.'))!, late.find((r) => r.subject.startsWith('_INBOX.'))!];
    const last = (subject: string) => subject.split('.').at(-1)!;
    const queries: TraceQuery[] = unique.flatMap((r) => [{ subject: r.subject }, { subject: `${r.subject.split('.').slice(0, -2).join('.')}.*.${last(r.subject)}` }, { subject: r.subject.replace(/[^.]+(?=\.)/g, '*') }]);
    for (const q of queries) {
      const want = expected(records, q);
      expect(want.length, JSON.stringify(q)).toBeGreaterThan(0);
      expect(await allPages(store, { ...q, limit: 7 }, false)).toEqual(want);
      expect(await allPages(store, { ...q, limit: 7 }, true)).toEqual([...want].reverse());
    }
    expect(Object.keys(store.counts().subjects)).toContain('>'); // some subjects went past every capacity
  });

  it('agrees with matchesQuery on 150 random combinations, from random starting points', async () => {
    const rand = prng(42);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
    const subjects = ['agents.*', 'agents.>', 'agents.request.*', 'agents.response.*.*', 'agents.response.bob.*', 'agents.all', '_INBOX.*.*', '*', '>', 'other.*', 'single'];
    let nonEmpty = 0;
    for (let i = 0; i < 150; i++) {
      const q: TraceQuery = { limit: 1 + Math.floor(rand() * 80) };
      if (rand() < 0.6) q.subject = pick(subjects);
      if (rand() < 0.4) q.agent = pick([...AGENTS, 'zed']);
      if (rand() < 0.3) q.type = pick([...TYPES, ...EVENTS]);
      if (rand() < 0.15) q.kind = pick(['message', 'event'] as const);
      if (rand() < 0.15) q.text = pick(WORDS).toLowerCase();
      if (rand() < 0.1) q.correlation = `conv-${Math.floor(rand() * 30)}`;
      if (rand() < 0.2) q.from = new Date(Date.UTC(2025, 0, 1, 12) + rand() * 28_000).toISOString();
      if (rand() < 0.3) q.infrastructure = pick(['hide', 'only'] as const);
      if (rand() < 0.2) q.errors = true;
      const want = expected(records, q);
      if (want.length) nonEmpty++;
      const start = Math.floor(rand() * 4200);
      const forward = await store.query({ ...q, after: start });
      const after = want.filter((s) => s > start);
      expect(forward.records.map((r) => r.seq), JSON.stringify({ ...q, after: start })).toEqual(after.slice(0, q.limit));
      expect(forward.hasMore).toBe(after.length > q.limit!);
      const backward = await store.query({ ...q, before: start });
      const before = want.filter((s) => s < start).reverse();
      expect(backward.records.map((r) => r.seq), JSON.stringify({ ...q, before: start })).toEqual(before.slice(0, q.limit));
      expect(backward.hasMore).toBe(before.length > q.limit!);
    }
    expect(nonEmpty).toBeGreaterThan(50); // the comparison is not vacuous
  });

  it('returns records exactly as appended, and gets one by seq', async () => {
    const page = await store.query({ limit: 1000 });
    expect(page.records).toEqual(records.slice(0, 1000));
    expect(await store.get(1234)).toEqual(records[1233]);
    expect(await store.get(0)).toBeNull();
    expect(await store.get(4001)).toBeNull();
  });

  it('counts per subject (grouped past capacity) and per agent', () => {
    const counts = store.counts();
    const messages = records.filter((r) => r.kind === 'message');
    expect(counts).toMatchObject({ records: 4000, messages: messages.length, events: 4000 - messages.length });
    expect(Object.values(counts.subjects).reduce((a, b) => a + b, 0)).toBe(messages.length);
    expect(Object.keys(counts.subjects).some((s) => s.endsWith('.*'))).toBe(true); // grouped once the table filled
    const agents: Record<string, number> = {};
    for (const r of records) for (const a of r.kind === 'event' ? [r.agent] : r.parsed.ok ? [...new Set([r.parsed.message.from_agent, r.parsed.message.to_agent ?? r.parsed.message.from_agent])] : []) agents[a] = (agents[a] ?? 0) + 1;
    expect(counts.agents).toEqual(agents);
  });

  it('counts what a filter matches from the index: totals, per subject, agent and type, and the infrastructure hidden', async () => {
    const rand = prng(7);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
    const roomy = await storeOf(records);
    const filters: TraceFilter[] = [{}, { infrastructure: 'hide' }, { errors: true }, { subject: 'agents.>', agent: 'bob', infrastructure: 'hide' }, { text: 'paris' }, { correlation: 'conv-3', errors: true }];
    for (let i = 0; i < 40; i++) {
      const q: TraceFilter = {};
      if (rand() < 0.5) q.subject = pick(['agents.*', 'agents.>', 'agents.request.*', '_INBOX.>', '$JS.>', '>', 'other.*']);
      if (rand() < 0.4) q.agent = pick([...AGENTS, 'zed']);
      if (rand() < 0.3) q.type = pick([...TYPES, ...EVENTS]);
      if (rand() < 0.15) q.kind = pick(['message', 'event'] as const);
      if (rand() < 0.1) q.text = pick(WORDS).toLowerCase();
      if (rand() < 0.4) q.infrastructure = pick(['hide', 'only'] as const);
      if (rand() < 0.3) q.errors = true;
      filters.push(q);
    }
    let hiding = 0;
    for (const q of filters) {
      const want = expectedCounts(records, q);
      if (want.hiddenInfrastructure > 0) hiding++;
      expect(await roomy.count(q), JSON.stringify(q)).toEqual(want);
      // A full subject table groups subjects, but totals and agents stay exact.
      const { subjects: _grouped, ...rest } = await store.count(q);
      const { subjects: _names, ...restWant } = want;
      expect(rest, JSON.stringify(q)).toEqual(restWant);
    }
    expect(hiding).toBeGreaterThan(5); // the hidden counts are not vacuous
    expect((await roomy.count({ infrastructure: 'only' })).records).toBe((await roomy.count({ infrastructure: 'hide' })).hiddenInfrastructure);
    await expect(roomy.count({ errors: false } as unknown as TraceFilter)).rejects.toThrow(/errors/);
    await roomy.close();
  });

  it('counts every subject by name when the table has room', async () => {
    const roomy = await storeOf(records);
    const subjects: Record<string, number> = {};
    for (const r of records) if (r.kind === 'message') subjects[r.subject] = (subjects[r.subject] ?? 0) + 1;
    expect(roomy.counts().subjects).toEqual(subjects);
    await roomy.close();
  });

  it('reopens by scanning: same answers, and appends continue after the last record', async () => {
    const copy = await storeOf(records.slice(0, 1500), options, 'reopen-me');
    await copy.close();
    const { store: reopened, cutBytes } = await TraceStore.open(tmp, 'reopen-me', options);
    expect(cutBytes).toBe(0);
    expect(reopened.size).toBe(1500);
    // The flags too are rebuilt from the lines as the appends set them (infrastructure and errors last in `fixed`).
    for (const q of [...fixed.slice(0, 12), ...fixed.slice(-6)]) expect((await reopened.query({ ...q, limit: 1000 })).records.map((r) => r.seq)).toEqual(expected(records.slice(0, 1500), q).slice(0, 1000));
    const next = { ...records[1500]!, seq: 1501 };
    reopened.append(next);
    expect(await reopened.get(1501)).toEqual(next);
    expect(() => reopened.append({ ...next, seq: 1503 })).toThrow(/seq 1503/);
    await reopened.close();
  });
});

describe('NDJSON export and import', () => {
  it('export → import → export gives the same bytes, and the same records', async () => {
    const records = generate(1500, 11);
    const library = new TraceLibrary(path.join(tmp, 'library'));
    const store = await library.create({ run: 'original', topology: 'demo.yaml' }, { segmentBytes: 64 * 1024 });
    for (const r of records) store.append(r);
    const first = path.join(tmp, 'first.ndjson');
    await store.exportNdjson(first);
    await store.close();

    const imported = await library.importNdjson(first);
    expect(imported.runId).not.toBe('original');
    expect(imported.header).toEqual({ format: 'switchboard.trace/v1', run: 'original', startedAt: store.header.startedAt, topology: 'demo.yaml' });
    expect((await imported.query({ limit: 1000, after: 500 })).records).toEqual(records.slice(500, 1500));
    const second = path.join(tmp, 'second.ndjson');
    await library.exportNdjson(imported.runId, second);
    expect(readFileSync(second).equals(readFileSync(first))).toBe(true); // byte-identical
    const lines = readFileSync(first, 'utf8').split('\n');
    expect(lines.length).toBe(1 + 1500 + 1); // header, records, final newline
    await imported.close();
    expect((await library.list()).map((r) => r.runId).sort()).toEqual([imported.runId, 'original'].sort());
  });

  it('exports a run being written: exactly the records appended before the call', async () => {
    const records = generate(3000, 21);
    const store = await storeOf(records.slice(0, 2000), { segmentBytes: 32 * 1024 });
    const out = path.join(tmp, 'live-export.ndjson');
    const exporting = store.exportNdjson(out);
    for (const r of records.slice(2000)) store.append(r); // keeps writing meanwhile
    await exporting;
    const lines = readFileSync(out, 'utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(1, -1)).toEqual(records.slice(0, 2000).map((r) => JSON.stringify(r)));
    await store.close();
  });

  it('refuses a file with bad lines, reporting each by line number, and keeps nothing', async () => {
    const records = generate(20, 3);
    const header = JSON.stringify({ format: 'switchboard.trace/v1', run: 'x', startedAt: '2025-01-01T00:00:00.000Z', topology: null });
    const lines = [header, ...records.map((r) => JSON.stringify(r))];
    lines[4] = '{"seq": 4, "kind": "message"'; // not JSON
    lines[8] = JSON.stringify({ ...records[7], kind: 'mystery' }); // not a record
    lines[12] = JSON.stringify({ ...records[11], seq: 99 }); // out of order
    const file = path.join(tmp, 'bad.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const library = new TraceLibrary(path.join(tmp, 'bad-library'));
    const error = await library.importNdjson(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TraceImportError);
    expect((error as TraceImportError).problems.map((p) => p.line)).toEqual([5, 9, 13]);
    expect((error as TraceImportError).problems[0]!.message).toMatch(/not JSON/);
    expect((error as TraceImportError).problems[2]!.message).toMatch(/seq 99 where 12 was expected/);
    expect(await library.list()).toEqual([]);

    writeFileSync(file, `${JSON.stringify(records[0])}\n`);
    const noHeader = (await library.importNdjson(file).catch((e: unknown) => e)) as TraceImportError;
    expect(noHeader.problems).toEqual([{ line: 1, message: expect.stringMatching(/not a trace header/) as unknown as string }]);
  });

  it('imports a last line without a final newline', async () => {
    const records = generate(5, 9);
    const header = JSON.stringify({ format: 'switchboard.trace/v1', run: 'y', startedAt: '2025-01-01T00:00:00.000Z' });
    const file = path.join(tmp, 'no-final-newline.ndjson');
    writeFileSync(file, [header, ...records.map((r) => JSON.stringify(r))].join('\n'));
    const store = await new TraceLibrary(path.join(tmp, 'nfn')).importNdjson(file);
    expect(store.size).toBe(5);
    expect(store.header.topology).toBeNull();
    await store.close();
  });
});

/** The recording process killed by the test: a TraceRecorder tapping the server. */
const RECORDER_SCRIPT = (module: (file: string) => string) => `
import { TraceStore } from ${JSON.stringify(module('main/host/trace/trace-store.ts'))};
import { TraceRecorder } from ${JSON.stringify(module('main/host/trace/recorder.ts'))};
import { toConnectionOptions } from ${JSON.stringify(module('main/host/nats/connect-options.ts'))};
const [root, run] = process.argv.slice(2);
const header = { format: 'switchboard.trace/v1', run, startedAt: new Date().toISOString(), topology: null };
const store = await TraceStore.create(root, header, { segmentBytes: 256 * 1024 });
const recorder = new TraceRecorder(store, JSON.parse(process.env.TRACE_TEST_RECORDER));
await recorder.tap(toConnectionOptions(JSON.parse(process.env.TRACE_TEST_NATS)));
process.stdout.write('ready\\n');
setInterval(() => undefined, 1000); // keeps running until killed
`;

describe('crash safety', () => {
  it.each([
    // Decoding waits for a lull (or a minute): while the bus is busy everything is only in the journal.
    { label: 'nothing decoded yet', options: { maxLagMs: 60_000 }, replays: true },
    // Decoding every 100 ms into small journal files: checkpoints advance and files are retired
    // while the bus is busy; the replay starts from the last checkpoint.
    { label: 'checkpoints advancing', options: { maxLagMs: 100, journalFileBytes: 1024 * 1024 }, replays: false },
  ])('reopens after kill -9 of the recording process ($label): everything captured is there once, no corrupt tail, appends continue', async ({ options, replays }) => {
    const nats = await startTestServer();
    const root = path.join(tmp, `crash-${options.maxLagMs}`);
    const script = path.join(tmp, 'recording-child.mts');
    const module = (file: string) => pathToFileURL(path.join(repoRoot, file)).href;
    writeFileSync(script, RECORDER_SCRIPT(module));
    const child = spawn(process.execPath, ['--import', 'tsx', script, root, 'crashed'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      // The embedded server's per-launch user: the child connects as the test does.
      env: { ...process.env, TRACE_TEST_NATS: JSON.stringify(nats.connectSettings), TRACE_TEST_RECORDER: JSON.stringify(options) },
    });
    let output = '';
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      const ready = new Promise<void>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          output += chunk;
          if (output.includes('ready')) resolve();
        });
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
        void exited.then(() => reject(new Error(`the recording child exited early:\n${output}`)));
      });
      await ready;
      const publisher = await connect({ ...nats.connection, name: 'crash-publisher' });
      const body = (i: number) => JSON.stringify({ message_type: 'broadcast', from_agent: 'p', to_agent: null, content: `${i} ${'x'.repeat(300)}`, timestamp: 't', message_id: 'm' });
      // Keep the bus busy for a second and a half, noting what the server had routed when; then
      // kill the recorder mid-stream. Messages routed 300 ms before the kill were journaled.
      const routed: { at: number; sent: number }[] = [];
      const started = performance.now();
      let sent = 0;
      while (performance.now() - started < 1500) {
        for (let i = 0; i < 500; i++) publisher.publish(`crash.test.${sent % 7}`, body(sent++));
        await publisher.flush();
        routed.push({ at: performance.now(), sent });
        await new Promise((r) => setTimeout(r, 2));
      }
      const killedAt = performance.now();
      child.kill('SIGKILL');
      await exited;
      await publisher.close();
      const surely = routed.filter((r) => r.at <= killedAt - 300).at(-1)!.sent;

      const dir = path.join(root, 'crashed');
      const journal = readdirSync(dir).filter((f) => f.startsWith('journal-')).sort();
      if (!replays) expect(journal[0]).not.toBe('journal-000001.bin'); // retired after a checkpoint
      const segments = readdirSync(dir).filter((f) => f.startsWith('segment-')).sort();
      expect(readdirSync(dir).filter((f) => f.startsWith('journal-')).length).toBeGreaterThan(0);
      // Whatever the kill left, also simulate a torn write: half a record at the end of the last segment.
      appendFileSync(path.join(dir, segments.at(-1)!), '{"seq":999999999,"time":"2025-01-01T00:0');

      const { store, cutBytes } = await TraceStore.open(root, 'crashed');
      expect(cutBytes).toBeGreaterThanOrEqual('{"seq":999999999,"time":"2025-01-01T00:0'.length);
      expect(store.size).toBeGreaterThanOrEqual(surely);
      expect(store.size).toBeLessThanOrEqual(sent);
      if (replays) expect(store.replayed).toBeGreaterThan(0); // recovered from the journal
      expect(readdirSync(dir).filter((f) => f.startsWith('journal'))).toEqual([]);
      const tail = readFileSync(path.join(dir, segments.at(-1)!));
      expect(tail.length === 0 || tail.at(-1) === 0x0a).toBe(true); // empty (just rolled) or ends with a complete line
      const seqs: number[] = [];
      for (let after = 0; ; ) {
        const page = await store.query({ after, limit: 1000 });
        seqs.push(...page.records.map((r) => r.seq));
        if (!page.hasMore) break;
        after = page.records.at(-1)!.seq;
      }
      expect(seqs.length).toBe(store.size);
      expect(seqs.every((s, i) => s === i + 1)).toBe(true);
      // Each message once, in the order it was sent.
      const firstWords: number[] = [];
      for (let after = 0; ; ) {
        const page = await store.query({ after, limit: 1000 });
        for (const r of page.records) if (r.kind === 'message' && r.parsed.ok) firstWords.push(Number(r.parsed.message.content.split(' ')[0]));
        if (!page.hasMore) break;
        after = page.records.at(-1)!.seq;
      }
      expect(firstWords).toEqual(Array.from({ length: store.size }, (_, i) => i));

      const next = store.nextSeq;
      store.append({ seq: next, time: new Date().toISOString(), mono: store.lastMono + 1, kind: 'event', name: 'run.started', agent: 'after-crash', payload: samplePayload('run.started', { agent: 'after-crash' }) });
      await store.close();
      const again = await new TraceLibrary(root).open('crashed');
      expect(again.size).toBe(next);
      expect((await again.get(next))?.kind).toBe('event');
      await again.close();
    } finally {
      child.kill('SIGKILL');
      await exited;
      await nats.stop();
    }
  });
});
