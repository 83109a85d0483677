// The bad files of the bad-files fault test: topologies and NDJSON traces that are truncated, of
// the wrong types, of an unknown version, noise, huge, deeply nested, alias bombs, binary, not
// UTF-8 or empty — each with the exit code the CLI documents for it and whether its error has a
// position (FILE:LINE) to show.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FAILURE_EXIT_CODES } from '../../main/host/run-session-failure.js';
import { messageRecord } from '../helpers/trace-events.js';

const MB = 1024 * 1024;
const trio = readFileSync('templates/seed-000-trio.yaml', 'utf8');

/** One bad file and what every reader must say about it. */
export interface BadFile {
  name: string;
  /** validate / run / export exit with this (trace commands: see BadTrace). */
  exit: number;
  /** The error names a line (and for topologies a column): FILE:LINE[:COL] must appear. */
  positioned: boolean;
  /** The host refuses it in file.open (else it opens and the app lists its problems). */
  refusedByHost: boolean;
  bytes: () => Buffer;
}

const invalid = FAILURE_EXIT_CODES.invalid_topology;
const unreadable = FAILURE_EXIT_CODES.unreadable;

/** A valid-looking topology of about `size` bytes whose every agent names an undeclared tool (one problem each). */
function hugeYaml(size: number): Buffer {
  const head = 'apiVersion: switchboard.dev/v1\nkind: Topology\nmetadata:\n  name: huge\nspec:\n  llms:\n    offline:\n      provider: scripted\n  agents:\n';
  const parts = [head];
  let length = head.length;
  for (let i = 0; length < size; i++) {
    const agent = `    - name: agent_${i}\n      llm: offline\n      prompt: "You are agent number ${i}; answer briefly and politely."\n      tools: [send_message, tool_${i}]\n`;
    parts.push(agent);
    length += agent.length;
  }
  return Buffer.from(parts.join(''));
}

/** Nested `depth` levels: YAML flow sequences or JSON objects. */
const nested = (depth: number, json: boolean) => Buffer.from(json ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`);

/** "Billion laughs": ten levels of anchors, each ten aliases of the one before (10^10 leaves if expanded). */
function aliasBomb(): Buffer {
  const lines = ['apiVersion: switchboard.dev/v1', 'kind: Topology', 'metadata:', '  name: lol', 'spec:', '  bomb:'];
  lines.push('    a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]');
  for (let i = 1; i <= 10; i++) lines.push(`    a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** Printable noise with newlines (valid UTF-8, no NUL): it reaches the YAML parser. */
function printableNoise(size: number): Buffer {
  const bytes = randomBytes(size);
  for (let i = 0; i < size; i++) bytes[i] = bytes[i]! % 50 === 0 ? 10 : 32 + (bytes[i]! % 95);
  return bytes;
}

/** The bad topology files. */
export const BAD_TOPOLOGIES: BadFile[] = [
  { name: 'truncated.yaml', exit: invalid, positioned: true, refusedByHost: false, bytes: () => Buffer.from(trio.slice(0, Math.floor(trio.length * 0.6))) },
  {
    name: 'wrong-types.yaml',
    exit: invalid,
    positioned: true,
    refusedByHost: false,
    bytes: () => Buffer.from(trio.replace(/name: seed-000-trio/, 'name: [1, 2]').replace(/maxTurns: \d+/g, 'maxTurns: many').replace(/ {2}agents:/, '  agents: 42\n  unused:')),
  },
  { name: 'unknown-version.yaml', exit: invalid, positioned: true, refusedByHost: false, bytes: () => Buffer.from(trio.replace(/^apiVersion: .*$/m, 'apiVersion: example.com/v7').replace(/^kind: .*$/m, 'kind: Pipeline')) },
  { name: 'unknown-kind.json', exit: invalid, positioned: true, refusedByHost: false, bytes: () => Buffer.from('{"apiVersion": "switchboard.dev/v1", "kind": "Pipeline", "metadata": {"name": 7}, "spec": []}') },
  { name: 'noise-10mb.yaml', exit: unreadable, positioned: false, refusedByHost: true, bytes: () => randomBytes(10 * MB) },
  { name: 'noise-1mb.yaml', exit: unreadable, positioned: true, refusedByHost: true, bytes: () => randomBytes(1 * MB) },
  { name: 'printable-noise-2mb.yaml', exit: invalid, positioned: true, refusedByHost: false, bytes: () => printableNoise(2 * MB) },
  { name: 'huge-10mb.yaml', exit: unreadable, positioned: false, refusedByHost: true, bytes: () => hugeYaml(10 * MB) },
  { name: 'big-1mb.yaml', exit: invalid, positioned: true, refusedByHost: false, bytes: () => hugeYaml(1 * MB) },
  { name: 'deep.yaml', exit: invalid, positioned: true, refusedByHost: false, bytes: () => nested(10_000, false) },
  { name: 'deep.json', exit: invalid, positioned: true, refusedByHost: false, bytes: () => nested(10_000, true) },
  { name: 'alias-bomb.yaml', exit: invalid, positioned: true, refusedByHost: false, bytes: aliasBomb },
  { name: 'nul-bytes.yaml', exit: unreadable, positioned: true, refusedByHost: true, bytes: () => Buffer.from(trio.replace('kind: Topology', 'kind: Topo\u0000\u0000logy')) },
  { name: 'not-utf8.yaml', exit: unreadable, positioned: true, refusedByHost: true, bytes: () => Buffer.concat([Buffer.from(trio.slice(0, 200)), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from(trio.slice(200))]) },
  { name: 'empty.yaml', exit: invalid, positioned: true, refusedByHost: false, bytes: () => Buffer.alloc(0) },
];

/** One bad trace and what `trace`, `trace diff` and `replay` exit with for it. */
export interface BadTrace {
  name: string;
  exits: { trace: number; diff: number; replay: number };
  /** FILE:LINE appears in `trace`'s and `trace diff`'s error. */
  positioned: boolean;
  bytes: () => Buffer;
}

const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const HEADER = { format: 'switchboard.trace/v1', run: 'run-bad', startedAt: new Date(T0).toISOString(), topology: null };

/** A valid trace of `count` message records, as NDJSON lines (header first). */
export function traceLines(count: number): string[] {
  const records = Array.from({ length: count }, (_, i) => messageRecord({ seq: i + 1, time: new Date(T0 + i).toISOString(), mono: i }, 'agents.request.coordinator', JSON.stringify({ n: i })));
  return [HEADER, ...records].map((line) => JSON.stringify(line));
}

/** The bad trace files. */
export const BAD_TRACES: BadTrace[] = [
  {
    name: 'truncated.ndjson',
    exits: { trace: 1, diff: 2, replay: unreadable },
    positioned: true,
    bytes: () => Buffer.from(traceLines(50).join('\n').slice(0, -40)),
  },
  {
    name: 'wrong-types.ndjson',
    exits: { trace: 1, diff: 2, replay: unreadable },
    positioned: true,
    bytes: () => {
      const [header, ...records] = traceLines(5000);
      const wrong = records.map((line) => JSON.stringify({ ...(JSON.parse(line) as object), seq: 'first', size: 'big', subject: 42, payload: 'x'.repeat(2000) }));
      return Buffer.from(`${[header, ...wrong].join('\n')}\n`);
    },
  },
  {
    name: 'unknown-version.ndjson',
    exits: { trace: 1, diff: 2, replay: unreadable },
    positioned: true,
    bytes: () => Buffer.from(`${[JSON.stringify({ ...HEADER, format: 'switchboard.trace/v9' }), ...traceLines(20).slice(1)].join('\n')}\n`),
  },
  { name: 'noise-10mb.ndjson', exits: { trace: 1, diff: 2, replay: unreadable }, positioned: true, bytes: () => randomBytes(10 * MB) },
  { name: 'empty.ndjson', exits: { trace: 1, diff: 2, replay: unreadable }, positioned: true, bytes: () => Buffer.alloc(0) },
];

/** Writes `files` into `dir`; returns their paths by name. */
export function writeBadFiles(dir: string, files: readonly { name: string; bytes: () => Buffer }[]): Map<string, string> {
  const paths = new Map<string, string>();
  for (const file of files) {
    const full = path.join(dir, file.name);
    writeFileSync(full, file.bytes());
    paths.set(file.name, full);
  }
  return paths;
}
