/**
 * The cycle inspector's pure rules: which records a phase's detail reads, which turn and phase a
 * record belongs to (the trace explorer's "Show in cycle inspector"), the decision a fork starts
 * from, and short labels for runs and durations.
 */
import { OodaDecisionSchema, type OodaDecision } from '../../../agents/protocol/llm';
import type { OodaPhase } from '../../../agents/protocol/runtime-events';
import type { CycleRun, CycleTurn } from '../../../agents/trace/cycles';
import type { TraceRecord } from '../../../agents/trace/record';

/** The four phases in loop order. */
export const PHASES: readonly OodaPhase[] = ['observe', 'orient', 'decide', 'act'];

/** What the inspector points at inside an agent's runs. */
export interface CycleSelection {
  agent: string | null;
  oodaRun: string | null;
  turn: number | null;
  phase: OodaPhase | null;
}

/** Nothing selected. */
export const NO_SELECTION: CycleSelection = { agent: null, oodaRun: null, turn: null, phase: null };

/** The seqs a phase's detail shows: its `ooda.phase` record and what it did (the model call, tool results, messages sent; for the first turn's Observe the request and Orient's record, which holds the memory). */
export function phaseSeqs(run: CycleRun, turn: CycleTurn, phase: OodaPhase): number[] {
  const own = turn.phases.filter((p) => p.phase === phase).map((p) => p.seq);
  switch (phase) {
    case 'observe':
      return turn === run.turns[0] ? [run.startedSeq, ...own, ...turn.phases.filter((p) => p.phase === 'orient').map((p) => p.seq)] : own;
    case 'orient':
      return own;
    case 'decide':
      return turn.llmSeq === null ? own : [turn.llmSeq, ...own];
    case 'act':
      return [...own, ...turn.toolSeqs, ...turn.sentSeqs];
  }
}

/** The turn and phase of `run` that record `seq` belongs to, or null. */
export function locateSeq(run: CycleRun, seq: number): { turn: number; phase: OodaPhase } | null {
  for (const turn of run.turns) {
    const phase = turn.phases.find((p) => p.seq === seq)?.phase;
    if (phase) return { turn: turn.turn, phase };
    if (turn.llmSeq === seq) return { turn: turn.turn, phase: 'decide' };
    if (turn.toolSeqs.includes(seq) || turn.sentSeqs.includes(seq)) return { turn: turn.turn, phase: 'act' };
  }
  const first = run.turns[0];
  const last = run.turns.at(-1);
  if (seq === run.startedSeq && first) return { turn: first.turn, phase: 'observe' };
  if (seq === run.completedSeq && last) return { turn: last.turn, phase: 'act' };
  return null;
}

/** The decision an `llm.call` record's response made (what a fork edits), or null without a response. */
export function decisionOf(record: TraceRecord | undefined): OodaDecision | null {
  if (record?.kind !== 'event' || record.name !== 'llm.call' || !record.payload.response) return null;
  const { text, toolCalls } = record.payload.response;
  return { text, toolCalls };
}

/** A fork's decision from the editor's text: the decision, or why it is refused. */
export function parseDecision(text: string): { decision: OodaDecision } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `Not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const checked = OodaDecisionSchema.safeParse(value);
  if (checked.success) return { decision: checked.data };
  const issue = checked.error.issues[0]!;
  return { error: `${issue.path.length > 0 ? issue.path.join('.') : 'decision'}: ${issue.message}` };
}

/** A duration in ms, short: 840 ms, 1.2 s, 2 min 5 s. */
export function formatMs(ms: number | null): string {
  if (ms === null) return '…';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The record of `seq` in `records` if it is an event named `name`. */
export function eventOf<N extends Extract<TraceRecord, { kind: 'event' }>['name']>(records: Record<number, TraceRecord>, seq: number | null, name: N): Extract<TraceRecord, { kind: 'event'; name: N }> | null {
  const record = seq === null ? undefined : records[seq];
  return record?.kind === 'event' && record.name === name ? (record as Extract<TraceRecord, { kind: 'event'; name: N }>) : null;
}
