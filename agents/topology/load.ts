/**
 * Reading a topology file: YAML or JSON (one parser, so both get line and column in errors),
 * migrated from older versions, refused read-only when newer, checked against the schema and the
 * semantic rules. Never throws on bad input: every problem is returned with where it is.
 */
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { type z } from 'zod';
import { checkVersion, migrate } from './migrations.js';
import { API_VERSION, TopologySchema, type Topology } from './schema.js';
import { clipLine } from './format-problems.js';
import { MAX_KEPT_PROBLEMS, nestingProblem, positionAt, textRefusal } from './text-limits.js';
import { validateTopology, type Problem } from './validate.js';

export type { Problem } from './validate.js';
/** Formatting lives in its own module; loaders' callers import it from here too. */
export { formatProblems } from './format-problems.js';

/** What loading produced. `topology` is set when the file is usable (warnings allowed). */
export interface LoadResult {
  topology: Topology | null;
  /** The schema-valid topology even when it has semantic errors (the designer opens it to fix them). */
  parsed: Topology | null;
  /** The first {@link MAX_KEPT_PROBLEMS} problems, in file order; each message one line of bounded width. */
  problems: Problem[];
  /** Problems found beyond those kept (a file of noise has thousands). */
  omitted: number;
  /** True when the text was refused unread (far too big, or not text): there is nothing to show or fix. */
  refused: boolean;
  /** The file's format, by its name or its first character. */
  format: 'yaml' | 'json';
  /** True for files of a newer apiVersion: show them, never overwrite them. */
  readOnly: boolean;
  /** Migration steps applied (the file is saved in the current version). */
  migrated: string[];
}

/** Loads topology text; `fileName` picks the format by extension when it has one. */
export function loadTopology(text: string, fileName = ''): LoadResult {
  const format: LoadResult['format'] = /\.json$/i.test(fileName) || (!/\.ya?ml$/i.test(fileName) && text.trimStart().startsWith('{')) ? 'json' : 'yaml';
  const syntax = format === 'json' ? 'JSON' : 'YAML';
  const result: Result = (found, more = {}) => ({
    topology: null,
    parsed: more.topology ?? null,
    refused: false,
    readOnly: false,
    migrated: [],
    ...more,
    // Bounded here, once, so the app's list, `validate --json` and every message stay small.
    problems: found.slice(0, MAX_KEPT_PROBLEMS).map((p) => ({ ...p, message: clipLine(p.message) })),
    omitted: Math.max(0, found.length - MAX_KEPT_PROBLEMS),
    format,
  });

  const refusal = textRefusal(text);
  if (refusal) return result([refusal], { refused: true });
  const deep = nestingProblem(text);
  if (deep) return result([{ ...deep, message: `${syntax}: ${deep.message}` }]);
  try {
    return loadText(text, syntax, result);
  } catch (error) {
    // Input the parser or a recursive step cannot take (an alias bomb, nesting deeper than the stack).
    return result([unreadableProblem(error, syntax, text)]);
  }
}

type Result = (found: Problem[], more?: Partial<Omit<LoadResult, 'problems' | 'omitted' | 'format'>>) => LoadResult;

/** Parses, migrates and checks text that passed the refusals; may throw on pathological input. */
function loadText(text: string, syntax: string, result: Result): LoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return result(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { severity: 'error', path: [], message: `${syntax} syntax: ${syntaxMessage(e.message)}`, line: pos.line, column: pos.col };
      }),
    );
  }
  // The yaml default, stated: an alias bomb ("billion laughs") stops here instead of filling memory.
  const raw: unknown = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return result([{ severity: 'error', path: [], message: 'A topology file is a mapping with apiVersion, kind, metadata and spec.', line: 1, column: 1 }]);
  }
  const version = checkVersion((raw as Record<string, unknown>)['apiVersion']);
  const at = (path: (string | number)[]) => positionOf(doc, lineCounter, path);
  if (version.status === 'newer') {
    return result(
      [{ severity: 'error', path: ['apiVersion'], ...at(['apiVersion']), message: `This file was written by a newer Switchboard (apiVersion ${version.version}); this one reads up to ${API_VERSION}. It is opened read-only and will not be overwritten.` }],
      { readOnly: true },
    );
  }
  if (version.status === 'unknown') {
    return result([{ severity: 'error', path: ['apiVersion'], ...at(['apiVersion']), message: `Unknown apiVersion ${quoted(version.version)}; expected ${API_VERSION}.` }]);
  }
  const { doc: current, steps } = version.status === 'older' ? migrate(raw as Record<string, unknown>) : { doc: raw as Record<string, unknown>, steps: [] };

  const parsed = TopologySchema.safeParse(current);
  if (!parsed.success) {
    // Positions refer to the file as written; after a migration, paths may not exist there.
    return result(
      parsed.error.issues.map((issue) => fromIssue(issue, steps.length ? () => ({}) : at)),
      { migrated: steps },
    );
  }
  const problems = validateTopology(parsed.data)
    .map((p) => ({ ...p, ...(steps.length ? {} : at(p.path)) }))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  const usable = !problems.some((p) => p.severity === 'error');
  return result(problems, { topology: usable ? parsed.data : null, parsed: parsed.data, migrated: steps });
}

/** Aliases a file may resolve (yaml's own default): topologies use a handful, a bomb needs thousands. */
const MAX_ALIAS_COUNT = 100;

/** Why the parser or the conversion gave up, as one problem: an alias bomb or nesting too deep for the stack. */
function unreadableProblem(error: unknown, syntax: string, text: string): Problem {
  const message = error instanceof Error ? error.message : String(error);
  if (/Excessive alias count/.test(message)) {
    const alias = /(?:^|[\s[{,:-])\*[^\s,\]}]+/m.exec(text);
    return {
      severity: 'error',
      path: [],
      message: `${syntax}: too many aliases (*name) expand to too much data (over ${MAX_ALIAS_COUNT}), as in an alias bomb ("billion laughs"); the file is refused.`,
      ...(alias ? positionAt(text, alias.index + alias[0].indexOf('*')) : {}),
    };
  }
  return { severity: 'error', path: [], message: `${syntax}: ${syntaxMessage(message)}` };
}

/** The parser's message, with the stack overflow of very deep nesting said as what it is. */
function syntaxMessage(message: string): string {
  if (/call stack|too much recursion/i.test(message)) return 'nested too deeply to read (thousands of levels of [ ], { } or indentation); a topology is a few levels deep.';
  // The parser quotes the token it stopped at, which in noise runs for kilobytes.
  return firstLine(message).slice(0, 4096).replace(/"((?:[^"\\]|\\.){40})(?:[^"\\]|\\.)+"/g, '"$1…"');
}

/** A value quoted for a message, cut when long (a 1 MB apiVersion is still one line). */
const quoted = (value: unknown) => clipLine(JSON.stringify(value) ?? String(value), 80);

function fromIssue(issue: z.core.$ZodIssue, at: (path: (string | number)[]) => { line?: number; column?: number }): Problem {
  const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') message = `Unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}.`;
  else if (issue.code === 'invalid_type' && issue.input === undefined) message = `Missing required field "${String(path.at(-1))}".`;
  const target = issue.code === 'unrecognized_keys' && issue.keys[0] ? [...path, issue.keys[0]] : path;
  return { severity: 'error', path, message, ...at(target) };
}

/** Line and column of the deepest node that exists along `path`. */
function positionOf(doc: Document, lineCounter: LineCounter, path: (string | number)[]): { line?: number; column?: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) {
      const pos = lineCounter.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return {};
}

const firstLine = (text: string) => text.split('\n')[0] ?? text;
