/**
 * Each agent's state on the live canvas, from the run's runtime events as they arrive: busy while
 * inside an OODA run (`run.started` … `run.completed`), failed when its last run failed, paused at
 * a breakpoint (the host's list of paused runs), idle otherwise, offline when not started. Pure:
 * `(tally, records) → tally`, then `(tally, run, paused) → states`.
 */
import type { TraceRecord } from '../../../agents/trace/record';
import type { PausedRunInfo, RunStatus } from '../../../preload/contract';

/** What an agent's badge says. */
export type LiveAgentState = 'idle' | 'busy' | 'paused' | 'failed' | 'offline';

/** Runs in progress and the last outcome, per agent, for one run of the topology. */
export interface StateTally {
  /** OODA runs started and not yet completed. */
  active: Record<string, number>;
  /** True when the agent's last completed run failed. */
  failed: Record<string, boolean>;
}

/** A tally before any record. */
export const EMPTY_TALLY: StateTally = { active: {}, failed: {} };

/** The tally after `records` (unchanged, same object, when none of them is about a run). */
export function tallyRecords(tally: StateTally, records: readonly TraceRecord[]): StateTally {
  let active: Record<string, number> | null = null;
  let failed: Record<string, boolean> | null = null;
  for (const record of records) {
    if (record.kind !== 'event') continue;
    if (record.name === 'run.started') {
      active ??= { ...tally.active };
      active[record.agent] = (active[record.agent] ?? 0) + 1;
    } else if (record.name === 'run.completed') {
      active ??= { ...tally.active };
      failed ??= { ...tally.failed };
      active[record.agent] = Math.max(0, (active[record.agent] ?? 0) - 1);
      failed[record.agent] = record.payload.status === 'failed';
    }
  }
  return active || failed ? { active: active ?? tally.active, failed: failed ?? tally.failed } : tally;
}

/** Each started agent's state; agents the run did not start are offline (and absent here). */
export function agentStates(tally: StateTally, run: RunStatus | null, paused: readonly PausedRunInfo[]): Record<string, LiveAgentState> {
  const states: Record<string, LiveAgentState> = {};
  if (!run || run.state !== 'running') return states;
  const waiting = new Set(paused.map((p) => p.agent));
  for (const { name } of run.agents) {
    states[name] = waiting.has(name) ? 'paused' : (tally.active[name] ?? 0) > 0 ? 'busy' : tally.failed[name] ? 'failed' : 'idle';
  }
  return states;
}
