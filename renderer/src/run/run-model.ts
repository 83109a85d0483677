/** Pure rules of the run panel: which live records are kept, and what each agent's dot shows. */
import { eventGist } from '../../../agents/trace/event-gist';
import type { TraceRecord } from '../../../agents/trace/record';
import type { RunStatus } from '../../../preload/contract';
import type { AgentStatus } from '../stores/design-store';
import { gapText } from '../trace/trace-format';

/** How many live records the panel keeps; older ones stay in the store (trace.query). */
const LIVE_CAPACITY = 1000;

/** Appends a batch in seq order, keeping the last `capacity`. */
export function appendRecords(previous: readonly TraceRecord[], batch: readonly TraceRecord[], capacity = LIVE_CAPACITY): TraceRecord[] {
  if (batch.length === 0) return previous as TraceRecord[];
  const merged = [...previous, ...batch];
  return merged.length > capacity ? merged.slice(merged.length - capacity) : merged;
}

/**
 * Each agent's dot: running while the topology runs, paused at a breakpoint, error after a failed
 * run (until its next run completes), nothing when no run is going on.
 */
export function agentStatuses(status: RunStatus | null, records: readonly TraceRecord[]): Record<string, AgentStatus> {
  if (!status || (status.state !== 'running' && status.state !== 'starting')) return {};
  const result: Record<string, AgentStatus> = {};
  for (const agent of status.agents) result[agent.name] = status.state === 'starting' ? 'starting' : 'running';
  for (const record of records) {
    if (record.kind !== 'event' || !(record.agent in result)) continue;
    if (record.name === 'ooda.paused') result[record.agent] = 'paused';
    else if (record.name === 'ooda.resumed') result[record.agent] = 'running';
    else if (record.name === 'run.completed') result[record.agent] = record.payload.status === 'failed' ? 'error' : 'running';
  }
  return result;
}

/** One line of the live list: who, to whom, what. */
export function describeRecord(record: TraceRecord): { who: string; what: string; detail: string } {
  if (record.kind === 'event') {
    const detail =
      record.name === 'ooda.phase'
        ? `${record.payload.phase} (turn ${record.payload.turn})`
        : record.name === 'llm.call'
          ? record.payload.provider
          : record.name === 'tool.result'
            ? record.payload.tool
            : record.name === 'run.completed'
              ? `${record.payload.status}: ${record.payload.error ?? record.payload.reply}`
              : (eventGist(record) ?? gapText(record));
    return { who: record.agent, what: record.name, detail };
  }
  if (!record.parsed.ok) return { who: '', what: record.subject, detail: record.payload.slice(0, 120) };
  const m = record.parsed.message;
  return { who: m.to_agent ? `${m.from_agent} → ${m.to_agent}` : m.from_agent, what: `${m.message_type} · ${record.subject}`, detail: m.content.slice(0, 200) };
}
