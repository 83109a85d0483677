/**
 * `trace.getCycles` in the host: per run a CycleAssembler (agents/trace/cycles.ts) fed only the
 * records whose type the index says is one of CYCLE_EVENT_NAMES, read by position in batches; a
 * later call reads only what was appended since (a live run's poll). A finished run's answers need
 * no store once read.
 */
import { CYCLE_EVENT_NAMES, CycleAssembler, type Cycles, type CyclesInput } from '../../../agents/trace/cycles.js';
import type { MetricsRuns } from './run-metrics.js';
import { NAME_OVERFLOW } from './trace-index.js';
import type { MetricsSource } from './trace-store.js';

/** Records read in one go (phase records carry prompts: kept moderate). */
const READ_BATCH = 1024;

/** One run's assembler and how far it has read. */
class RunCycles {
  readonly assembler = new CycleAssembler();
  /** Records of the index looked at so far. */
  count = 0;
  /** Records read from disk so far (tests check that a second call reads only new ones). */
  reads = 0;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    readonly source: MetricsSource,
    /** Whether the run was recording when this was begun (then a stopped run is read afresh). */
    readonly live: boolean,
  ) {}

  /** Reads what records up to `n` add; calls run one after another. */
  extend(n: number): Promise<void> {
    const next = this.pending.then(() => this.extendTo(n));
    this.pending = next.catch(() => undefined);
    return next;
  }

  private async extendTo(n: number): Promise<void> {
    const { index, read } = this.source;
    const { types } = index.tables();
    const wanted = new Set(CYCLE_EVENT_NAMES.map((name) => types.lookup(name)).filter((id) => id !== undefined));
    if (types.overflowed) wanted.add(NAME_OVERFLOW); // past the table's capacity a type is not told apart: the assembler skips the others
    const type = index.records.type;
    while (this.count < n) {
      const ids: number[] = [];
      let i = this.count;
      for (; i < n && ids.length < READ_BATCH; i++) if (wanted.has(type[i]!)) ids.push(i);
      const records = ids.length > 0 ? await read(ids) : [];
      this.reads += records.length;
      for (const record of records) this.assembler.add(record);
      this.count = i;
      this.assembler.seen = Math.max(this.assembler.seen, i);
    }
  }
}

/** The assemblers of the runs asked about lately (a few: each holds its structure). */
export class CycleCache {
  private readonly entries = new Map<string, RunCycles>();

  constructor(private readonly keep = 4) {}

  /** The cycles of `input.runId`: every agent, or one, with a page of each one's OODA runs. */
  async get(input: CyclesInput, runs: MetricsRuns): Promise<Cycles> {
    const { runId } = input;
    const live = runs.isLive(runId);
    const cached = this.entries.get(runId);
    if (cached && !live && !cached.live) {
      this.remember(runId, cached);
      return cached.assembler.result(runId, input);
    }
    try {
      return await runs.withStore(runId, async (store) => {
        const source = store.metricsSource();
        const entry = cached?.source.index === source.index ? cached : new RunCycles(source, live);
        await entry.extend(source.index.count);
        this.remember(runId, entry);
        return entry.assembler.result(runId, input);
      });
    } catch (error) {
      // A run between recording and closed cannot be opened for a moment: what was read stands meanwhile.
      if (cached) return cached.assembler.result(runId, input);
      throw error;
    }
  }

  /** Records read from disk for `runId` so far, if it is kept (tests). */
  reads(runId: string): number | undefined {
    return this.entries.get(runId)?.reads;
  }

  /** Forgets a run (deleted, or replaced). */
  forget(runId: string): void {
    this.entries.delete(runId);
  }

  private remember(runId: string, entry: RunCycles): void {
    this.entries.delete(runId);
    this.entries.set(runId, entry);
    for (const key of this.entries.keys()) if (this.entries.size > this.keep) this.entries.delete(key);
  }
}
