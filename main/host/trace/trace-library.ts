/**
 * The runs under one root directory (the app's `<dataDir>/traces`): create, open, list, remove,
 * and NDJSON import and export.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { TRACE_FORMAT, TraceRecordSchema, type TraceHeader, type TraceRecord } from '../../../agents/trace/record.js';
import { checkTraceHeader, issuesText } from '../../../agents/trace/line-problems.js';
import { scrubSpares } from './journal.js';
import { checkpoint, type LongWork } from './long-work.js';
import { copySegments, readHeader, RUN_ID, safeJson, scanLines, segmentName } from './segments.js';
import { openStore, TraceStore, type TraceStoreOptions } from './trace-store.js';

/** One line of an NDJSON import that failed validation. */
export interface ImportProblem {
  /** 1-based line number in the imported file. */
  line: number;
  message: string;
}

/** An import refused because of bad lines; nothing was kept. */
export class TraceImportError extends Error {
  constructor(
    readonly problems: ImportProblem[],
    readonly file: string,
  ) {
    super(`${file}: ${problems.length} bad line(s): ${problems.slice(0, 5).map((p) => `line ${p.line}: ${p.message}`).join('; ')}`);
    this.name = 'TraceImportError';
  }
}

/** The traces directory inside an app data directory. */
export const traceRoot = (dataDir: string): string => path.join(dataDir, 'traces');

/** A fresh run id: sortable by start time, unique enough for one machine. */
function newRunId(prefix = 'run', now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').replace(/\..*$/, '');
  return `${prefix}-${stamp}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The runs under one root directory (the app's `<dataDir>/traces`). */
export class TraceLibrary {
  constructor(readonly root: string) {}

  /** Starts a new run; its id defaults to a fresh one. */
  create(header: Partial<Omit<TraceHeader, 'format'>> = {}, options?: TraceStoreOptions): Promise<TraceStore> {
    const { run = newRunId(), startedAt = new Date().toISOString(), topology = null, ...replay } = header;
    return TraceStore.create(this.root, { format: TRACE_FORMAT, run, startedAt, topology, ...replay }, options);
  }

  /** Opens a run (rebuilding its index, cutting a torn tail); `work` hears the scan's progress and may cancel it. */
  async open(runId: string, options?: TraceStoreOptions, work?: LongWork): Promise<TraceStore> {
    return (await TraceStore.open(this.root, runId, options, work)).store;
  }

  /** Run ids with their headers, oldest first by start time. */
  async list(): Promise<{ runId: string; header: TraceHeader }[]> {
    const names = await readdir(this.root).catch(() => [] as string[]);
    const runs: { runId: string; header: TraceHeader }[] = [];
    for (const runId of names) {
      const header = await readHeader(path.join(this.root, runId, segmentName(1))).catch(() => null);
      if (header) runs.push({ runId, header });
    }
    return runs.sort((a, b) => (a.header.startedAt < b.header.startedAt ? -1 : a.header.startedAt > b.header.startedAt ? 1 : 0));
  }

  /** Deletes a run's directory. */
  async remove(runId: string): Promise<void> {
    if (!RUN_ID.test(runId)) throw new Error(`"${runId}" is not a run id.`);
    const dir = path.join(this.root, runId);
    if (openStore(dir)) throw new Error(`run ${runId} is open; close it first.`);
    await rm(dir, { recursive: true, force: true });
    scrubSpares(this.root); // recycled journal files may still hold this run's traffic
  }

  /**
   * Imports an NDJSON export as a new run (the header keeps its original `run`). Every line is
   * validated; on any bad line nothing is kept and TraceImportError lists them by line number.
   * `work` hears the bytes read and may cancel: then too nothing is kept (WorkCancelled).
   */
  async importNdjson(file: string, options: TraceStoreOptions & { runId?: string } = {}, work?: LongWork): Promise<TraceStore> {
    const runId = options.runId ?? newRunId('import');
    const problems: ImportProblem[] = [];
    const report = (line: number, message: string) => problems.push({ line, message }) < 100;
    // Assigned inside the scan callbacks, hence a holder (TypeScript does not track closures).
    const state: { header: TraceHeader | null; store: TraceStore | null } = { header: null, store: null };
    const valid: TraceRecord[] = [];
    let lineNo = 0;
    let expected = 1;
    let reached = 0;
    const total = work ? (await stat(file)).size : 0;
    const onLine = (text: string, offset: number, bytes: number): boolean => {
      lineNo++;
      reached = offset + bytes + 1; // with its newline
      if (text.trim() === '') return true;
      const raw = safeJson(text);
      if (!state.header) {
        const header = raw === undefined ? null : checkTraceHeader(raw);
        if (header?.ok) state.header = header.header;
        else report(lineNo, header ? `not a trace header: ${header.problem}` : 'not JSON (the first line must be the trace header)');
        return header?.ok === true;
      }
      const seq = expected++; // a bad line still takes its place, so one mistake is reported once
      if (raw === undefined) return report(lineNo, 'not JSON');
      const parsed = TraceRecordSchema.safeParse(raw);
      if (!parsed.success) return report(lineNo, issues(parsed.error));
      if (parsed.data.seq !== seq) return report(lineNo, `seq ${parsed.data.seq} where ${seq} was expected`);
      if (problems.length === 0) valid.push(parsed.data);
      return true;
    };
    // Valid records go to disk after each chunk, so memory stays bounded however long the file.
    const drain = async () => {
      checkpoint(work, Math.min(reached, total), total, 'the import');
      if (problems.length || !state.header) return;
      state.store ??= await TraceStore.create(this.root, state.header, { ...options, runId });
      for (const record of valid.splice(0)) state.store.append(record);
    };
    try {
      await scanLines(file, true, onLine, drain);
      if (!state.header && problems.length === 0) report(Math.max(1, lineNo), 'no trace header');
      if (problems.length) throw new TraceImportError(problems, file);
      await drain();
      await state.store!.flush();
      return state.store!;
    } catch (error) {
      const store = state.store as TraceStore | null;
      if (store) {
        await store.close().catch(() => undefined);
        await rm(store.dir, { recursive: true, force: true });
      }
      throw error;
    }
  }

  /** Writes a run as NDJSON to `out` (lossless: re-importing and exporting gives the same bytes). */
  async exportNdjson(runId: string, out: string): Promise<void> {
    if (!RUN_ID.test(runId)) throw new Error(`"${runId}" is not a run id.`);
    const dir = path.join(this.root, runId);
    const open = openStore(dir);
    if (open) return open.exportNdjson(out);
    await copySegments(dir, out);
  }
}

function issues(error: z.ZodError): string {
  return issuesText(error.issues, '(record)');
}
