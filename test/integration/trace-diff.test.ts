// Comparing two runs as users do: `switchboard trace diff A B` (the built CLI over NDJSON files on
// disk, with its exit codes and output) and `trace.compare` on a real host over imported runs
// (real stores on disk), paged, with the alignment read once per pair.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentMessage } from '../../agents/protocol/agent-message.js';
import { TraceComparisonSchema } from '../../agents/trace/diff-schema.js';
import type { TraceRecord } from '../../agents/trace/record.js';
import { startHost, type Host } from '../../main/host/host.js';
import { RunComparisons } from '../../main/host/trace/compare-runs.js';
import { TraceLibrary } from '../../main/host/trace/index.js';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { eventRecord, messageRecord } from '../helpers/trace-events.js';
import { prng } from '../helpers/trace-runs.js';

let tmp: string;
beforeAll(async () => {
  tmp = await makeTempDir('trace-diff');
});
afterAll(async () => {
  await removeTempDir(tmp);
});

/** A message as [from, to, type, content]. */
type Spec = readonly [string, string | null, string, string];

/** A trio's conversation: the user asks, the coordinator asks two specialists in turn per question, and answers. */
function conversation(questions: number): Spec[][] {
  // One list per "thread": within a thread order is fixed, threads interleave freely.
  return Array.from({ length: questions }, (_, q) => [
    ['user', 'coordinator', 'request', `question ${q}`],
    ['coordinator', 'weather', 'request', `weather for ${q}?`],
    ['weather', 'coordinator', 'response', `sunny ${q}`],
    ['coordinator', 'flights', 'handoff', `book for ${q}`],
    ['flights', 'coordinator', 'response', `AF${q}`],
    ['coordinator', 'user', 'response', `answer ${q}: sunny, AF${q}`],
  ]);
}

/**
 * A trace of `threads` interleaved by `seed` (one thread's messages keep their order), with fresh
 * message ids, times and seqs, plus noise that must not count: heartbeats, a KV put and events.
 */
function traceOf(threads: Spec[][], seed: number): TraceRecord[] {
  const rand = prng(seed);
  const cursors = threads.map(() => 0);
  const records: TraceRecord[] = [];
  const t0 = Date.UTC(2026, 11, 6, 12) + seed * 1000;
  const base = () => ({ seq: records.length + 1, time: new Date(t0 + records.length * 3).toISOString(), mono: records.length * 3 });
  const left = () => cursors.some((c, i) => c < threads[i]!.length);
  while (left()) {
    const open = cursors.map((c, i) => (c < threads[i]!.length ? i : -1)).filter((i) => i >= 0);
    const i = open[Math.floor(rand() * open.length)]!;
    const [from, to, type, content] = threads[i]![cursors[i]!++]!;
    const message = {
      message_type: type,
      from_agent: from,
      to_agent: to,
      content,
      metadata: { conversation_id: `conv-${seed}-${i}` },
      timestamp: base().time,
      message_id: `${seed}-${records.length}-${Math.floor(rand() * 1e9)}`,
      in_reply_to: null,
      priority: 2,
    } as AgentMessage;
    records.push(messageRecord(base(), `agents.request.${to ?? 'all'}`, JSON.stringify(message), { parsed: { ok: true, message } }));
    if (rand() < 0.3) {
      const beat = { ...message, message_type: 'heartbeat', from_agent: from, to_agent: null, content: `alive at ${base().time}` } as AgentMessage;
      records.push(messageRecord(base(), `agents.heartbeat.${from}`, JSON.stringify(beat), { parsed: { ok: true, message: beat } }));
    }
    if (rand() < 0.2) records.push(messageRecord(base(), `$KV.agents.${from}`, JSON.stringify({ ...message, content: `kv ${rand()}` }), { parsed: { ok: true, message: { ...message, content: `kv ${rand()}` } } }));
    if (rand() < 0.3) records.push(eventRecord(base(), 'run.started', from, { runId: `run-${rand()}` }));
  }
  return records;
}

/** Writes records as an NDJSON trace. */
async function writeTrace(name: string, records: TraceRecord[], lines: (text: string[]) => string[] = (l) => l): Promise<string> {
  const file = path.join(tmp, `${name}.ndjson`);
  const header = JSON.stringify({ format: 'switchboard.trace/v1', run: name, startedAt: records[0]?.time ?? '2026-12-06T12:00:00.000Z', topology: null });
  await writeFile(file, `${lines([header, ...records.map((r) => JSON.stringify(r))]).join('\n')}\n`);
  return file;
}

const diff = (args: string[]) => runCli(['trace', 'diff', ...args], { cwd: repoRoot, timeoutMs: 60_000 });

/** The same conversation with message `k` of thread `t` given other content. */
const withContent = (threads: Spec[][], t: number, k: number, content: string): Spec[][] => threads.map((thread, i) => thread.map((s, j) => (i === t && j === k ? ([s[0], s[1], s[2], content] as const) : s)));

describe('switchboard trace diff', () => {
  it('exits 0 for the same conversations interleaved differently, with other ids and times', async () => {
    const threads = conversation(5);
    const a = await writeTrace('same-a', traceOf(threads, 1));
    const b = await writeTrace('same-b', traceOf(threads, 2));
    const out = await diff([a, b]);
    expect(out.stderr).toBe('');
    expect(out.stdout).toContain('Same conversations.');
    expect(out.stdout).toContain('30 same, 0 changed, 0 only in A, 0 only in B (A: 30 messages, B: 30)');
    expect(out.code).toBe(0);
  });

  it('exits 1 and prints the first divergence with both messages and a summary', async () => {
    const threads = conversation(4);
    const a = await writeTrace('differ-a', traceOf(threads, 3));
    const changed = withContent(threads, 2, 2, 'stormy 2');
    const extra = changed.map((thread, i) => (i === 3 ? [...thread, ['coordinator', 'hotels', 'request', 'hotel for 3?'] as const] : thread));
    const b = await writeTrace('differ-b', traceOf(extra, 4));
    const out = await diff([a, b]);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/The conversations differ\. First divergence at message \d+ \(content changed\):/);
    expect(out.stdout).toMatch(/ {2}A .*differ-a\.ndjson #\d+ 2026-12-06T.*\n {4}weather → coordinator {2}response {2}agents\.request\.coordinator\n {4}"sunny 2"/);
    expect(out.stdout).toMatch(/ {2}B .*differ-b\.ndjson #\d+ .*\n {4}weather → coordinator {2}response .*\n {4}"stormy 2"/);
    expect(out.stdout).toContain('23 same, 1 changed, 0 only in A, 1 only in B (A: 24 messages, B: 25)');

    const json = await diff([a, b, '--json']);
    expect(json.code).toBe(1);
    const comparison = TraceComparisonSchema.parse(JSON.parse(json.stdout));
    expect(comparison.rows.filter((r) => r.status !== 'same').map((r) => [r.status, r.differs, r.b?.content])).toEqual([
      ['changed', ['content'], 'stormy 2'],
      ['only-b', [], 'hotel for 3?'],
    ]);
    expect(comparison.firstDivergence).toBe(comparison.rows.findIndex((r) => r.status === 'changed'));
  });

  it('exits 2 with FILE:LINE for a broken line, a missing file or a file that is not a trace', async () => {
    const records = traceOf(conversation(2), 5);
    const good = await writeTrace('good', records);
    const broken = await writeTrace('broken', records, (lines) => lines.map((l, i) => (i === 6 ? '{"seq":6,"kind":"mess' : l)));
    const out = await diff([good, broken]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`${broken}:7: not JSON`);
    expect(out.stderr).toContain('is not a valid trace (1 bad line); nothing compared.');
    expect(out.stdout).toBe('');

    // An event line is checked by its frame (its payload is not read), and still reported when broken.
    const brokenEvent = await writeTrace('broken-event', records, (lines) =>
      lines.map((l, i) => (i === 6 ? '{"seq":6,"time":"t","mono":1,"kind":"event","name":"ooda.phase","agent":5,"payload":{}}' : i === 7 ? '{"seq":7,"time":"t","mono":1,"kind":"event","name":"ooda.phase","agent":"a","payload":{' : l)),
    );
    const eventOut = await diff([good, brokenEvent]);
    expect(eventOut.code).toBe(2);
    expect(eventOut.stderr).toContain(`${brokenEvent}:7: not a trace record (agent:`);
    expect(eventOut.stderr).toContain(`${brokenEvent}:8: not JSON`);
    expect(eventOut.stderr).toContain('is not a valid trace (2 bad lines); nothing compared.');

    const missing = await diff([good, path.join(tmp, 'nope.ndjson')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.ndjson/);
    // Both files are read at once, but what is wrong is told as if one after the other: A's only, when A is bad.
    const bothBad = await diff([broken, path.join(tmp, 'nope.ndjson')]);
    expect(bothBad.code).toBe(2);
    expect(bothBad.stderr).toContain(`${broken}:7: not JSON`);
    expect(bothBad.stderr).not.toContain('cannot read');

    const notTrace = path.join(tmp, 'notes.ndjson');
    await writeFile(notTrace, '{"hello":"world"}\n');
    const refused = await diff([notTrace, good]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${notTrace}:1: invalid trace`);

    const usage = await diff([good]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('give exactly two trace files');
  });
});

describe('trace.compare on the host', () => {
  let host: Host;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await makeTempDir('trace-compare');
    host = await startHost({ shell: 'headless', appVersion: '0.0.0-test', appRoot: repoRoot, dataDir, nats: { mode: 'embedded' } });
  });
  afterAll(async () => {
    await host.stop();
    await removeTempDir(dataDir);
  });

  it('aligns two imported runs and pages their rows', async () => {
    const threads = conversation(40);
    const h = host.handlers;
    const a = await h['trace.import']({ path: await writeTrace('host-a', traceOf(threads, 11)) });
    const b = await h['trace.import']({ path: await writeTrace('host-b', traceOf(withContent(threads, 7, 4, 'UA7'), 12)) });
    const whole = await h['trace.compare']({ a: a.runId, b: b.runId, limit: 500 });
    expect(whole.summary).toEqual({ a: { runId: a.runId, messages: 240 }, b: { runId: b.runId, messages: 240 }, same: 239, changed: 1, onlyA: 0, onlyB: 0 });
    expect(whole.total).toBe(240);
    expect(whole.rows).toHaveLength(240);
    const divergence = whole.rows[whole.firstDivergence!]!;
    expect(divergence).toMatchObject({ status: 'changed', differs: ['content'], a: { from: 'flights', to: 'coordinator', content: 'AF7' }, b: { content: 'UA7' } });
    // Digests are the records': what trace.query returns for that seq.
    const record = (await h['trace.query']({ runId: b.runId, query: { after: divergence.b!.seq - 1, limit: 1 } })).records[0]!;
    expect(record.kind === 'message' && record.parsed.ok && record.parsed.message.content).toBe('UA7');
    expect(divergence.b!.time).toBe(record.time);

    const pages = [];
    for (let offset = 0; offset < whole.total; offset += 70) pages.push(await h['trace.compare']({ a: a.runId, b: b.runId, offset, limit: 70 }));
    expect(pages.map((p) => p.offset)).toEqual([0, 70, 140, 210]);
    expect(pages.flatMap((p) => p.rows)).toEqual(whole.rows);
    const past = await h['trace.compare']({ a: a.runId, b: b.runId, offset: 1000 });
    expect(past).toMatchObject({ total: 240, rows: [] });
    // Reversed, the change is still one changed row, now from B's side.
    const reversed = await h['trace.compare']({ a: b.runId, b: a.runId });
    expect(reversed.summary).toMatchObject({ same: 239, changed: 1 });
    await expect(h['trace.compare']({ a: a.runId, b: 'no-such-run' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('reads each run once per pair however many pages are asked', async () => {
    const library = new TraceLibrary(path.join(dataDir, 'own-library'));
    const files = [await writeTrace('lib-a', traceOf(conversation(10), 21)), await writeTrace('lib-b', traceOf(conversation(10), 22))];
    const ids: string[] = [];
    for (const file of files) {
      const store = await library.importNdjson(file, {});
      ids.push(store.runId);
      await store.close();
    }
    const opened = new Map<string, Awaited<ReturnType<TraceLibrary['open']>>>();
    const comparisons = new RunComparisons({
      withStore: async (runId, use) => {
        if (!opened.has(runId)) opened.set(runId, await library.open(runId));
        return use(opened.get(runId)!);
      },
    });
    const [a, b] = ids as [string, string];
    for (let offset = 0; offset < 60; offset += 10) {
      const page = await comparisons.compare({ a, b, offset, limit: 10 });
      expect(page.rows.map((r) => r.index)).toEqual(Array.from({ length: 10 }, (_, k) => offset + k));
      expect(page.rows.every((r) => r.status === 'same')).toBe(true);
    }
    expect(comparisons.scans).toBe(2);
    await comparisons.compare({ a: b, b: a });
    expect(comparisons.scans).toBe(4);
    await comparisons.compare({ a, b, offset: 20 }); // still kept: the last two pairs
    expect(comparisons.scans).toBe(4);
    for (const store of opened.values()) await store.close();
  });

  it('compares a run still being recorded with what it has so far, and again as it grows', async () => {
    const library = new TraceLibrary(path.join(dataDir, 'live-library'));
    const records = traceOf(conversation(6), 31);
    const past = await library.create({ run: 'past' });
    for (const record of records) past.append(record);
    const live = await library.create({ run: 'live' });
    const half = Math.floor(records.length / 2);
    for (const record of records.slice(0, half)) live.append(record);
    const stores = new Map([
      ['past', past],
      ['live', live],
    ]);
    const comparisons = new RunComparisons({ withStore: async (runId, use) => use(stores.get(runId)!) });
    const early = await comparisons.compare({ a: 'past', b: 'live', limit: 500 });
    const heard = early.summary.b.messages;
    expect(heard).toBeGreaterThan(0);
    expect(early.summary).toMatchObject({ a: { messages: 36 }, same: heard, onlyA: 36 - heard, onlyB: 0 });
    for (const record of records.slice(half)) live.append(record);
    const later = await comparisons.compare({ a: 'past', b: 'live', limit: 500 });
    expect(later.summary).toMatchObject({ b: { messages: 36 }, same: 36, onlyA: 0 });
    expect(later.firstDivergence).toBeNull();
    await past.close();
    await live.close();
  });
});
