/**
 * Opening a run that was written before: every segment is scanned to rebuild the index, and a
 * torn or corrupt tail (what a crash mid-write leaves) is cut off, so appending can go on after
 * the last whole record. The store then replays the recorder's journal (trace-store.ts).
 */
import { closeSync, fsyncSync, ftruncateSync, openSync, unlinkSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { TraceHeaderSchema, type TraceHeader } from '../../../agents/trace/record.js';
import type { ReplyIndex } from '../../../agents/trace/reply-index.js';
import { checkpoint, type LongWork } from './long-work.js';
import { RunIndex } from './run-index.js';
import type { WritePosition } from './segment-writer.js';
import { safeJson, scanLines, segmentName, segmentNumbers } from './segments.js';
import { fieldsOfRecord, indexFieldsOf, isoMs } from './trace-index.js';

/** A run read back from disk, ready to append to. */
export interface RecoveredRun {
  header: TraceHeader;
  index: RunIndex;
  replies: ReplyIndex;
  /** The last segment, opened for writing after its last whole record. */
  where: WritePosition;
  /** Mono time of the last record. */
  lastMono: number;
  /** Bytes cut off (a torn tail); 0 for a clean run. */
  cutBytes: number;
}

/**
 * Scans the run in `dir`, rebuilding its index and cutting off a torn tail; `work` hears the bytes
 * scanned and may cancel (before anything on disk is changed).
 */
export async function recoverRun(dir: string, limits: { maxSubjects: number; maxSubjectGroups: number }, work?: LongWork): Promise<RecoveredRun> {
  const numbers = await segmentNumbers(dir);
  const sizes = work ? await Promise.all(numbers.map(async (n) => (await stat(path.join(dir, segmentName(n)))).size)) : [];
  const total = sizes.reduce((a, b) => a + b, 0);
  let before = 0; // bytes of the segments already scanned
  const index = new RunIndex(limits.maxSubjects, limits.maxSubjectGroups);
  // Assigned inside the scan callbacks, hence a holder (TypeScript does not track closures).
  const state: { header: TraceHeader | null } = { header: null };
  let lastMono = 0;
  for (const n of numbers) {
    const file = path.join(dir, segmentName(n));
    let problem: string | null = null;
    let records = 0;
    let reached = 0;
    const scanned = await scanLines(file, false, (line, offset, bytes) => {
      reached = offset + bytes + 1; // with its newline
      if (!state.header) {
        const parsed = TraceHeaderSchema.safeParse(safeJson(line));
        if (!parsed.success) return ((problem = 'the first line is not a trace header'), false);
        state.header = parsed.data;
        return true;
      }
      const expected = index.count + 1;
      const f = indexFieldsOf(line) ?? fieldsOfRecord(safeJson(line));
      if (!f || f.seq !== expected) return ((problem = `the line at byte ${offset} is not record ${expected}`), false);
      index.add(n, offset, bytes, f.kind, isoMs(f.time), f.subject, f.agents[0] ?? null, f.agents[1] ?? null, f.type, f.facts);
      lastMono = f.mono;
      records++;
      return true;
    }, work && (async () => checkpoint(work, before + reached, total, 'opening the run')));
    before += sizes[n - 1] ?? 0;
    const header = state.header as TraceHeader | null;
    if (!header) throw new Error(`${file}: no trace header (the run was never written).`);
    if (n < numbers.length && !problem) continue;
    // The first bad line ends the run: a crash can only tear what was being written last
    // (with the writer far behind, the end of one segment and the start of the next).
    const later = numbers.slice(numbers.indexOf(n) + 1).map((m) => path.join(dir, segmentName(m)));
    let cutBytes = scanned.size - scanned.end;
    for (const extra of later) {
      cutBytes += (await stat(extra)).size;
      unlinkSync(extra);
    }
    if (scanned.size > scanned.end) {
      const fd = openSync(file, 'r+');
      try {
        ftruncateSync(fd, scanned.end);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    const where = { fd: openSync(file, 'r+'), segmentNo: n, segmentBytes: scanned.end, segmentRecords: records, records: index.count };
    return { header, index, replies: index.replies, where, lastMono, cutBytes };
  }
  throw new Error(`${dir}: no trace segments.`); // segmentNumbers never returns none
}
