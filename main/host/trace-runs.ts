/**
 * The runs list's calls: list the recorded runs (size, records, live), open one (rebuilding its
 * index with progress), import an NDJSON trace, export a run as NDJSON, Mermaid or OTLP, delete
 * one, and cancel long work. Long work has a task id chosen by the caller: progress goes out as
 * `trace.progressed`, `trace.cancel` stops it, and a cancelled or failed import leaves no run.
 */
import { mkdir, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { nestingProblem, textRefusal } from '../../agents/topology/text-limits.js';
import { MermaidSequenceBuilder } from '../../agents/trace/export-mermaid.js';
import { OtlpBuilder, otlpJsonChunks } from '../../agents/trace/export-otlp.js';
import type { TraceHeader, TraceRecord } from '../../agents/trace/record.js';
import { RpcError, type CallHandlers, type CallOutput, type ParsedCallInput } from '../../preload/contract.js';
import type { EventBus } from './event-bus.js';
import type { RunManager } from './runs.js';
import { WorkCancelled, type LongWork } from './trace/long-work.js';
import { TraceImportError } from './trace/trace-library.js';
import { NEWLINE } from './trace/segments.js';

type RecordedRun = CallOutput<'trace.listRuns'>['runs'][number];
type ExportFormat = ParsedCallInput<'trace.export'>['format'];

/** Runs larger than this are not counted line by line for the list (their count shows once opened). */
const COUNT_LIMIT_BYTES = 64 * 1024 * 1024;
/** Exports returned as text (no path: browser mode downloads them) stop here. */
const TEXT_LIMIT_BYTES = 8 * 1024 * 1024;
/** The most `trace.progressed` events a task sends a second. */
const PROGRESS_PER_SECOND = 10;
/** Mermaid stops drawing here, as `switchboard trace --format mermaid` does by default. */
const MERMAID_MAX_MESSAGES = 500;

/** The trace runs' call handlers, with the long-work tasks they run. */
export class TraceRuns {
  private readonly tasks = new Map<string, AbortController>();
  /** Record counts known by run id and its size in bytes (a changed size counts again). */
  private readonly counted = new Map<string, { bytes: number; records: number }>();

  constructor(
    private readonly runs: RunManager,
    private readonly events: EventBus,
    private readonly dataDir: string,
    /** Told of every deleted run, so what others keep of it (metrics, design checks) goes too. */
    private readonly onDeleted: (runId: string) => void = () => undefined,
  ) {}

  /** The handlers host.ts wires into the contract. */
  handlers(): Pick<CallHandlers, 'trace.listRuns' | 'trace.openRun' | 'trace.import' | 'trace.export' | 'trace.delete' | 'trace.cancel'> {
    return {
      'trace.listRuns': async () => ({ runs: await this.list() }),
      'trace.openRun': async ({ runId, task }) => this.openRun(runId, task),
      'trace.import': async (input) => this.importTrace(input),
      'trace.export': async ({ runId, format, path: file }) => this.exportRun(runId, format, file),
      'trace.delete': async ({ runId }) => (await this.remove(runId), {}),
      'trace.cancel': async ({ task }) => ({ cancelled: this.cancel(task) }),
    };
  }

  /** Recorded runs, newest first, with their size, record count (when cheap to know) and whether live. */
  async list(): Promise<RecordedRun[]> {
    const listed = await this.runs.library.list();
    const runs = await Promise.all(listed.map(({ runId, header }) => this.describe(runId, header)));
    return runs.reverse();
  }

  /** Opens a run (its index rebuilt once, with progress under `task`) and returns it with its topology's text. */
  async openRun(runId: string, task: string | undefined): Promise<CallOutput<'trace.openRun'>> {
    return this.runTask(task, 'open', async (work) => {
      const { header, records } = await this.runs.withStore(runId, (store) => ({ header: store.header, records: store.size }), work);
      const run = await this.describe(runId, header, records);
      return { ...run, topologyText: header.topology };
    });
  }

  /** Imports an NDJSON trace from a host path, or from text the browser read; nothing stays when it fails or is cancelled. */
  async importTrace(input: ParsedCallInput<'trace.import'>): Promise<CallOutput<'trace.import'>> {
    return this.runTask(input.task, 'import', async (work) => {
      let file = input.path === undefined ? null : path.resolve(input.path);
      let temporary: string | null = null;
      if (file === null) {
        // Browser mode: the picked file's text comes over the wire; the import reads a file.
        const dir = path.join(this.dataDir, 'imports');
        await mkdir(dir, { recursive: true });
        temporary = file = path.join(dir, `upload-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.ndjson`);
        await writeFile(temporary, input.text ?? '');
      }
      const name = input.name ?? path.basename(file);
      try {
        const store = await this.runs.library.importNdjson(file, {}, work);
        const { runId, header, size } = store;
        await store.close();
        return { runId, startedAt: header.startedAt, topology: topologyName(header.topology), records: size };
      } catch (error) {
        if (error instanceof TraceImportError) throw new RpcError('invalid_input', importMessage(name, error));
        if (error instanceof WorkCancelled) throw error;
        throw new RpcError('failed', `Cannot import ${name}: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        if (temporary) await rm(temporary, { force: true });
      }
    });
  }

  /** Writes a run to `file` as NDJSON, Mermaid or OTLP/JSON, or returns the text when no file is given. */
  async exportRun(runId: string, format: ExportFormat, file: string | undefined): Promise<CallOutput<'trace.export'>> {
    const target = file === undefined ? null : path.resolve(file);
    if (format !== 'mermaid' && format !== 'otlp') {
      // NDJSON, also for callers that skip the contract's parse (its default).
      if (target) {
        await this.runs.withStore(runId, (store) => store.exportNdjson(target));
        return { path: target, text: null };
      }
      const temporary = path.join(this.dataDir, `export-${process.pid}-${Date.now()}.ndjson`);
      try {
        await this.runs.withStore(runId, (store) => store.exportNdjson(temporary));
        if ((await stat(temporary)).size > TEXT_LIMIT_BYTES) throw tooBig(runId);
        return { path: null, text: await readFile(temporary, 'utf8') };
      } finally {
        await rm(temporary, { force: true });
      }
    }
    const pieces = await this.runs.withStore(runId, async (store) => {
      const add = format === 'mermaid' ? mermaid() : otlp();
      for (let after = 0; ; ) {
        const page = await store.query({ after, limit: 1000 });
        for (const record of page.records) add.add(record);
        const last = page.records.at(-1);
        if (!page.hasMore || !last || add.full()) break;
        after = last.seq;
      }
      return add.finish();
    });
    if (target) {
      const out = await open(target, 'w');
      try {
        for (const piece of pieces) await out.write(piece);
      } finally {
        await out.close();
      }
      return { path: target, text: null };
    }
    let text = '';
    for (const piece of pieces) {
      text += piece;
      if (text.length > TEXT_LIMIT_BYTES) throw tooBig(runId);
    }
    return { path: null, text };
  }

  /** Deletes a run's files; refuses the run being recorded. */
  async remove(runId: string): Promise<void> {
    if (this.runs.isLive(runId)) throw new RpcError('conflict', `Run ${runId} is recording now: stop it first, then delete it.`);
    if (!(await this.runs.library.list()).some((r) => r.runId === runId)) throw new RpcError('not_found', `No recorded run ${runId}.`);
    await this.runs.opened.close(runId);
    try {
      await this.runs.library.remove(runId);
    } catch (error) {
      throw new RpcError('failed', `Cannot delete run ${runId}: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.counted.delete(runId);
    this.onDeleted(runId);
  }

  /** Cancels a task; false when no task by that id is running. */
  cancel(task: string): boolean {
    const controller = this.tasks.get(task);
    controller?.abort();
    return controller !== undefined;
  }

  /** Closes the runs kept open (the host is stopping). */
  close(): Promise<void> {
    return this.runs.opened.closeAll();
  }

  /** Runs long work under `task` (when given): progress events, cancellable, a cancel becomes a `cancelled` error. */
  private async runTask<T>(task: string | undefined, what: 'open' | 'import', run: (work: LongWork | undefined) => Promise<T>): Promise<T> {
    if (task === undefined) return run(undefined);
    if (this.tasks.has(task)) throw new RpcError('conflict', `Task ${task} is already running.`);
    const controller = new AbortController();
    this.tasks.set(task, controller);
    let sentAt = 0;
    const work: LongWork = {
      signal: controller.signal,
      progress: (done, total) => {
        const now = Date.now();
        if (now - sentAt < 1000 / PROGRESS_PER_SECOND && done < total) return;
        sentAt = now;
        this.events.emit('trace.progressed', { task, done, total });
      },
    };
    try {
      return await run(work);
    } catch (error) {
      if (error instanceof WorkCancelled) throw new RpcError('cancelled', what === 'import' ? 'Import cancelled: nothing was imported.' : 'Opening the run was cancelled.');
      throw error;
    } finally {
      this.tasks.delete(task);
    }
  }

  /** A run as the list shows it. */
  private async describe(runId: string, header: TraceHeader, knownRecords?: number): Promise<RecordedRun> {
    const bytes = await runBytes(path.join(this.runs.library.root, runId));
    const live = this.runs.isLive(runId);
    let records = knownRecords ?? null;
    const known = this.counted.get(runId);
    if (records === null && known?.bytes === bytes) records = known.records;
    if (records === null && bytes <= COUNT_LIMIT_BYTES) records = await countRecords(path.join(this.runs.library.root, runId));
    if (records !== null && !live) this.counted.set(runId, { bytes, records });
    return { runId, startedAt: header.startedAt, topology: topologyName(header.topology), records, bytes, live, replayOf: header.replayOf ?? null, fork: header.fork ?? null };
  }
}

/** One export format built one record at a time; `full` when more records would change nothing. */
interface ExportSink {
  add(record: TraceRecord): void;
  full(): boolean;
  finish(): Iterable<string>;
}

function mermaid(): ExportSink {
  const builder = new MermaidSequenceBuilder({ maxMessages: MERMAID_MAX_MESSAGES });
  return { add: (r) => builder.add(r), full: () => false, finish: () => [builder.toString()] };
}

function otlp(): ExportSink {
  const builder = new OtlpBuilder();
  return { add: (r) => builder.add(r), full: () => false, finish: () => otlpJsonChunks(builder.finish()) };
}

function tooBig(runId: string): RpcError {
  return new RpcError('failed', `Run ${runId} is too big to download here (over ${TEXT_LIMIT_BYTES / 1024 / 1024} MiB): give a path on the host to write it to.`);
}

/** "trace.ndjson line 1234: not JSON" (and how many more bad lines there are). */
function importMessage(name: string, error: TraceImportError): string {
  const [first, ...rest] = error.problems;
  if (!first) return `${name} is not a trace.`;
  const more = rest.length ? ` (and ${rest.length}${rest.length >= 99 ? '+' : ''} more bad line${rest.length === 1 ? '' : 's'})` : '';
  return `${name} line ${first.line}: ${first.message}${more}. Nothing was imported.`;
}

/** Bytes of a run's files. */
async function runBytes(dir: string): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const sizes = await Promise.all(names.map((n) => stat(path.join(dir, n)).then((s) => (s.isFile() ? s.size : 0), () => 0)));
  return sizes.reduce((a, b) => a + b, 0);
}

/** Records of a run: its complete lines less the header (segments only). */
async function countRecords(dir: string): Promise<number> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => /^segment-\d{6}\.ndjson$/.test(n));
  let lines = 0;
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  for (const name of names) {
    const fh = await open(path.join(dir, name), 'r');
    try {
      for (let position = 0; ; ) {
        const { bytesRead } = await fh.read(buffer, 0, buffer.length, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        for (let i = buffer.indexOf(NEWLINE, 0); i !== -1 && i < bytesRead; i = buffer.indexOf(NEWLINE, i + 1)) lines++;
      }
    } finally {
      await fh.close();
    }
  }
  return Math.max(0, lines - 1);
}

/** A trace header keeps the topology's text; its metadata.name is what lists show. */
export function topologyName(text: string | null): string | null {
  // An imported header's text is anyone's: nesting deep enough to exhaust the parser's stack takes V8 down.
  if (!text || textRefusal(text) || nestingProblem(text)) return null;
  try {
    const name = (parseYaml(text) as { metadata?: { name?: unknown } } | null)?.metadata?.name;
    return typeof name === 'string' ? name : null;
  } catch {
    return null;
  }
}
