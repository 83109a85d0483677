/**
 * Problems as text, the one way every reader of a user's file words them (CLI, host, app): at most
 * a few listed (then "and N more"), each message one line of bounded width with control bytes made
 * visible, FILE:LINE:COL kept, and an excerpt of the line cut around the column. A file of noise
 * thus gets a few hundred bytes of answer, not megabytes of itself.
 */
import type { Problem } from './validate.js';

/** Problems a formatted list shows before "and N more". */
export const MAX_LISTED_PROBLEMS = 10;
/** Characters of one message, excerpt or quoted value before it is cut. */
export const MAX_MESSAGE_CHARS = 240;
/** Characters of source an excerpt shows around its column. */
export const EXCERPT_CHARS = 80;

/** Options of {@link formatProblems}. */
export interface FormatOptions {
  /** The file's text: each listed problem with a line gets an excerpt and a caret. */
  text?: string;
  /** Problems beyond `problems` that the reader counted but did not keep. */
  omitted?: number;
  /** How many to list (default {@link MAX_LISTED_PROBLEMS}). */
  max?: number;
}

/** Formats problems the way compilers do: `file:line:col: error: message (at path)`, a few at most. */
export function formatProblems(problems: readonly Problem[], fileName: string, options: FormatOptions = {}): string {
  const max = options.max ?? MAX_LISTED_PROBLEMS;
  const lines: string[] = [];
  for (const p of problems.slice(0, max)) {
    const where = p.line !== undefined ? `${fileName}:${p.line}:${p.column ?? 1}` : fileName;
    const path = p.path.length ? ` (at ${clipLine(p.path.join('.'), 80)})` : '';
    lines.push(`${where}: ${p.severity}: ${clipLine(p.message)}${path}`);
    if (options.text !== undefined && p.line !== undefined) lines.push(...excerpt(options.text, p.line, p.column ?? 1));
  }
  const more = Math.max(0, problems.length - max) + (options.omitted ?? 0);
  if (more > 0) lines.push(`${fileName}: … and ${more} more problem${more === 1 ? '' : 's'} not shown.`);
  return lines.join('\n');
}

/**
 * One line of at most `max` characters: the first line only, control characters and invalid
 * UTF-8 shown as '�' (noise must not drive the terminal), and '…' where it was cut.
 */
export function clipLine(text: string, max = MAX_MESSAGE_CHARS): string {
  const newline = text.search(/[\r\n]/);
  const first = newline === -1 ? text : text.slice(0, newline);
  // Cut before cleaning: the cleaning is then linear in `max`, not in a 10 MB line.
  const cut = first.length > max ? `${visible(first.slice(0, max - 1))}…` : visible(first);
  return newline === -1 || cut.endsWith('…') ? cut : `${cut} …`;
}

/**
 * The source line `line` (1-based) cut to {@link EXCERPT_CHARS} around `column`, and a caret under
 * the column; empty when the line does not exist.
 */
export function excerpt(text: string, line: number, column: number): string[] {
  const source = lineOf(text, line);
  if (source === null) return [];
  const half = Math.floor(EXCERPT_CHARS / 2);
  const start = Math.max(0, Math.min(column - 1 - half, source.length - EXCERPT_CHARS));
  const end = Math.min(source.length, start + EXCERPT_CHARS);
  const shown = `${start > 0 ? '…' : ''}${visible(source.slice(start, end))}${end < source.length ? '…' : ''}`;
  const caret = Math.max(0, column - 1 - start) + (start > 0 ? 1 : 0);
  return [`    | ${shown}`, `    | ${' '.repeat(Math.min(caret, shown.length))}^`];
}

/** Line `line` (1-based) of `text` without its newline, or null; reads no further than that line. */
function lineOf(text: string, line: number): string | null {
  let start = 0;
  for (let n = 1; n < line; n++) {
    const next = text.indexOf('\n', start);
    if (next === -1) return null;
    start = next + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end === -1 ? text.length : end).replace(/\r$/, '');
}

// C0 and C1 controls (a tab becomes a space: it keeps the caret's column), DEL, and the replacement character.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const visible = (text: string) => text.replace(/\t/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, '�');
