/**
 * `trace.getTimeline` in the host: per run, the timeline facts (agents/trace/timeline.ts) are read
 * once from the records that make spans or arrows, chosen on the index's typed arrays (type, kind
 * and flags) without reading the others; a later call reads only the records appended since (a
 * live run), and each answer is a pass over the facts. A finished run's answers need no store.
 */
import { assembleTimeline, TimelineFacts, type Timeline } from '../../../agents/trace/timeline.js';
import { FLAG_INFRASTRUCTURE } from '../../../agents/trace/record-flags.js';
import type { MessageRecord } from '../../../agents/trace/record.js';
import { loadTopology } from '../../../agents/topology/load.js';
import { RunReadCache, RunReader, type CachedRuns } from './run-read-cache.js';
import { FLAGS_SHIFT, KIND_BIT, KIND_EVENT, NAME_OVERFLOW, NO_NAME } from './trace-index.js';
import type { MetricsSource, TraceStore } from './trace-store.js';

/** Records read in one go. */
const READ_BATCH = 4096;
/** Event names whose records become spans or receipts. */
const EVENTS = ['ooda.phase', 'llm.call', 'tool.result', 'message.received'] as const;
/** Message types that are presence, not conversation: never read. */
const PRESENCE = ['announcement', 'heartbeat'] as const;

/** One run's timeline facts, extended as the run grows. */
export class RunTimeline extends RunReader {
  readonly facts = new TimelineFacts();

  constructor(
    source: MetricsSource,
    live: boolean,
    /** The run's agents in topology order (empty when the trace does not carry its topology). */
    readonly topology: readonly string[],
  ) {
    super(source, live);
  }

  /** The timeline over a range from the facts read so far. */
  answer(range: { from?: number | undefined; to?: number | undefined; maxItems: number }): Timeline {
    return assembleTimeline(this.facts, range, this.topology);
  }

  protected async extendTo(n: number): Promise<void> {
    const start = this.count;
    const { index, replies, read } = this.source;
    const { agents, types } = index.tables();
    const wanted = new Set<number>(EVENTS.map((name) => types.lookup(name) ?? -1));
    const skipped = new Set<number>(PRESENCE.map((name) => types.lookup(name) ?? -1));
    const { kind, type, agentA } = index.records;
    const positions: number[] = [];
    for (let i = start; i < n; i++) {
      const k = kind[i]!;
      if ((k & KIND_BIT) === KIND_EVENT) {
        const a = agentA[i]!;
        if (a !== NO_NAME && a !== NAME_OVERFLOW) this.facts.addAgent(agents.names[a]!);
        if (wanted.has(type[i]!)) positions.push(i);
      } else if (((k >> FLAGS_SHIFT) & FLAG_INFRASTRUCTURE) === 0 && !skipped.has(type[i]!)) positions.push(i);
    }
    // Replies with a seq in (start, n] and their requests (which can be anywhere before them).
    const requestOf = new Map<number, number>();
    replies.forEachAnswered(start, n, (request, reply) => requestOf.set(reply, request));

    for (let at = 0; at < positions.length; at += READ_BATCH) {
      const batch = positions.slice(at, at + READ_BATCH);
      const asked = batch.flatMap((i) => {
        const request = requestOf.get(i + 1);
        return request === undefined ? [] : [request - 1];
      });
      const records = await read([...batch, ...asked]);
      this.reads += records.length;
      const requests = new Map<number, MessageRecord>();
      for (const record of records.slice(batch.length)) if (record.kind === 'message') requests.set(record.seq, record);
      // The index's time is the record's as epoch ms when in toISOString form (NaN otherwise: then parsed).
      const { time } = index.records;
      batch.forEach((position, k) => {
        const record = records[k]!;
        if (record.kind === 'message') {
          const request = requests.get(requestOf.get(record.seq) ?? 0) ?? null;
          // A hash can collide: the pair holds only when the reply came on the request's reply subject.
          this.facts.add(record, request !== null && request.reply === record.subject ? request : null, time[position]);
        } else this.facts.add(record, null, time[position]);
      });
    }
    this.count = n;
  }
}

/** The agents of a run's topology, in order; none when its trace carries no whole topology. */
function topologyAgents(store: TraceStore): string[] {
  const text = store.header.topology;
  // A header may carry a name only (older traces); only a whole document names the agents.
  if (!text || !/[\n{]/.test(text)) return [];
  return loadTopology(text).topology?.spec.agents.map((agent) => agent.name) ?? [];
}

/** The timeline facts of the runs asked about lately (a few: each holds its index). */
export class TimelineCache {
  private readonly cache = new RunReadCache((store, live) => new RunTimeline(store.metricsSource(), live, topologyAgents(store)));

  /** The timeline of `runId` over `range`. */
  get(runId: string, range: { from?: number | undefined; to?: number | undefined; maxItems: number }, runs: CachedRuns): Promise<Timeline> {
    return this.cache.get(runId, runs, (timeline) => timeline.answer(range));
  }

  /** The facts kept for `runId`, if any (tests). */
  peek(runId: string): RunTimeline | undefined {
    return this.cache.peek(runId);
  }

  /** Forgets a run (deleted, or replaced). */
  forget(runId: string): void {
    this.cache.forget(runId);
  }
}
