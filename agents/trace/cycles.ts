/**
 * The cycle inspector's structure of a run (`trace.getCycles`): per agent its OODA runs (one per
 * incoming request, `run.started` … `run.completed`), each run's turns (the `turn` of `ooda.phase`
 * and `llm.call`) and each turn's phases, model call, tool results and messages sent, by seq. A
 * turn's `decision` is the agent's N-th `llm.call` in the trace, counted across its runs in record
 * order: the number a fork names (`run.replay` `fork.turn`). Built in one pass over the records of
 * {@link CYCLE_EVENT_NAMES}, in order, and extended as a live run grows. Isomorphic.
 */
import { z } from 'zod';
import { OodaPhaseSchema, type RuntimeEventName } from '../protocol/runtime-events.js';
import type { EventRecordOf, TraceRecord } from './record.js';

/** The event records the structure is built from; every other record is ignored. */
export const CYCLE_EVENT_NAMES = ['message.received', 'run.started', 'ooda.phase', 'llm.call', 'tool.result', 'message.sent', 'run.completed'] as const satisfies readonly RuntimeEventName[];

/** Characters of an incoming message's content kept in a run's summary. */
export const CYCLE_CONTENT_CHARS = 200;
/** Runs per agent in one answer unless `limit` says otherwise, and the most `limit` may ask. */
export const DEFAULT_CYCLE_RUNS = 100;
export const MAX_CYCLE_RUNS = 500;

/** What `trace.getCycles` takes: a run; optionally one agent and a page of its OODA runs (`limit: 0`: counts only). */
export const CyclesInputSchema = z
  .object({
    runId: z.string().min(1),
    agent: z.string().min(1).optional(),
    offset: z.number().int().nonnegative().optional(),
    limit: z.number().int().nonnegative().max(MAX_CYCLE_RUNS).optional(),
  })
  .strict();
export type CyclesInput = z.infer<typeof CyclesInputSchema>;

/** One phase of a turn: its `ooda.phase` record and how long the phase's work took. */
export const CyclePhaseSchema = z.object({ phase: OodaPhaseSchema, seq: z.number().int().positive(), durationMs: z.number() });
export type CyclePhase = z.infer<typeof CyclePhaseSchema>;

/** One turn of an OODA run: its phases in order and the records of its model call, tool results and sent messages. */
export const CycleTurnSchema = z.object({
  turn: z.number().int(),
  /** The agent's N-th decision (its N-th `llm.call` in the trace, from 1); null before the turn's model call is recorded. */
  decision: z.number().int().positive().nullable(),
  phases: z.array(CyclePhaseSchema),
  llmSeq: z.number().int().positive().nullable(),
  toolSeqs: z.array(z.number().int().positive()),
  sentSeqs: z.array(z.number().int().positive()),
});
export type CycleTurn = z.infer<typeof CycleTurnSchema>;

/** One OODA run of an agent: the request it answers, how it ended, its turns. */
export const CycleRunSchema = z.object({
  /** The OODA run id (`run.started`'s runId). */
  runId: z.string(),
  status: z.enum(['running', 'completed', 'failed']),
  /** Who sent the incoming message; null when its `run.started` is not in the trace. */
  from: z.string().nullable(),
  /** The incoming message's content, cut to CYCLE_CONTENT_CHARS. */
  content: z.string(),
  /** The subject it came on and its `message.received` record, when recorded. */
  subject: z.string().nullable(),
  receivedSeq: z.number().int().positive().nullable(),
  /** Seq of `run.started` (of the run's first record when that is missing). */
  startedSeq: z.number().int().positive(),
  completedSeq: z.number().int().positive().nullable(),
  /** From `run.started` to `run.completed` (monotonic clock); null while running. */
  durationMs: z.number().nullable(),
  /** Why it failed, when it did. */
  error: z.string().nullable(),
  turns: z.array(CycleTurnSchema),
});
export type CycleRun = z.infer<typeof CycleRunSchema>;

/** One agent: how many OODA runs it has, and the page of them asked for. */
export const AgentCyclesSchema = z.object({
  agent: z.string(),
  /** All its OODA runs in the trace so far. */
  runCount: z.number().int().nonnegative(),
  /** Position of `runs[0]` among them (record order). */
  offset: z.number().int().nonnegative(),
  /** True when runs before `offset` or after this page are left out. */
  truncated: z.boolean(),
  runs: z.array(CycleRunSchema),
});
export type AgentCycles = z.infer<typeof AgentCyclesSchema>;

/** `trace.getCycles`' answer: the agents that ran OODA runs, in order of their first run. */
export const CyclesSchema = z.object({
  runId: z.string(),
  /** Records read so far (the whole run, or a live run's records up to now). */
  records: z.number().int().nonnegative(),
  agents: z.array(AgentCyclesSchema),
});
export type Cycles = z.infer<typeof CyclesSchema>;

/** A run while it is being assembled: its answer plus what attribution needs. */
interface RunState {
  agent: string;
  out: CycleRun;
  startMono: number | null;
  /** Seq of its latest record (an agent's sent message goes to its most recently active open run). */
  lastSeq: number;
}

/** Assembles the cycles of a run from its records, fed in seq order (other records are skipped). */
export class CycleAssembler {
  private readonly agents = new Map<string, RunState[]>();
  private readonly runs = new Map<string, RunState>();
  /** Incoming message id → its run, so a reply sent after `run.completed` finds its run. */
  private readonly byMessage = new Map<string, RunState>();
  private readonly decisions = new Map<string, number>();
  /** Each agent's last `message.received`: its run starts right after it, in the same handler call. */
  private readonly received = new Map<string, { id: string; seq: number; subject: string }>();
  /** Records offered so far (seq of the last). */
  seen = 0;

  /** Adds one record (any kind; records are expected in seq order). */
  add(record: TraceRecord): void {
    this.seen = Math.max(this.seen, record.seq);
    if (record.kind !== 'event') return;
    switch (record.name) {
      case 'message.received':
        this.received.set(record.agent, { id: record.payload.message.message_id, seq: record.seq, subject: record.payload.subject });
        return;
      case 'run.started':
        return this.started(record);
      case 'ooda.phase': {
        const { payload } = record;
        const run = this.runOf(record.agent, payload.runId, record.seq);
        this.turnOf(run, payload.turn).phases.push({ phase: payload.phase, seq: record.seq, durationMs: payload.durationMs });
        return;
      }
      case 'llm.call': {
        const run = this.runOf(record.agent, record.payload.runId, record.seq);
        const decision = (this.decisions.get(record.agent) ?? 0) + 1;
        this.decisions.set(record.agent, decision);
        const turn = this.turnOf(run, record.payload.turn);
        turn.llmSeq = record.seq;
        turn.decision = decision;
        return;
      }
      case 'tool.result': {
        const run = this.runOf(record.agent, record.payload.runId, record.seq);
        this.lastTurnOf(run).toolSeqs.push(record.seq);
        return;
      }
      case 'message.sent':
        return this.sent(record);
      case 'run.completed': {
        const { payload } = record;
        const run = this.runOf(record.agent, payload.runId, record.seq);
        run.out.status = payload.status;
        run.out.completedSeq = record.seq;
        run.out.error = payload.error;
        run.out.durationMs = run.startMono === null ? null : Math.max(0, record.mono - run.startMono);
        return;
      }
      default:
        return;
    }
  }

  /** The agents (one, with `agent`) and a page of each one's runs; copies, so later records do not change them. */
  result(runId: string, page: { agent?: string | undefined; offset?: number | undefined; limit?: number | undefined } = {}): Cycles {
    const offset = page.offset ?? 0;
    const limit = page.limit ?? DEFAULT_CYCLE_RUNS;
    const names = page.agent === undefined ? [...this.agents.keys()] : this.agents.has(page.agent) ? [page.agent] : [];
    const agents = names.map((agent): AgentCycles => {
      const all = this.agents.get(agent)!;
      const runs = all.slice(offset, offset + limit).map((r) => copyRun(r.out));
      return { agent, runCount: all.length, offset: Math.min(offset, all.length), truncated: offset > 0 || offset + runs.length < all.length, runs };
    });
    return { runId, records: this.seen, agents };
  }

  private started(record: EventRecordOf<'run.started'>): void {
    const { payload } = record;
    const run = this.runOf(record.agent, payload.runId, record.seq);
    run.out.from = payload.message.from_agent;
    run.out.content = cut(payload.message.content);
    run.startMono = record.mono;
    this.byMessage.set(payload.message.message_id, run);
    const received = this.received.get(record.agent);
    if (received?.id === payload.message.message_id) {
      run.out.subject = received.subject;
      run.out.receivedSeq = received.seq;
    }
  }

  /** A sent message belongs to the run it replies to, else to the sender's most recently active open run. */
  private sent(record: EventRecordOf<'message.sent'>): void {
    const inReplyTo = record.payload.message.in_reply_to;
    let run = inReplyTo ? this.byMessage.get(inReplyTo) : undefined;
    if (run?.agent !== record.agent) run = undefined;
    if (!run) {
      for (const candidate of this.agents.get(record.agent) ?? []) {
        if (candidate.out.status === 'running' && (!run || candidate.lastSeq > run.lastSeq)) run = candidate;
      }
    }
    if (!run || run.out.turns.length === 0) return;
    this.lastTurnOf(run).sentSeqs.push(record.seq);
  }

  /** The run `runId` of `agent`, begun here when its `run.started` was not seen. */
  private runOf(agent: string, runId: string, seq: number): RunState {
    let run = this.runs.get(runId);
    if (!run) {
      run = {
        agent,
        out: { runId, status: 'running', from: null, content: '', subject: null, receivedSeq: null, startedSeq: seq, completedSeq: null, durationMs: null, error: null, turns: [] },
        startMono: null,
        lastSeq: seq,
      };
      this.runs.set(runId, run);
      const list = this.agents.get(agent);
      if (list) list.push(run);
      else this.agents.set(agent, [run]);
    }
    run.lastSeq = seq;
    return run;
  }

  private turnOf(run: RunState, n: number): CycleTurn {
    const turns = run.out.turns;
    for (let k = turns.length - 1; k >= 0; k--) if (turns[k]!.turn === n) return turns[k]!;
    const turn: CycleTurn = { turn: n, decision: null, phases: [], llmSeq: null, toolSeqs: [], sentSeqs: [] };
    turns.push(turn);
    return turn;
  }

  /** The run's current turn (tool results carry no turn: they come during the latest one). */
  private lastTurnOf(run: RunState): CycleTurn {
    return run.out.turns.at(-1) ?? this.turnOf(run, 1);
  }
}

/** The cycles of `records` (in seq order) in one go. */
export function assembleCycles(runId: string, records: Iterable<TraceRecord>, page?: { agent?: string; offset?: number; limit?: number }): Cycles {
  const assembler = new CycleAssembler();
  for (const record of records) assembler.add(record);
  return assembler.result(runId, page);
}

const cut = (text: string): string => (text.length > CYCLE_CONTENT_CHARS ? `${text.slice(0, CYCLE_CONTENT_CHARS - 1)}…` : text);

const copyRun = (run: CycleRun): CycleRun => ({
  ...run,
  turns: run.turns.map((t) => ({ ...t, phases: t.phases.map((p) => ({ ...p })), toolSeqs: [...t.toolSeqs], sentSeqs: [...t.sentSeqs] })),
});
