/**
 * Why a line of an NDJSON trace file is refused, in the words every reader uses (the `trace` and
 * `trace diff` commands, `replay`, the app's import): bounded in length however long the line, with
 * the bytes of noise shown as '�' rather than sent to a terminal, and an unknown format version
 * named as such.
 */
import { clipLine } from '../topology/format-problems.js';
import { TRACE_FORMAT, TraceHeaderSchema, type TraceHeader } from './record.js';

/** Issues listed per line before "…". */
const MAX_ISSUES = 3;

/** The line's JSON or why it is not JSON (the parser's words, cut). */
export function parseTraceLine(line: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  try {
    return { ok: true, value: JSON.parse(line) as unknown };
  } catch (error) {
    return { ok: false, problem: `not JSON (${clipLine((error as Error).message, 120)})` };
  }
}

/** The header, or why the first line's JSON is not one this Switchboard reads. */
export function checkTraceHeader(raw: unknown): { ok: true; header: TraceHeader } | { ok: false; problem: string } {
  const parsed = TraceHeaderSchema.safeParse(raw);
  if (parsed.success) return { ok: true, header: parsed.data };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, problem: `not a ${TRACE_FORMAT} header (a JSON object)` };
  if ('seq' in raw && 'kind' in raw) return { ok: false, problem: 'a record where the header belongs' };
  const format = (raw as { format?: unknown }).format;
  if (typeof format === 'string' && format !== TRACE_FORMAT) {
    const name = clipLine(JSON.stringify(format), 80);
    return {
      ok: false,
      problem: format.startsWith('switchboard.trace/') ? `unknown trace format version ${name}: this Switchboard reads ${TRACE_FORMAT}` : `not a Switchboard trace (format ${name})`,
    };
  }
  return { ok: false, problem: `not a ${TRACE_FORMAT} header (${issuesText(parsed.error.issues)})` };
}

/** A schema's issues as one short line: the first few, by path. */
export function issuesText(list: readonly { path: PropertyKey[]; message: string }[], empty = 'record'): string {
  const shown = list.slice(0, MAX_ISSUES).map((issue) => `${issue.path.map(String).join('.') || empty}: ${issue.message}`);
  return clipLine(list.length > MAX_ISSUES ? `${shown.join('; ')}; …` : shown.join('; '));
}
