/**
 * `trace.getCycles` in the host: per run a CycleAssembler (agents/trace/cycles.ts) fed only the
 * records whose type the index says is one of CYCLE_EVENT_NAMES, read by position in batches; a
 * later call reads only what was appended since (a live run's poll). A finished run's answers need
 * no store once read.
 */
import { CYCLE_EVENT_NAMES, CycleAssembler, type Cycles, type CyclesInput } from '../../../agents/trace/cycles.js';
import { RunReadCache, RunReader, type CachedRuns } from './run-read-cache.js';
import { NAME_OVERFLOW } from './trace-index.js';

/** Records read in one go (phase records carry prompts: kept moderate). */
const READ_BATCH = 1024;

/** One run's assembler and how far it has read. */
class RunCycles extends RunReader {
  readonly assembler = new CycleAssembler();

  protected async extendTo(n: number): Promise<void> {
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
  private readonly cache = new RunReadCache((store, live) => new RunCycles(store.metricsSource(), live));

  /** The cycles of `input.runId`: every agent, or one, with a page of each one's OODA runs. */
  get(input: CyclesInput, runs: CachedRuns): Promise<Cycles> {
    return this.cache.get(input.runId, runs, (entry) => entry.assembler.result(input.runId, input));
  }

  /** Records read from disk for `runId` so far, if it is kept (tests). */
  reads(runId: string): number | undefined {
    return this.cache.peek(runId)?.reads;
  }

  /** Forgets a run (deleted, or replaced). */
  forget(runId: string): void {
    this.cache.forget(runId);
  }
}
