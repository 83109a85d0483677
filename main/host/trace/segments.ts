/**
 * A run's files on disk: `<root>/<runId>/segment-000001.ndjson`, `segment-000002.ndjson`, … Each
 * line is one record (`JSON.stringify` of a TraceRecord, keys in schema order), except the first
 * line of the first segment, which is the TraceHeader. The concatenated segments are exactly the
 * NDJSON export. Here: naming, line scanning, listing and copying segments.
 */
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { TraceHeaderSchema, type TraceHeader } from '../../../agents/trace/record.js';

/** What a run directory may be called. */
export const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const SEGMENT = /^segment-(\d{6})\.ndjson$/;
/** The byte that ends every stored line. */
export const NEWLINE = 0x0a;
const SCAN_CHUNK = 4 * 1024 * 1024;

/** The file name of segment `n` (1-based). */
export const segmentName = (n: number) => `segment-${String(n).padStart(6, '0')}.ndjson`;

/** The parsed JSON of `text`, or undefined when it is not JSON. */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Calls `onLine` for each newline-terminated line of `file` (and, with `final`, an unterminated
 * last one) with its byte offset and length; stops when it returns false. `between` runs after
 * each chunk (async work without holding the whole file). Returns where complete lines end.
 */
export async function scanLines(
  file: string,
  final: boolean,
  onLine: (text: string, offset: number, bytes: number) => boolean,
  between?: () => Promise<void>,
): Promise<{ end: number; size: number }> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    let buffer = Buffer.allocUnsafe(Math.min(SCAN_CHUNK, Math.max(size, 1)));
    let have = 0; // bytes in buffer
    let base = 0; // file offset of buffer[0]
    for (let position = 0; ; ) {
      if (have === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2); // a line longer than the buffer
        buffer.copy(bigger, 0, 0, have);
        buffer = bigger;
      }
      const { bytesRead } = await fh.read(buffer, have, buffer.length - have, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      have += bytesRead;
      const view = buffer.subarray(0, have);
      let start = 0;
      for (let nl = view.indexOf(NEWLINE, start); nl !== -1; nl = view.indexOf(NEWLINE, start)) {
        if (!onLine(view.toString('utf8', start, nl), base + start, nl - start)) return { end: base + start, size };
        start = nl + 1;
      }
      buffer.copy(buffer, 0, start, have);
      have -= start;
      base += start;
      await between?.();
    }
    if (final && have > 0) {
      if (onLine(buffer.toString('utf8', 0, have), base, have)) return { end: base + have, size };
    }
    return { end: base, size };
  } finally {
    await fh.close();
  }
}

/** The header line of a run's first segment, or null. */
export async function readHeader(file: string): Promise<TraceHeader | null> {
  let header: TraceHeader | null = null;
  await scanLines(file, false, (line) => ((header = TraceHeaderSchema.safeParse(safeJson(line)).data ?? null), false));
  return header;
}

/** The segment numbers of a run, checked to run 1..n without a gap. */
export async function segmentNumbers(dir: string): Promise<number[]> {
  const numbers = (await readdir(dir))
    .map((name) => SEGMENT.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  if (numbers[0] !== 1 || numbers.some((n, i) => n !== i + 1)) throw new Error(`${dir}: trace segments missing or out of order (${numbers.join(', ') || 'none'}).`);
  return numbers;
}

/** Concatenates a run's segments into `out`, up to `end` when given, else leaving out a torn tail. */
export async function copySegments(dir: string, out: string, end?: { segment: number; bytes: number }): Promise<void> {
  const numbers = (await segmentNumbers(dir)).filter((n) => !end || n <= end.segment);
  const target = await open(out, 'w');
  try {
    const buffer = Buffer.allocUnsafe(1024 * 1024);
    for (const n of numbers) {
      const file = path.join(dir, segmentName(n));
      const length = end && n === end.segment ? end.bytes : n === numbers.length ? await completeLength(file) : (await stat(file)).size;
      const source = await open(file, 'r');
      try {
        for (let position = 0; position < length; ) {
          const { bytesRead } = await source.read(buffer, 0, Math.min(buffer.length, length - position), position);
          if (bytesRead === 0) break;
          await target.write(buffer, 0, bytesRead);
          position += bytesRead;
        }
      } finally {
        await source.close();
      }
    }
  } finally {
    await target.close();
  }
}

/** Length of `file` up to and including its last newline. */
async function completeLength(file: string): Promise<number> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const buffer = Buffer.allocUnsafe(64 * 1024);
    for (let end = size; end > 0; ) {
      const start = Math.max(0, end - buffer.length);
      await fh.read(buffer, 0, end - start, start);
      const nl = buffer.subarray(0, end - start).lastIndexOf(NEWLINE);
      if (nl !== -1) return start + nl + 1;
      end = start;
    }
    return 0;
  } finally {
    await fh.close();
  }
}
