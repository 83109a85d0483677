/**
 * What is refused before a topology is parsed: a file far bigger than any topology, and one that is
 * not text at all. The loader checks the text it is given; readers of bytes (CLI, host) check the
 * size before reading and the encoding as they decode, with the same messages from here.
 */
import type { Problem } from './validate.js';

/** The largest topology file read (bytes); real ones are kilobytes, 5 MiB leaves room for layouts and prompts. */
export const MAX_TOPOLOGY_BYTES = 5 * 1024 * 1024;
/** Problems a load keeps (the rest are counted in `omitted`): the app lists them, the CLI shows fewer. */
export const MAX_KEPT_PROBLEMS = 50;

/** The refusal for a file of `bytes` bytes, over the limit. */
export function tooBigProblem(bytes: number): Problem {
  return {
    severity: 'error',
    path: [],
    message: `The file is ${formatBytes(bytes)}, too big for a topology (at most ${formatBytes(MAX_TOPOLOGY_BYTES)}): it was not read.`,
  };
}

/** The refusal for binary content: a NUL at `line`:`column`. */
export function notTextProblem(line: number, column: number): Problem {
  return { severity: 'error', path: [], message: 'Not a text file: it holds a NUL byte (binary data?), so it cannot be a topology.', line, column };
}

/** The refusal for bytes that are not UTF-8, at `line`:`column` of the first bad byte. */
export function notUtf8Problem(line: number, column: number): Problem {
  return { severity: 'error', path: [], message: 'Not UTF-8 text: a topology file is UTF-8, and this byte is not (binary data, or another encoding?).', line, column };
}

/** The first reason `text` is not read as a topology at all, or null (`bytes`: its size on disk, when known). */
export function textRefusal(text: string, bytes = text.length): Problem | null {
  if (bytes > MAX_TOPOLOGY_BYTES || text.length > MAX_TOPOLOGY_BYTES) return tooBigProblem(Math.max(bytes, text.length));
  const nul = text.indexOf('\u0000');
  if (nul !== -1) {
    const { line, column } = positionAt(text, nul);
    return notTextProblem(line, column);
  }
  return null;
}

/** Levels of nesting read; a topology has about eight, and the parser's recursion must stay far from the stack's end. */
export const MAX_NESTING = 200;

/**
 * Nesting deeper than {@link MAX_NESTING} ([ ] and { } outside quotes and comments, or indentation
 * and compact "- - -" on one line), found by a linear scan before the recursive parser sees it:
 * near the end of the stack V8 can die compiling a regular expression, which no catch survives.
 */
export function nestingProblem(text: string): Problem | null {
  const deep = (at: number): Problem => ({
    severity: 'error',
    path: [],
    message: `Nested too deeply: more than ${MAX_NESTING} levels of [ ], { } or indentation here; a topology is a few levels deep.`,
    ...positionAt(text, at),
  });
  let flow = 0;
  let lineStart = true;
  let previous = '\n'; // the last character that is not a space or a tab
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (lineStart) {
      // Indentation, then compact block entries ("- - - x"): each may open a level.
      let j = i;
      while (text[j] === ' ') j++;
      while ((text[j] === '-' || text[j] === '?' || text[j] === ':') && text[j + 1] === ' ') {
        j += 2;
        while (text[j] === ' ') j++;
      }
      if (j - i > MAX_NESTING * 2) return deep(i + MAX_NESTING * 2);
      lineStart = false;
    }
    if (c === ' ' || c === '\t') continue;
    if (c === '\n') lineStart = true;
    else if (c === '[' || c === '{') {
      // A bracket opens a collection where a value starts; inside a word or a plain sentence it is text.
      if ((flow === 0 ? '\n:-?' : '[{,:').includes(previous) && ++flow > MAX_NESTING) return deep(i);
    } else if (c === ']' || c === '}') flow = Math.max(0, flow - 1);
    else if ((c === '"' || c === "'") && startsToken(text, i)) i = closingQuote(text, i);
    else if (c === '#' && startsToken(text, i)) {
      const end = text.indexOf('\n', i);
      i = (end === -1 ? text.length : end) - 1; // the newline itself is read next
      continue;
    }
    previous = c;
  }
  return null;
}

/** A quote or '#' starts a quoted scalar or a comment only at a token's start (in "don't" it is text). */
const startsToken = (text: string, at: number) => at === 0 || ' \t\r\n[{,:'.includes(text[at - 1]!);

/** Offset of the quote that closes the one at `open` (a backslash escapes in "…"; '' is a quote in '…' and reads as close and open). */
function closingQuote(text: string, open: number): number {
  const quote = text[open]!;
  for (let i = open + 1; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i++;
    else if (text[i] === quote) return i;
  }
  return text.length;
}

/** 1-based line and column of offset `at` in `text` (or a byte array: columns then count bytes). */
export function positionAt(text: string | Uint8Array, at: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if ((typeof text === 'string' ? text.charCodeAt(i) : text[i]) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: at - lineStart + 1 };
}

/** "10.0 MB", "5 MiB": sizes as a user reads them. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(bytes % 1024 === 0 ? 0 : 1)} KiB`;
  return `${bytes} bytes`;
}
