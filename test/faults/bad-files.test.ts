// Fault: bad topology and trace files (truncated, wrong types, unknown version, 10 MB of noise,
// 10 MB of valid-looking YAML, deep nesting, an alias bomb, NUL bytes, invalid UTF-8, empty) fed
// to every reader of a user's file: `validate`, `run` and `export` (the built CLI), `trace`,
// `trace diff` and `replay`, and the host's file.open and trace.import (in process, as the
// integration tests call them). Each answer is short (a few KB at most), names FILE:LINE[:COL]
// where there is a position, exits with the documented code, comes in bounded time, and the file
// is left byte for byte and mtime as it was. Takes about a minute here; prints the worst output
// size and time per command.
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatProblems, loadTopology } from '../../agents/topology/load.js';
import { startHost, type Host } from '../../main/host/host.js';
import { RpcError } from '../../preload/contract.js';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { BAD_TOPOLOGIES, BAD_TRACES, traceLines, writeBadFiles } from './bad-files.js';

/** Bytes an answer may take: a few problems, each a line or three. */
const MAX_OUTPUT = 4096;
/** Generous per-command bound (a process start, a 10 MB read, a loaded 2-core machine). */
const MAX_MS = 30_000;

let dir: string;
let dataDir: string;
let host: Host;
let topologies: Map<string, string>;
let traces: Map<string, string>;
let goodTrace: string;
const worst = new Map<string, { bytes: number; ms: number; bytesOf: string; msOf: string }>();

beforeAll(async () => {
  dir = await makeTempDir('bad-files');
  dataDir = await makeTempDir('bad-files-data');
  topologies = writeBadFiles(dir, BAD_TOPOLOGIES);
  traces = writeBadFiles(dir, BAD_TRACES);
  goodTrace = writeBadFiles(dir, [{ name: 'good.ndjson', bytes: () => Buffer.from(`${traceLines(10).join('\n')}\n`) }]).get('good.ndjson')!;
  host = await startHost({ shell: 'headless', appVersion: '0.0.0-test', appRoot: repoRoot, dataDir, nats: { mode: 'embedded' } });
});

afterAll(async () => {
  await host?.stop();
  for (const [command, w] of worst) console.log(`[faults] bad files, ${command}: ${w.bytes >= 0 ? `worst output ${w.bytes} bytes (${w.bytesOf}), ` : ''}worst time ${w.ms} ms (${w.msOf})`);
  await removeTempDir(dir);
  await removeTempDir(dataDir);
});

/** The file's bytes' hash and its mtime: what must not change. */
function fingerprint(file: string): string {
  return `${createHash('sha256').update(readFileSync(file)).digest('hex')} ${statSync(file).mtimeMs}`;
}

/** Keeps the worst output size (`bytes` -1: none to count) and time per command. */
function note(command: string, name: string, bytes: number, ms: number): void {
  const w = worst.get(command) ?? { bytes: -1, ms: -1, bytesOf: '', msOf: '' };
  if (bytes > w.bytes) Object.assign(w, { bytes, bytesOf: name });
  if (ms > w.ms) Object.assign(w, { ms: Math.round(ms), msOf: name });
  worst.set(command, w);
}

/** Runs the CLI on a bad file: the exit code, a short answer, in bounded time, the file untouched. */
async function expectBounded(command: string, args: string[], file: string, exit: number, position: RegExp | null): Promise<string> {
  const before = fingerprint(file);
  const started = performance.now();
  const outcome = await runCli(args, { cwd: dir, timeoutMs: 60_000 });
  const ms = performance.now() - started;
  const output = outcome.stdout + outcome.stderr;
  const name = path.basename(file);
  note(command, name, Buffer.byteLength(output), ms);
  const context = `switchboard ${args.join(' ')}\n${output.slice(0, 2000)}`;
  expect(outcome.code, context).toBe(exit);
  expect(Buffer.byteLength(output), context).toBeLessThanOrEqual(MAX_OUTPUT);
  expect(output, context).toContain(name);
  if (position) expect(output, context).toMatch(position);
  expect(output, context).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
  expect(ms, context).toBeLessThan(MAX_MS);
  expect(fingerprint(file), `${name} changed`).toBe(before);
  return output;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('bad topology files', () => {
  for (const bad of BAD_TOPOLOGIES) {
    const lineCol = () => (bad.positioned ? new RegExp(`${escape(bad.name)}:\\d+:\\d+: error: `) : null);

    it(`${bad.name}: validate, run and export answer briefly with exit ${bad.exit}`, async () => {
      const file = topologies.get(bad.name)!;
      const output = await expectBounded('validate', ['validate', bad.name], file, bad.exit, lineCol());
      await expectBounded('run', ['run', bad.name, '--timeout', '5'], file, bad.exit, lineCol());
      await expectBounded('export', ['export', bad.name, '--format', 'yaml'], file, bad.exit, lineCol());
      // At most a few problems listed; more are counted.
      expect(output.match(/: error: /g)?.length ?? 0).toBeLessThanOrEqual(10);
      if (bad.name.startsWith('huge') || bad.name.startsWith('noise-10')) expect(output).toMatch(/too big for a topology \(at most 5 MiB\)/);
      if (bad.name.startsWith('big')) {
        expect(output).toMatch(/… and \d+ more problems not shown/);
        // --json keeps more (the loader's 50), each message still one bounded line.
        const started = performance.now();
        const json = await runCli(['validate', bad.name, '--json'], { cwd: dir, timeoutMs: 60_000 });
        const ms = performance.now() - started;
        const parsed = JSON.parse(json.stdout) as { valid: boolean; problems: unknown[]; omitted: number };
        expect(parsed).toMatchObject({ valid: false, problems: expect.any(Array), omitted: expect.any(Number) });
        expect(parsed.problems).toHaveLength(50);
        expect(parsed.omitted).toBeGreaterThan(1000);
        expect(json.stdout.length).toBeLessThanOrEqual(64 * 1024);
        note('validate --json', bad.name, json.stdout.length + json.stderr.length, ms);
      }
      if (bad.name === 'alias-bomb.yaml') expect(output).toMatch(/alias bomb/);
      if (bad.name.startsWith('deep')) expect(output).toMatch(/Nested too deeply/);
      if (bad.name.startsWith('nul') || bad.name === 'noise-1mb.yaml') expect(output).toMatch(/Not a text file/);
      if (bad.name === 'not-utf8.yaml') expect(output).toMatch(/Not UTF-8 text/);
      if (bad.name.startsWith('unknown-version')) expect(output).toMatch(/Unknown apiVersion "example.com\/v7"/);
    });

    it(`${bad.name}: the host's file.open ${bad.refusedByHost ? 'refuses it' : 'opens it with a bounded problem list'}, and the file is untouched`, async () => {
      const file = topologies.get(bad.name)!;
      const before = fingerprint(file);
      const started = performance.now();
      const opened = await host.handlers['file.open']({ path: file }).catch((error: unknown) => error);
      if (bad.refusedByHost) {
        expect(opened).toBeInstanceOf(RpcError);
        const error = opened as RpcError;
        expect(error.code).toBe('invalid_input');
        expect(error.message.length).toBeLessThanOrEqual(1024);
        expect(error.message).toContain(file);
        if (bad.positioned) expect(error.message).toMatch(new RegExp(`${escape(file)}:\\d+:\\d+: error: `));
        note('file.open', bad.name, error.message.length, performance.now() - started);
      } else {
        // What the app does with the text it got: the document store loads it and lists the problems.
        const { text } = opened as { text: string };
        const loaded = loadTopology(text, file);
        const shown = formatProblems(loaded.problems, file, { text, omitted: loaded.omitted });
        expect(loaded.topology).toBeNull();
        expect(loaded.problems.length).toBeGreaterThan(0);
        expect(loaded.problems.length).toBeLessThanOrEqual(50);
        expect(JSON.stringify(loaded.problems).length).toBeLessThanOrEqual(64 * 1024);
        expect(shown.length).toBeLessThanOrEqual(MAX_OUTPUT);
        note('file.open', bad.name, shown.length, performance.now() - started);
      }
      expect(fingerprint(file)).toBe(before);
    });
  }
});

describe('saving over a bad file', () => {
  it('the host saves a topology over 10 MB of noise and over deep nesting (the old file is not parsed to death)', async () => {
    const trio = readFileSync(path.join(repoRoot, 'templates/seed-000-trio.yaml'), 'utf8');
    for (const name of ['noise-10mb.yaml', 'deep.yaml', 'deep.json', 'alias-bomb.yaml']) {
      const copy = path.join(dir, `over-${name}`);
      copyFileSync(topologies.get(name)!, copy);
      const started = performance.now();
      await host.handlers['file.save']({ path: copy, text: trio });
      note('file.save over it', name, -1, performance.now() - started);
      expect(readFileSync(copy, 'utf8')).toBe(trio);
    }
  });
});

describe('bad trace files', () => {
  for (const bad of BAD_TRACES) {
    it(`${bad.name}: trace, trace diff and replay answer briefly`, async () => {
      const file = traces.get(bad.name)!;
      const line = bad.positioned ? new RegExp(`${escape(bad.name)}:\\d+: `) : null;
      const output = await expectBounded('trace', ['trace', bad.name], file, bad.exits.trace, line);
      await expectBounded('trace diff', ['trace', 'diff', bad.name, path.basename(goodTrace)], file, bad.exits.diff, line);
      await expectBounded('replay', ['replay', bad.name, '--timeout', '5'], file, bad.exits.replay, null);
      expect(output.split('\n').filter((l) => l.startsWith(`${bad.name}:`)).length).toBeLessThanOrEqual(12);
      if (bad.name.startsWith('unknown-version')) expect(output).toMatch(/unknown trace format version "switchboard.trace\/v9"/);
      if (bad.name.startsWith('wrong-types')) expect(output).toMatch(/… and \d+ more bad lines/);
    });

    it(`${bad.name}: the host's trace.import refuses it briefly and keeps nothing`, async () => {
      const file = traces.get(bad.name)!;
      const before = fingerprint(file);
      const runsBefore = await host.handlers['trace.listRuns'](undefined);
      const started = performance.now();
      const error = await host.handlers['trace.import']({ path: file }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RpcError);
      expect((error as RpcError).code).toBe('invalid_input');
      expect((error as RpcError).message.length).toBeLessThanOrEqual(1024);
      expect((error as RpcError).message).toMatch(new RegExp(`${escape(bad.name)} line \\d+: .*Nothing was imported`));
      note('trace.import', bad.name, (error as RpcError).message.length, performance.now() - started);
      expect(await host.handlers['trace.listRuns'](undefined)).toEqual(runsBefore);
      expect(fingerprint(file)).toBe(before);
    });
  }

  it('noise sent as text (the browser picked the file) is refused as briefly', async () => {
    const text = readFileSync(traces.get('noise-10mb.ndjson')!, 'latin1');
    const error = await host.handlers['trace.import']({ text, name: 'picked.ndjson' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect((error as RpcError).message.length).toBeLessThanOrEqual(1024);
    expect((error as RpcError).message).toMatch(/^picked\.ndjson line 1: not JSON/);
  });
});
