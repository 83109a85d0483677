// The runs list's host calls on a real store and a real nats-server: import with progress and
// cancel (nothing left behind), a broken line reported by its number, open a run read back from
// disk with progress, export NDJSON / Mermaid / OTLP, delete (files gone; the live run refused).
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../main/host/host.js';
import { traceRoot } from '../../main/host/trace/trace-library.js';
import type { EventPayload } from '../../preload/contract.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { generate } from '../helpers/trace-runs.js';

let host: Host;
let dataDir: string;
const TOPOLOGY = 'apiVersion: switchboard.dev/v1\nkind: Topology\nmetadata:\n  name: imported-demo\nspec: {}\n';

beforeAll(async () => {
  dataDir = await makeTempDir('trace-runs');
  host = await startHost({ shell: 'headless', appVersion: '0.0.0-test', appRoot: repoRoot, dataDir, nats: { mode: 'embedded' } });
});
afterAll(async () => {
  await host.stop();
  await removeTempDir(dataDir);
});

/** An NDJSON trace of `count` records (a 2,000-record generated run repeated with new seqs). */
async function writeTrace(name: string, count: number, breakLine?: number): Promise<string> {
  const sample = generate(2000, 7);
  const lines = [JSON.stringify({ format: 'switchboard.trace/v1', run: name, startedAt: '2026-12-06T08:00:00.000Z', topology: TOPOLOGY })];
  for (let seq = 1; seq <= count; seq++) lines.push(JSON.stringify({ ...sample[(seq - 1) % sample.length]!, seq }));
  if (breakLine !== undefined) lines[breakLine - 1] = '{"kind":"message","seq": oops';
  const file = path.join(dataDir, `${name}.ndjson`);
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

const runDirs = async () => (await readdir(traceRoot(dataDir)).catch(() => [] as string[])).sort();

/** Collects `trace.progressed` for one task; `onFirst` runs at its first event. */
function watch(task: string, onFirst?: () => void): { events: EventPayload<'trace.progressed'>[]; off: () => void } {
  const events: EventPayload<'trace.progressed'>[] = [];
  const off = host.events.on('trace.progressed', (p) => {
    if (p.task !== task) return;
    events.push(p);
    if (events.length === 1) onFirst?.();
  });
  return { events, off };
}

describe('the runs list on the host', () => {
  let smallRun = '';

  it('imports a trace, lists it with its records and size, and refuses a broken line by its number', async () => {
    const h = host.handlers;
    const file = await writeTrace('small', 3000);
    const imported = await h['trace.import']({ path: file });
    expect(imported).toMatchObject({ topology: 'imported-demo', records: 3000 });
    smallRun = imported.runId;
    const { runs } = await h['trace.listRuns'](undefined);
    expect(runs.find((r) => r.runId === smallRun)).toMatchObject({ records: 3000, live: false, topology: 'imported-demo' });
    expect(runs.find((r) => r.runId === smallRun)!.bytes).toBeGreaterThan(100_000);

    const before = await runDirs();
    const broken = await writeTrace('broken', 3000, 1234);
    const refused = h['trace.import']({ path: broken });
    await expect(refused).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/^broken\.ndjson line 1234: not JSON\. Nothing was imported\.$/) });
    expect(await runDirs()).toEqual(before);

    // Text the browser read (no host path): the same checks, the name in the message.
    const text = (await readFile(broken, 'utf8')).split('\n').slice(0, 1300).join('\n');
    await expect(h['trace.import']({ text, name: 'picked.ndjson' })).rejects.toMatchObject({ message: expect.stringMatching(/^picked\.ndjson line 1234: /) });
    const good = await h['trace.import']({ text: await readFile(file, 'utf8'), name: 'picked.ndjson' });
    expect(good.records).toBe(3000);
    await h['trace.delete']({ runId: good.runId });
    expect(await runDirs()).toEqual(before);
  });

  it('cancels a 200,000-line import midway and leaves no run behind', async () => {
    const h = host.handlers;
    const file = await writeTrace('big', 200_000);
    const before = await runDirs();
    const progress = watch('import-big', () => void h['trace.cancel']({ task: 'import-big' }));
    try {
      await expect(h['trace.import']({ path: file, task: 'import-big' })).rejects.toMatchObject({ code: 'cancelled' });
    } finally {
      progress.off();
    }
    expect(progress.events.length).toBeGreaterThan(0);
    const [first] = progress.events;
    expect(first!.done).toBeGreaterThan(0);
    expect(first!.done).toBeLessThan(first!.total); // midway, not at the end
    expect(await runDirs()).toEqual(before);
    expect((await h['trace.listRuns'](undefined)).runs.map((r) => r.runId).sort()).toEqual(before);
    expect(await h['trace.cancel']({ task: 'import-big' })).toEqual({ cancelled: false }); // done: nothing to cancel
  });

  it('opens a run read back from disk with progress, and a cancelled open can be opened again', async () => {
    const h = host.handlers;
    const file = await writeTrace('reopen', 60_000);
    const { runId } = await h['trace.import']({ path: file });

    const cancelled = watch('open-1', () => void h['trace.cancel']({ task: 'open-1' }));
    await expect(h['trace.openRun']({ runId, task: 'open-1' })).rejects.toMatchObject({ code: 'cancelled' });
    cancelled.off();

    const progress = watch('open-2');
    const opened = await h['trace.openRun']({ runId, task: 'open-2' });
    progress.off();
    expect(opened).toMatchObject({ runId, records: 60_000, topology: 'imported-demo', topologyText: TOPOLOGY, live: false });
    expect(progress.events.length).toBeGreaterThan(1);
    expect(progress.events.at(-1)!.done).toBe(progress.events.at(-1)!.total);
    // Kept open: a query needs no second rebuild, and the record is the one imported.
    const page = await h['trace.query']({ runId, query: { after: 59_999, limit: 5 } });
    expect(page.records.map((r) => r.seq)).toEqual([60_000]);
  });

  it('exports a run as NDJSON, Mermaid and OTLP, to a file or as text', async () => {
    const h = host.handlers;
    const ndjson = await h['trace.export']({ runId: smallRun, format: 'ndjson' });
    expect(ndjson.path).toBeNull();
    expect(ndjson.text).toBe(await readFile(path.join(dataDir, 'small.ndjson'), 'utf8'));
    const mermaid = await h['trace.export']({ runId: smallRun, format: 'mermaid' });
    expect(mermaid.text).toMatch(/^sequenceDiagram/);
    const out = path.join(dataDir, 'small-otlp.json');
    expect(await h['trace.export']({ runId: smallRun, format: 'otlp', path: out })).toEqual({ path: out, text: null });
    const otlp = JSON.parse(await readFile(out, 'utf8')) as { resourceSpans: unknown[] };
    expect(otlp.resourceSpans.length).toBeGreaterThan(0);
  });

  it('deletes a run (its files go), and refuses the run recording now', async () => {
    const h = host.handlers;
    const dir = path.join(traceRoot(dataDir), smallRun);
    expect(existsSync(dir)).toBe(true);
    await h['trace.query']({ runId: smallRun, query: { limit: 1 } }); // open in the host: delete closes it first
    await h['trace.getMetrics']({ runId: smallRun, buckets: 60 }); // and what the metrics keep of it goes with it
    await h['trace.delete']({ runId: smallRun });
    expect(existsSync(dir)).toBe(false);
    await expect(h['trace.getMetrics']({ runId: smallRun, buckets: 60 })).rejects.toThrow();
    expect((await h['trace.listRuns'](undefined)).runs.some((r) => r.runId === smallRun)).toBe(false);
    await expect(h['trace.delete']({ runId: smallRun })).rejects.toMatchObject({ code: 'not_found' });

    const text = await readFile(path.join(repoRoot, 'templates/seed-000-trio.yaml'), 'utf8');
    const started = await h['run.start']({ text, fileName: 'seed-000-trio.yaml' });
    try {
      const live = (await h['trace.listRuns'](undefined)).runs.find((r) => r.runId === started.runId);
      expect(live).toMatchObject({ live: true, topology: 'seed-000-trio' });
      await expect(h['trace.delete']({ runId: started.runId! })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/recording now: stop it first/) });
    } finally {
      await h['run.stop'](undefined);
    }
    expect(existsSync(path.join(traceRoot(dataDir), started.runId!))).toBe(true);
    await h['trace.delete']({ runId: started.runId! });
    expect(existsSync(path.join(traceRoot(dataDir), started.runId!))).toBe(false);
  });
});
