/**
 * Reading a topology file: YAML or JSON (one parser, so both get line and column in errors),
 * migrated from older versions, refused read-only when newer, checked against the schema and the
 * semantic rules. Never throws on bad input: every problem is returned with where it is.
 */
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { type z } from 'zod';
import { checkVersion, migrate } from './migrations.js';
import { API_VERSION, TopologySchema, type Topology } from './schema.js';
import { validateTopology, type Problem } from './validate.js';

export type { Problem } from './validate.js';

/** What loading produced. `topology` is set when the file is usable (warnings allowed). */
export interface LoadResult {
  topology: Topology | null;
  /** The schema-valid topology even when it has semantic errors (the designer opens it to fix them). */
  parsed: Topology | null;
  problems: Problem[];
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
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const result = (problems: Problem[], topology: Topology | null = null, readOnly = false, migrated: string[] = [], parsed: Topology | null = topology): LoadResult => ({
    topology,
    parsed,
    problems,
    format,
    readOnly,
    migrated,
  });

  if (doc.errors.length > 0) {
    return result(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { severity: 'error', path: [], message: `${format === 'json' ? 'JSON' : 'YAML'} syntax: ${firstLine(e.message)}`, line: pos.line, column: pos.col };
      }),
    );
  }
  const raw: unknown = doc.toJS();
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return result([{ severity: 'error', path: [], message: 'A topology file is a mapping with apiVersion, kind, metadata and spec.', line: 1, column: 1 }]);
  }
  const version = checkVersion((raw as Record<string, unknown>)['apiVersion']);
  const at = (path: (string | number)[]) => positionOf(doc, lineCounter, path);
  if (version.status === 'newer') {
    return result(
      [{ severity: 'error', path: ['apiVersion'], ...at(['apiVersion']), message: `This file was written by a newer Switchboard (apiVersion ${version.version}); this one reads up to ${API_VERSION}. It is opened read-only and will not be overwritten.` }],
      null,
      true,
    );
  }
  if (version.status === 'unknown') {
    return result([{ severity: 'error', path: ['apiVersion'], ...at(['apiVersion']), message: `Unknown apiVersion ${JSON.stringify(version.version)}; expected ${API_VERSION}.` }]);
  }
  const { doc: current, steps } = version.status === 'older' ? migrate(raw as Record<string, unknown>) : { doc: raw as Record<string, unknown>, steps: [] };

  const parsed = TopologySchema.safeParse(current);
  if (!parsed.success) {
    // Positions refer to the file as written; after a migration, paths may not exist there.
    return result(parsed.error.issues.map((issue) => fromIssue(issue, steps.length ? () => ({}) : at)), null, false, steps);
  }
  const problems = validateTopology(parsed.data)
    .map((p) => ({ ...p, ...(steps.length ? {} : at(p.path)) }))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  const usable = !problems.some((p) => p.severity === 'error');
  return result(problems, usable ? parsed.data : null, false, steps, parsed.data);
}

/** Formats problems the way compilers do: `file:line:col: error: message (at path)`. */
export function formatProblems(problems: readonly Problem[], fileName: string): string {
  return problems
    .map((p) => {
      const where = p.line !== undefined ? `${fileName}:${p.line}:${p.column ?? 1}` : fileName;
      const path = p.path.length ? ` (at ${p.path.join('.')})` : '';
      return `${where}: ${p.severity}: ${p.message}${path}`;
    })
    .join('\n');
}

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
