/**
 * `trace.getMetrics` in the host: per run, the facts the index does not hold (tokens of `llm.call`
 * events, reply latencies from the store's reply pairing and row-facts.ts) are read once and kept;
 * a later call reads only the records appended since (a live run's poll), and each answer is a
 * pass over the index (metrics-scan.ts). A finished run's answers need no store at all.
 */
import type { RunMetrics } from '../../../agents/trace/metrics.js';
import type { EventRecordOf, MessageRecord } from '../../../agents/trace/record.js';
import { FLAG_INFRASTRUCTURE } from '../../../agents/trace/record-flags.js';
import { rowFacts } from '../../../agents/trace/row-facts.js';
import { scanMetrics, type MetricsRange, type ReadFacts } from './metrics-scan.js';
import { RunReadCache, RunReader, type CachedRuns } from './run-read-cache.js';

/** Records read in one go. */
const READ_BATCH = 4096;

/** One run's read facts, extended as the run grows. */
export class RunFacts extends RunReader implements ReadFacts {
  minTime = Infinity;
  maxTime = -Infinity;
  readonly tokens: ReadFacts['tokens'] = [];
  readonly pairs: ReadFacts['pairs'] = [];
  /** The last answer and what it was for: asked again with no new record, it stands (flags change only with new records). */
  private last: { key: string; metrics: RunMetrics } | null = null;
  private carry = Number.NaN;

  /** The metrics over `range` of the records read so far: the last answer again when nothing changed. */
  metrics(runId: string, live: boolean, range: MetricsRange): RunMetrics {
    const key = JSON.stringify([this.count, live, range.from, range.to, range.buckets]);
    if (this.last?.key !== key) this.last = { key, metrics: scanMetrics(runId, live, this.source.index, this, range) };
    return this.last.metrics;
  }

  protected async extendTo(n: number): Promise<void> {
    const start = this.count;
    const { index, replies, read } = this.source;
    const { time, type } = index.records;
    const llmCall = index.tables().types.lookup('llm.call') ?? -1;
    // Effective times of the new records: one not in canonical form takes the last dated one's.
    const times = new Float64Array(n - start);
    const llmAt: number[] = [];
    let carry = this.carry;
    let min = this.minTime;
    let max = this.maxTime;
    for (let i = start; i < n; i++) {
      const t = time[i]!;
      if (!Number.isNaN(t)) {
        carry = t;
        if (t < min) min = t;
        if (t > max) max = t;
      }
      times[i - start] = carry;
      if (type[i] === llmCall) llmAt.push(i);
    }
    const timeAt = (i: number) => times[i - start]!;

    const tokens: ReadFacts['tokens'] = [];
    for (let at = 0; at < llmAt.length; at += READ_BATCH) {
      const ids = llmAt.slice(at, at + READ_BATCH);
      const records = await read(ids);
      this.reads += records.length;
      records.forEach((record, k) => {
        if (record.kind !== 'event' || record.name !== 'llm.call' || Number.isNaN(timeAt(ids[k]!))) return;
        const usage = (record as EventRecordOf<'llm.call'>).payload.response?.usage;
        if (usage) tokens.push({ time: timeAt(ids[k]!), agent: record.agent, tokens: usage.inputTokens + usage.outputTokens });
      });
    }

    // Replies with a seq in (start, n]: their requests come from anywhere before them.
    const found: [number, number][] = [];
    replies.forEachAnswered(start, n, (request, reply) => {
      if ((index.flagsAt(request - 1) & FLAG_INFRASTRUCTURE) === 0 && !Number.isNaN(timeAt(reply - 1))) found.push([request, reply]);
    });
    found.sort((x, y) => x[1] - y[1]);
    const pairs: ReadFacts['pairs'] = [];
    for (let at = 0; at < found.length; at += READ_BATCH / 2) {
      const batch = found.slice(at, at + READ_BATCH / 2);
      const records = await read(batch.flatMap(([request, reply]) => [request - 1, reply - 1]));
      this.reads += records.length;
      batch.forEach(([, replySeq], k) => {
        const request = records[2 * k]!;
        const reply = records[2 * k + 1]!;
        // A hash can collide: the pair holds only when the reply came on the request's reply subject.
        if (request.kind !== 'message' || reply.kind !== 'message' || request.reply !== reply.subject) return;
        const facts = rowFacts(reply, { request, waitedMs: 0, ended: true });
        const asked = rowFacts(request, { reply: reply as MessageRecord, waitedMs: 0, ended: true });
        pairs.push({ time: timeAt(replySeq - 1), responder: facts.from, sender: asked.from, latencyMs: facts.latencyMs ?? reply.mono - request.mono });
      });
    }
    this.tokens.push(...tokens);
    this.pairs.push(...pairs);
    this.carry = carry;
    this.minTime = min;
    this.maxTime = max;
    this.count = n;
  }
}

/** The read facts of the runs asked about lately (a few: each holds its index). */
export class MetricsCache {
  private readonly cache = new RunReadCache((store, live) => new RunFacts(store.metricsSource(), live));

  /** The metrics of `runId` over `range`. */
  get(runId: string, range: MetricsRange, runs: CachedRuns): Promise<RunMetrics> {
    return this.cache.get(runId, runs, (facts, live) => facts.metrics(runId, live, range));
  }

  /** The facts kept for `runId`, if any (tests). */
  peek(runId: string): RunFacts | undefined {
    return this.cache.peek(runId);
  }

  /** Forgets a run (deleted, or replaced). */
  forget(runId: string): void {
    this.cache.forget(runId);
  }
}
