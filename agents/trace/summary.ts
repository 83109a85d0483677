/**
 * A trace's summary for `switchboard trace --format summary`: counts per subject and agent, request
 * latencies, timeouts, failures, LLM calls and tokens. Built in one pass (a summarizer) so a
 * million-record file streams through it. Isomorphic.
 */
import { SUBJECT_PROFILES } from '../protocol/subjects.js';
import { Correlator, type CorrelateOptions, type Correlation, type RequestPair } from './correlate.js';
import { agentMessageOf } from './message-facts.js';
import { formatDesignedVsObserved, type DesignedVsObserved } from './designed-vs-observed.js';
import type { TraceHeader, TraceRecord } from './record.js';

/** Messages on one subject (or one group of per-message subjects, e.g. an agent's inboxes). */
export interface SubjectCount {
  subject: string;
  count: number;
}

/** What one agent did. */
export interface AgentCount {
  agent: string;
  sent: number;
  received: number;
  events: number;
}

/** Nearest-rank percentiles of a set of durations (ms); null when there are none. */
export interface LatencyStats {
  count: number;
  p50: number | null;
  p95: number | null;
  max: number | null;
}

/** A trace in numbers. */
export interface TraceSummary {
  records: number;
  messages: number;
  events: number;
  /** Last mono minus first mono. */
  durationMs: number;
  subjects: SubjectCount[];
  agents: AgentCount[];
  /** Agent requests (a known addressee), not JetStream API calls. */
  requests: { total: number; answered: number; failed: number; timedOut: number; noResponders: number; latency: LatencyStats };
  /** Request/replies that are not agent requests (JetStream, KV…). */
  otherRequests: number;
  timedOut: RequestPair[];
  failures: { count: number; examples: string[] };
  runs: { started: number; completed: number; failed: number };
  llm: { calls: number; failed: number; inputTokens: number; outputTokens: number; latency: LatencyStats };
  handoffChains: string[][];
  conversations: number;
}

const MAX_EXAMPLES = 10;

/** Builds a {@link TraceSummary} one record at a time. */
export class TraceSummarizer {
  readonly correlator: Correlator;
  private records = 0;
  private messages = 0;
  private events = 0;
  private firstMono: number | null = null;
  private lastMono = 0;
  private readonly subjects = new Map<string, number>();
  private readonly agents = new Map<string, AgentCount>();
  private readonly failures: string[] = [];
  private failureCount = 0;
  private readonly runs = { started: 0, completed: 0, failed: 0 };
  private readonly llm = { calls: 0, failed: 0, inputTokens: 0, outputTokens: 0 };
  private readonly llmLatencies: number[] = [];

  constructor(options: CorrelateOptions = {}) {
    this.correlator = new Correlator(options);
  }

  /** Takes the next record. */
  add(record: TraceRecord): void {
    this.correlator.add(record);
    this.records++;
    this.firstMono ??= record.mono;
    this.lastMono = Math.max(this.lastMono, record.mono);
    if (record.kind === 'message') {
      this.messages++;
      const group = subjectGroup(record.subject);
      this.subjects.set(group, (this.subjects.get(group) ?? 0) + 1);
      const message = agentMessageOf(record);
      if (message) {
        this.agent(message.from_agent).sent++;
        if (message.to_agent) this.agent(message.to_agent).received++;
      }
      return;
    }
    this.events++;
    this.agent(record.agent).events++;
    switch (record.name) {
      case 'run.started':
        this.runs.started++;
        break;
      case 'run.completed': {
        const p = record.payload;
        this.runs.completed++;
        if (p.status === 'failed') {
          this.runs.failed++;
          this.failure(`run ${p.runId} of ${record.agent} failed: ${str(p.error)}`);
        }
        break;
      }
      case 'handler.failed':
        this.failure(`handler of ${record.agent} failed on ${record.payload.messageId}: ${record.payload.error}`);
        break;
      case 'budget.exceeded': {
        const p = record.payload;
        this.failure(`${record.agent} ran out of ${p.budget} (${p.used} of ${p.limit}) in run ${p.runId}`);
        break;
      }
      case 'message.invalid':
        this.failure(`${record.agent} got an invalid message on ${record.payload.subject}: ${record.payload.reason}`);
        break;
      case 'llm.call': {
        const p = record.payload;
        this.llm.calls++;
        if (p.error !== null) this.llm.failed++;
        if (p.response) {
          this.llm.inputTokens += p.response.usage.inputTokens;
          this.llm.outputTokens += p.response.usage.outputTokens;
        }
        this.llmLatencies.push(p.latencyMs);
        break;
      }
    }
  }

  /** Ends the trace and returns the summary (and the correlation it used). */
  finish(): TraceSummary & { correlation: Correlation } {
    const correlation = this.correlator.finish();
    const agentPairs = correlation.pairs.filter((p) => p.to !== null);
    const count = (status: RequestPair['status']) => agentPairs.filter((p) => p.status === status).length;
    const latencies = agentPairs.filter((p) => (p.status === 'answered' || p.status === 'failed') && p.latencyMs !== null).map((p) => p.latencyMs!);
    let failures = this.failureCount;
    const examples = this.failures.slice();
    for (const pair of agentPairs) {
      if (pair.status !== 'failed') continue;
      failures++;
      if (examples.length < MAX_EXAMPLES) examples.push(`seq ${pair.request.seq} ${pair.from ?? '?'} -> ${pair.to ?? '?'} failed: ${pair.error ?? ''}`);
    }
    return {
      records: this.records,
      messages: this.messages,
      events: this.events,
      durationMs: this.firstMono === null ? 0 : this.lastMono - this.firstMono,
      subjects: [...this.subjects].map(([subject, n]) => ({ subject, count: n })).sort((a, b) => b.count - a.count || a.subject.localeCompare(b.subject)),
      agents: [...this.agents.values()].sort((a, b) => a.agent.localeCompare(b.agent)),
      requests: {
        total: agentPairs.length,
        answered: count('answered'),
        failed: count('failed'),
        timedOut: count('timed_out'),
        noResponders: count('no_responders'),
        latency: latencyStats(latencies),
      },
      otherRequests: correlation.pairs.length - agentPairs.length,
      timedOut: agentPairs.filter((p) => p.status === 'timed_out'),
      failures: { count: failures, examples },
      runs: { ...this.runs },
      llm: { ...this.llm, latency: latencyStats(this.llmLatencies) },
      handoffChains: correlation.chains.map((c) => c.agents),
      conversations: correlation.conversations.length,
      correlation,
    };
  }

  private agent(name: string): AgentCount {
    let entry = this.agents.get(name);
    if (!entry) this.agents.set(name, (entry = { agent: name, sent: 0, received: 0, events: 0 }));
    return entry;
  }

  private failure(text: string): void {
    this.failureCount++;
    if (this.failures.length < MAX_EXAMPLES) this.failures.push(text);
  }
}

/** Summarizes a whole trace. */
export function summarizeTrace(records: Iterable<TraceRecord>, options: CorrelateOptions = {}): TraceSummary {
  const summarizer = new TraceSummarizer(options);
  for (const record of records) summarizer.add(record);
  return summarizer.finish();
}

// Per-message subjects (an agent's stream frames) grouped under their template's pattern.
const RESPONSE_SUBJECTS = Object.values(SUBJECT_PROFILES).flatMap((profile) => {
  if (!profile.response) return [];
  const [before, after] = profile.response.split('{message_id}');
  if (after === undefined) return [];
  const source = `^(${(before ?? '').replace(/[.$]/g, (c) => `\\${c}`).replace('{agent}', '[^.]+')})[^.]+${after.replace(/[.$]/g, (c) => `\\${c}`)}$`;
  return [{ regex: new RegExp(source), tail: after }];
});

/** The group a subject is counted under: inboxes by owner, JetStream acks and flow control by stream, stream frames by agent. */
export function subjectGroup(subject: string): string {
  if (subject.startsWith('_INBOX')) return `${subject.split('.', 1)[0]}.>`;
  if (subject.startsWith('$JS.ACK.') || subject.startsWith('$JS.FC.')) return `${subject.split('.', 3).join('.')}.>`;
  for (const { regex, tail } of RESPONSE_SUBJECTS) {
    const match = regex.exec(subject);
    if (match) return `${match[1]}*${tail}`;
  }
  return subject;
}

/** p50/p95/max by nearest rank. */
function latencyStats(values: readonly number[]): LatencyStats {
  if (values.length === 0) return { count: 0, p50: null, p95: null, max: null };
  const sorted = Float64Array.from(values).sort();
  return { count: sorted.length, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), max: sorted[sorted.length - 1]! };
}

/** The nearest-rank percentile `p` (0..1] of ascending `sorted`. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** Options of {@link formatSummary}. */
export interface FormatSummaryOptions {
  header?: TraceHeader;
  designed?: DesignedVsObserved;
  /** How many subjects, agents and examples each list shows. */
  limit?: number;
}

/** The summary as text. */
export function formatSummary(summary: TraceSummary, options: FormatSummaryOptions = {}): string {
  const limit = options.limit ?? 20;
  const { header } = options;
  const lines: string[] = [];
  lines.push(
    `${header ? `Trace ${header.run} (started ${header.startedAt})` : 'Trace'}: ${summary.records} record${plural(summary.records)} — ${summary.messages} message${plural(summary.messages)}, ${summary.events} event${plural(summary.events)} — over ${ms(summary.durationMs)}`,
  );

  lines.push('', `Subjects: ${summary.subjects.length}`);
  const width = Math.max(5, ...summary.subjects.slice(0, limit).map((s) => String(s.count).length));
  for (const s of summary.subjects.slice(0, limit)) lines.push(`  ${String(s.count).padStart(width)}  ${s.subject}`);
  if (summary.subjects.length > limit) lines.push(`  … and ${summary.subjects.length - limit} more`);

  lines.push('', `Agents: ${summary.agents.length}`);
  if (summary.agents.length > 0) {
    const nameWidth = Math.max(5, ...summary.agents.slice(0, limit).map((a) => a.agent.length));
    lines.push(`  ${'agent'.padEnd(nameWidth)}  ${'sent'.padStart(8)}  ${'received'.padStart(8)}  ${'events'.padStart(8)}`);
    for (const a of summary.agents.slice(0, limit)) lines.push(`  ${a.agent.padEnd(nameWidth)}  ${String(a.sent).padStart(8)}  ${String(a.received).padStart(8)}  ${String(a.events).padStart(8)}`);
    if (summary.agents.length > limit) lines.push(`  … and ${summary.agents.length - limit} more`);
  }

  const r = summary.requests;
  lines.push(
    '',
    `Requests: ${r.total} (${r.answered} answered, ${r.failed} failed, ${r.timedOut} timed out, ${r.noResponders} no responders); latency ${stats(r.latency)}`,
  );
  for (const p of summary.timedOut.slice(0, limit)) {
    lines.push(`  timed out: seq ${p.request.seq} ${p.from ?? '?'} -> ${p.to ?? '?'} on ${p.request.subject} (${p.timedOutBy === 'trace_end' ? `trace ended after ${ms(p.waitedMs ?? 0)}` : `no reply within ${ms(p.waitedMs ?? 0)}`})`);
  }
  if (summary.timedOut.length > limit) lines.push(`  … and ${summary.timedOut.length - limit} more`);
  if (summary.otherRequests > 0) lines.push(`Other request/replies (JetStream, KV…): ${summary.otherRequests}`);
  lines.push(`Handoff chains: ${summary.handoffChains.length}`);
  for (const chain of summary.handoffChains.slice(0, limit)) lines.push(`  ${chain.join(' -> ')}`);
  lines.push(`Conversations: ${summary.conversations}`);
  lines.push(`Runs: ${summary.runs.started} started, ${summary.runs.completed} completed, ${summary.runs.failed} failed`);

  lines.push('', `Failures: ${summary.failures.count}`);
  for (const example of summary.failures.examples.slice(0, limit)) lines.push(`  ${example}`);
  if (summary.failures.count > summary.failures.examples.length) lines.push(`  … and ${summary.failures.count - summary.failures.examples.length} more`);

  const l = summary.llm;
  lines.push('', `LLM calls: ${l.calls} (${l.failed} failed); tokens ${l.inputTokens} in, ${l.outputTokens} out; latency ${stats(l.latency)}`);

  if (options.designed) lines.push('', 'Designed vs observed:', ...formatDesignedVsObserved(options.designed, limit).map((line) => `  ${line}`));
  return `${lines.join('\n')}\n`;
}

const plural = (n: number) => (n === 1 ? '' : 's');
const str = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value) ?? 'undefined');

/** Milliseconds as a person reads them. */
function ms(value: number): string {
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  return `${value >= 100 ? Math.round(value) : Math.round(value * 10) / 10} ms`;
}

function stats(s: LatencyStats): string {
  return s.count === 0 ? 'n/a' : `p50 ${ms(s.p50!)}, p95 ${ms(s.p95!)}, max ${ms(s.max!)}`;
}
