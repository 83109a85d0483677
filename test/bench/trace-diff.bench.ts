/**
 * `switchboard trace diff` of two 100,000-record runs that differ in a few places (contents
 * changed, messages dropped, neighbours swapped as concurrent agents do), against the raw floor
 * measured in the same run: reading both files and JSON.parse of every line. Timed three ways: the
 * built CLI as a user runs it (a process: start-up included), the same work in this process
 * (read, validate, classify, align), and the alignment alone over conversations already read;
 * then `trace.compare` over the two runs imported into stores: the first page (the runs read and
 * aligned) and a later page (from the kept alignment).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { compareConversations, conversationOf } from '../../agents/trace/diff.js';
import { TraceRecordSchema, type TraceRecord } from '../../agents/trace/record.js';
import { diffTraceFiles } from '../../main/commands/trace-diff.js';
import { RunComparisons } from '../../main/host/trace/compare-runs.js';
import { TraceLibrary } from '../../main/host/trace/index.js';
import { runCli } from '../helpers/cli.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { generate, prng } from '../helpers/trace-runs.js';
import { median, report } from './stats.js';

const RECORDS = 100_000;
const RUNS = 3;

/** B: A with a few contents changed, a few records dropped and some neighbours swapped, renumbered. */
function variant(records: readonly TraceRecord[]): TraceRecord[] {
  const rand = prng(99);
  const out = records.map((r) => r);
  let changed = 0;
  for (let at = 1000; changed < 5 && at < out.length; at += 17_000 + Math.floor(rand() * 100)) {
    for (let k = at; k < out.length; k++) {
      const r = out[k]!;
      if (r.kind !== 'message' || !r.parsed.ok || !r.subject.startsWith('agents.request.')) continue;
      const message = { ...r.parsed.message, content: `${r.parsed.message.content} (changed)` };
      const payload = JSON.stringify(message);
      out[k] = { ...r, payload, size: payload.length, parsed: { ok: true, message } };
      changed++;
      break;
    }
  }
  for (const at of [30_000, 60_000, 90_000]) out.splice(at, 1);
  for (let swaps = 0; swaps < 1000; swaps++) {
    const k = 1 + Math.floor(rand() * (out.length - 2));
    [out[k], out[k + 1]] = [out[k + 1]!, out[k]!];
  }
  return out.map((r, k) => TraceRecordSchema.parse({ ...r, seq: k + 1 }));
}

async function writeTrace(file: string, run: string, records: readonly TraceRecord[]): Promise<void> {
  const header = JSON.stringify({ format: 'switchboard.trace/v1', run, startedAt: '2025-01-01T12:00:00.000Z', topology: null });
  await writeFile(file, `${[header, ...records.map((r) => JSON.stringify(r))].join('\n')}\n`);
}

/** Runs the trace-diff group. */
export async function runTraceDiffBench(): Promise<void> {
  console.log(`trace diff — two ${RECORDS.toLocaleString('en')}-record runs, a few differences`);
  const dir = await makeTempDir('bench-trace-diff');
  try {
    const a = generate(RECORDS, 2026);
    const b = variant(a);
    const fileA = path.join(dir, 'a.ndjson');
    const fileB = path.join(dir, 'b.ndjson');
    await writeTrace(fileA, 'a', a);
    await writeTrace(fileB, 'b', b);

    const raw: number[] = [];
    const inProcess: number[] = [];
    const cli: number[] = [];
    const align: number[] = [];
    let summary = '';
    const messagesA = conversationOf(a);
    const messagesB = conversationOf(b);
    for (let run = 0; run < RUNS; run++) {
      let t = performance.now();
      for (const file of [fileA, fileB]) for (const line of (await readFile(file, 'utf8')).split('\n')) if (line) JSON.parse(line);
      raw.push(performance.now() - t);

      t = performance.now();
      const compared = await diffTraceFiles(fileA, fileB);
      inProcess.push(performance.now() - t);
      if ('exit' in compared) throw new Error(`trace diff refused its input (exit ${compared.exit})`);
      const s = compared.comparison.summary;
      summary = `${s.a.messages} vs ${s.b.messages} messages: ${s.same} same, ${s.changed} changed, ${s.onlyA} only in A, ${s.onlyB} only in B; first divergence at row ${compared.comparison.firstDivergence}`;

      t = performance.now();
      const out = await runCli(['trace', 'diff', fileA, fileB], { timeoutMs: 120_000 });
      cli.push(performance.now() - t);
      if (out.code !== 1) throw new Error(`switchboard trace diff exited ${out.code}, not 1 (they differ)\n${out.stderr}`);

      t = performance.now();
      compareConversations(messagesA, messagesB, { limit: 0 });
      align.push(performance.now() - t);
    }
    const library = new TraceLibrary(path.join(dir, 'runs'));
    const ids: string[] = [];
    for (const file of [fileA, fileB]) {
      const store = await library.importNdjson(file, {});
      ids.push(store.runId);
      await store.close();
    }
    const stores = await Promise.all(ids.map((id) => library.open(id)));
    const firstPage: number[] = [];
    const laterPage: number[] = [];
    try {
      for (let run = 0; run < RUNS; run++) {
        const comparisons = new RunComparisons({ withStore: async (runId, use) => use(stores[ids.indexOf(runId)]!) });
        let t = performance.now();
        const first = await comparisons.compare({ a: ids[0]!, b: ids[1]!, limit: 100 });
        firstPage.push(performance.now() - t);
        t = performance.now();
        await comparisons.compare({ a: ids[0]!, b: ids[1]!, offset: Math.floor(first.total / 2), limit: 100 });
        laterPage.push(performance.now() - t);
      }
    } finally {
      for (const store of stores) await store.close();
    }

    console.log(`  ${summary}`);
    const baseline = { name: 'read + JSON.parse of both', value: median(raw) };
    report({ name: 'switchboard trace diff (process)', value: median(cli), unit: 'ms', runs: RUNS, baseline, target: '< 2000 ms' });
    report({ name: 'read + validate + classify + align', value: median(inProcess), unit: 'ms', runs: RUNS, baseline, target: '< 2000 ms' });
    report({ name: 'align only (conversations read)', value: median(align), unit: 'ms', runs: RUNS, baseline });
    report({ name: 'trace.compare on stores, first page', value: median(firstPage), unit: 'ms', runs: RUNS, baseline });
    report({ name: 'trace.compare on stores, a later page', value: median(laterPage), unit: 'ms', runs: RUNS });
  } finally {
    await removeTempDir(dir);
  }
}
