// Errors about a user's file stay short whatever the file: the formatter lists a few problems and
// counts the rest, cuts messages and excerpts around the column, shows control bytes as '�'; the
// loader refuses text that cannot be a topology, keeps a bounded list, and names alias bombs and
// nesting too deep; the byte reader refuses big, binary and non-UTF-8 files with a position; trace
// lines are refused in few words.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipLine, excerpt, formatProblems, MAX_LISTED_PROBLEMS } from '../../agents/topology/format-problems.js';
import { loadTopology } from '../../agents/topology/load.js';
import { formatBytes, MAX_KEPT_PROBLEMS, MAX_TOPOLOGY_BYTES, nestingProblem, positionAt, textRefusal } from '../../agents/topology/text-limits.js';
import type { Problem } from '../../agents/topology/validate.js';
import { checkTraceHeader, issuesText, parseTraceLine } from '../../agents/trace/line-problems.js';
import { firstInvalidUtf8, readTextFile, type TextFileError } from '../../main/host/read-text-file.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

const problem = (line: number, message = `problem on line ${line}`): Problem => ({ severity: 'error', path: ['spec', 'agents', line], message, line, column: 3 });

describe('formatProblems', () => {
  it('lists the first few as FILE:LINE:COL: severity: message (at path), then counts the rest', () => {
    const problems = Array.from({ length: 30 }, (_, i) => problem(i + 1));
    const text = formatProblems(problems, 'x.yaml', { omitted: 100 });
    const lines = text.split('\n');
    expect(lines).toHaveLength(MAX_LISTED_PROBLEMS + 1);
    expect(lines[0]).toBe('x.yaml:1:3: error: problem on line 1 (at spec.agents.1)');
    expect(lines.at(-1)).toBe('x.yaml: … and 120 more problems not shown.');
  });

  it('says FILE alone when there is no position, and nothing more when all are shown', () => {
    expect(formatProblems([{ severity: 'warning', path: [], message: 'too big' }], 'x.yaml')).toBe('x.yaml: warning: too big');
    expect(formatProblems([], 'x.yaml')).toBe('');
  });

  it('cuts a 1 MB message to one short line', () => {
    const text = formatProblems([problem(1, `${'x'.repeat(1_000_000)}\nsecond line`)], 'x.yaml');
    expect(text.length).toBeLessThan(400);
    expect(text).toContain('…');
    expect(text).not.toContain('second line');
  });

  it('adds an excerpt of the line, cut around the column, with a caret under it', () => {
    const line = `${'a'.repeat(500)}X${'b'.repeat(500)}`;
    const [shown, caret] = excerpt(`first\n${line}\nthird`, 2, 501);
    expect(shown!.length).toBeLessThanOrEqual(6 + 80 + 2);
    expect(shown).toMatch(/^ {4}\| …a+Xb+…$/);
    expect(shown![caret!.indexOf('^')]).toBe('X');
    expect(formatProblems([{ ...problem(2), column: 501 }], 'x.yaml', { text: `first\n${line}` }).split('\n')).toHaveLength(3);
  });

  it('excerpts a short line whole and the caret at its column; a line that does not exist gives none', () => {
    expect(excerpt('key: [1, 2\n', 1, 6)).toEqual(['    | key: [1, 2', '    |      ^']);
    expect(excerpt('one line', 5, 1)).toEqual([]);
  });
});

describe('clipLine', () => {
  it('shows control characters and invalid UTF-8 as � and keeps tabs as spaces', () => {
    expect(clipLine('a\u0000b\u001bc\ufffd\td')).toBe('a�b�c� d');
  });

  it('marks a cut line and a dropped rest with …', () => {
    expect(clipLine('abcdef', 4)).toBe('abc…');
    expect(clipLine('first\nsecond')).toBe('first …');
  });
});

describe('text limits', () => {
  it('refuses text over the limit with its size, and NUL bytes with their position', () => {
    expect(textRefusal('x'.repeat(MAX_TOPOLOGY_BYTES + 1))?.message).toMatch(/^The file is 5\.0 MiB, too big for a topology \(at most 5 MiB\)/);
    expect(textRefusal('ok', 10 * 1024 * 1024)?.message).toMatch(/10 MiB/);
    expect(textRefusal('a: 1\nb: \u0000')).toMatchObject({ line: 2, column: 4, message: expect.stringMatching(/^Not a text file/) });
    expect(textRefusal('a: 1\n')).toBeNull();
  });

  it('counts lines and columns in text and in bytes', () => {
    expect(positionAt('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    expect(positionAt(Buffer.from('ab\ncd'), 0)).toEqual({ line: 1, column: 1 });
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(1536)).toBe('1.5 KiB');
  });
});

describe('loadTopology on hostile text', () => {
  it('refuses binary and oversize text unread', () => {
    const binary = loadTopology('apiVersion: x\n\u0000\u0001', 'x.yaml');
    expect(binary).toMatchObject({ refused: true, topology: null, problems: [{ line: 2, column: 1 }] });
    expect(loadTopology(' '.repeat(MAX_TOPOLOGY_BYTES + 1), 'x.yaml').refused).toBe(true);
  });

  it('keeps at most MAX_KEPT_PROBLEMS of thousands of syntax errors, each one short, and counts the rest', () => {
    const text = Array.from({ length: 3000 }, (_, i) => `key_${i}: a: b`).join('\n');
    const result = loadTopology(text, 'many.yaml');
    expect(result.topology).toBeNull();
    expect(result.problems).toHaveLength(MAX_KEPT_PROBLEMS);
    expect(result.omitted).toBeGreaterThan(500);
    const shown = formatProblems(result.problems, 'many.yaml', { text, omitted: result.omitted });
    expect(shown.split('\n')).toHaveLength(MAX_LISTED_PROBLEMS * 3 + 1);
    expect(shown).toMatch(/many\.yaml: … and \d{3,} more problems not shown\.$/);
  });

  it('answers random printable noise briefly, whatever the parser makes of it', () => {
    for (let round = 0; round < 3; round++) {
      const noise = Array.from(randomBytes(200_000), (b) => (b % 40 === 0 ? '\n' : String.fromCharCode(33 + (b % 90)))).join('');
      const result = loadTopology(noise, 'noise.yaml');
      expect(result.topology).toBeNull();
      expect(result.problems.length).toBeGreaterThan(0);
      expect(result.problems.length).toBeLessThanOrEqual(MAX_KEPT_PROBLEMS);
      for (const p of result.problems) expect(p.message.length).toBeLessThanOrEqual(240);
      expect(formatProblems(result.problems, 'noise.yaml', { text: noise, omitted: result.omitted }).length).toBeLessThan(4096);
    }
  });

  it('names an alias bomb, with the position of its first alias', () => {
    const levels = Array.from({ length: 9 }, (_, i) => `  l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(', ')}]`);
    const bomb = ['apiVersion: switchboard.dev/v1', 'kind: Topology', 'bomb:', '  l0: &l0 [lol, lol]', ...levels].join('\n');
    const result = loadTopology(bomb, 'bomb.yaml');
    expect(result.problems).toEqual([expect.objectContaining({ line: 5, message: expect.stringMatching(/too many aliases.*alias bomb/) })]);
  });

  it('answers nesting thousands deep (flow YAML, JSON, compact and indented blocks) with one problem before parsing', () => {
    // The parser is never reached: near the stack's end V8 can die compiling a regular expression.
    for (const [text, name, line] of [
      [`${'['.repeat(10_000)}${']'.repeat(10_000)}`, 'deep.yaml', 1],
      [`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`, 'deep.json', 1],
      [`a:\n  ${'- '.repeat(10_000)}x\n`, 'compact.yaml', 2],
      [Array.from({ length: 600 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n'), 'indented.yaml', 402],
    ] as const) {
      const result = loadTopology(text, name);
      expect(result.topology, name).toBeNull();
      expect(result.problems, name).toEqual([expect.objectContaining({ line, message: expect.stringMatching(/Nested too deeply: more than 200 levels/) })]);
    }
  });

  it('counts no nesting inside quotes, comments or words, so real files pass', () => {
    const brackets = '['.repeat(300);
    const text = `a: "${brackets}"\nb: '${brackets}'\n# ${brackets}\nc: don't ${brackets}\ne: see [1] and {{date}}\nf: {{date}} now\nd: [x, {y: [1, 2]}]\n`;
    expect(nestingProblem(text)).toBeNull();
    expect(nestingProblem(`d: [don't, ${brackets}`)).not.toBeNull();
  });

  it('says what an empty file and an unknown apiVersion are, with positions', () => {
    expect(loadTopology('', 'empty.yaml').problems).toEqual([expect.objectContaining({ line: 1, column: 1, message: expect.stringMatching(/mapping with apiVersion/) })]);
    const unknown = loadTopology(`apiVersion: ${'v'.repeat(10_000)}\nkind: Topology\n`, 'x.yaml');
    expect(unknown.problems[0]).toMatchObject({ line: 1, column: 13 });
    expect(unknown.problems[0]!.message.length).toBeLessThan(200);
  });
});

describe('readTextFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeTempDir('read-text');
  });
  afterAll(async () => {
    await removeTempDir(dir);
  });
  const write = (name: string, bytes: Buffer | string) => {
    const file = path.join(dir, name);
    writeFileSync(file, bytes);
    return file;
  };
  const refusal = async (file: string, max?: number) => ((await readTextFile(file, max).catch((e: unknown) => e)) as TextFileError).problem;

  it('reads UTF-8 text (without its BOM)', async () => {
    expect(await readTextFile(write('ok.yaml', '\ufeffname: é\n'))).toBe('name: é\n');
  });

  it('refuses a file over the limit before reading it, NUL bytes and invalid UTF-8 with their line and column', async () => {
    expect(await refusal(write('big.yaml', Buffer.alloc(2048, 32)), 1024)).toMatchObject({ message: expect.stringMatching(/^The file is 2 KiB, too big/) });
    expect(await readTextFile(write('small.yaml', Buffer.alloc(1024, 32)), 1024)).toHaveLength(1024);
    expect(await refusal(write('nul.yaml', Buffer.from('a: 1\nb: \u0000')))).toMatchObject({ line: 2, column: 4, message: expect.stringMatching(/^Not a text file/) });
    expect(await refusal(write('latin1.yaml', Buffer.from('a: 1\nname: caf\xe9\n', 'latin1')))).toMatchObject({ line: 2, column: 10, message: expect.stringMatching(/^Not UTF-8/) });
  });

  it('gives errno codes for files it cannot read', async () => {
    const missing = (await readTextFile(path.join(dir, 'none.yaml')).catch((e: unknown) => e)) as TextFileError;
    expect(missing).toMatchObject({ problem: null, code: 'ENOENT' });
    expect(await readTextFile(dir).catch((e: unknown) => e)).toMatchObject({ code: 'EISDIR' });
  });

  it('finds the first byte that is not UTF-8', () => {
    expect(firstInvalidUtf8(Buffer.from('héllo'))).toBe(6);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc3]))).toBe(1); // cut sequence
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0x80]))).toBe(1); // overlong
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0); // a surrogate
    expect(firstInvalidUtf8(Buffer.from('😀'))).toBe(4);
  });
});

describe('trace line problems', () => {
  it('cuts the JSON error of a noise line and shows its bytes as �', () => {
    const line = parseTraceLine(`\u0001\u0002${'x'.repeat(100_000)}`);
    expect(line.ok).toBe(false);
    if (!line.ok) {
      expect(line.problem.length).toBeLessThan(160);
      expect(line.problem).not.toMatch(/[\u0000-\u0008]/); // eslint-disable-line no-control-regex -- control characters are what must not appear
    }
  });

  it('names an unknown format version, another format, a record in the header place', () => {
    expect(checkTraceHeader({ format: 'switchboard.trace/v9', run: 'r', startedAt: 't' })).toEqual({ ok: false, problem: 'unknown trace format version "switchboard.trace/v9": this Switchboard reads switchboard.trace/v1' });
    expect(checkTraceHeader({ format: 'otlp' })).toMatchObject({ problem: 'not a Switchboard trace (format "otlp")' });
    expect(checkTraceHeader({ seq: 1, kind: 'message' })).toMatchObject({ problem: 'a record where the header belongs' });
    expect(checkTraceHeader([1, 2])).toMatchObject({ ok: false });
    expect(checkTraceHeader({ format: 'switchboard.trace/v1', run: 'r', startedAt: 't' })).toMatchObject({ ok: true });
  });

  it('lists three issues at most, in one bounded line', () => {
    const issues = Array.from({ length: 50 }, (_, i) => ({ path: ['field', i], message: 'Invalid input: expected string, received number'.repeat(3) }));
    const text = issuesText(issues);
    expect(text.length).toBeLessThanOrEqual(240);
    expect(text.match(/field\.\d+/g)!.length).toBeLessThanOrEqual(3);
  });
});
