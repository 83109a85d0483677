/**
 * Reads a user's topology file as text for the CLI and the host alike, refusing before parsing
 * what cannot be one: a file over the size limit (not even read), binary content (a NUL byte) and
 * bytes that are not UTF-8, each with FILE:LINE:COL where there is a position.
 */
import { readFile, stat } from 'node:fs/promises';
import { MAX_TOPOLOGY_BYTES, notTextProblem, notUtf8Problem, positionAt, tooBigProblem } from '../../agents/topology/text-limits.js';
import type { Problem } from '../../agents/topology/validate.js';

/** Why a file was not read as text: `problem` for the file's contents, else an errno-style `code` (ENOENT…). */
export class TextFileError extends Error {
  constructor(
    readonly problem: Problem | null,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'TextFileError';
  }
}

/** Reads `file` as UTF-8 text of at most `maxBytes`; throws TextFileError (a BOM is dropped). */
export async function readTextFile(file: string, maxBytes = MAX_TOPOLOGY_BYTES): Promise<string> {
  let bytes: Buffer;
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw Object.assign(new Error('it is a directory'), { code: 'EISDIR' });
    // Before reading: a 2 GB file is refused in a millisecond, not after filling memory.
    if (info.size > maxBytes) return refuse(tooBigProblem(info.size));
    bytes = await readFile(file);
  } catch (error) {
    if (error instanceof TextFileError) throw error;
    throw new TextFileError(null, (error as NodeJS.ErrnoException).code, (error as Error).message);
  }
  // A FIFO or /proc file reports size 0 yet can be long.
  if (bytes.length > maxBytes) return refuse(tooBigProblem(bytes.length));
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    const { line, column } = positionAt(bytes, nul);
    return refuse(notTextProblem(line, column));
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const { line, column } = positionAt(bytes, firstInvalidUtf8(bytes));
    return refuse(notUtf8Problem(line, column));
  }
}

function refuse(problem: Problem): never {
  throw new TextFileError(problem, undefined, problem.message);
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence (the decoder says only that one exists). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    // Overlong three-byte forms, surrogates and code points past U+10FFFF.
    const second = bytes[i + 1]!;
    if ((b === 0xe0 && second < 0xa0) || (b === 0xed && second > 0x9f) || (b === 0xf0 && second < 0x90) || (b === 0xf4 && second > 0x8f)) return i;
    i += length;
  }
  return bytes.length;
}
