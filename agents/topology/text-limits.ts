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
