/**
 * A selection of trace records as a Mermaid `sequenceDiagram`: participants are agents (in order of
 * first appearance), arrows are messages, one arrow style per message kind, replies dashed.
 * Isomorphic. (Tests read diagrams back with test/helpers/mermaid-sequence.ts: no parser ships.)
 */
import type { AgentMessage } from '../protocol/agent-message.js';
import { mermaidId } from '../topology/export/mermaid.js';
import { Correlator, type RequestPair } from './correlate.js';
import { agentMessageOf, isPresence, requestSubjectAgent } from './message-facts.js';
import type { MessageRecord, TraceRecord } from './record.js';

/** The arrow each kind of message is drawn with (Mermaid's sequence arrows). */
const SEQUENCE_ARROWS = {
  request: '->>',
  response: '-->>',
  /** A reply with `status: failed`. */
  failed: '--x',
  direct: '-)',
  /** The cross: the task leaves the sender. */
  handoff: '-x',
  broadcast: '--)',
} as const;

/** The participant broadcasts go to. */
const BROADCAST_PARTICIPANT = 'all agents';

/** One arrow of a sequence diagram. */
export interface SequenceMessage {
  from: string;
  to: string;
  arrow: string;
  label: string;
}

/** Options of {@link MermaidSequenceBuilder}. */
export interface MermaidSequenceOptions {
  /** Labels longer than this (in characters) are clipped with "…" (default 60). */
  maxLabel?: number;
  /** Draw seed 004's stream frames as reply arrows (default: no, the final reply says it all). */
  streamFrames?: boolean;
  /** Draw announcements and heartbeats as broadcasts (default: no). */
  presence?: boolean;
  /** Stop drawing after this many arrows; a note says how many were left out. */
  maxMessages?: number;
  /** Request timeout for the "no reply" notes (ms, default 30 s). */
  timeoutMs?: number;
}

const BROADCAST_ID = 'bcast'; // mermaidId() always starts with "n_", so this cannot collide

/** Builds a sequence diagram one record at a time. */
export class MermaidSequenceBuilder {
  private readonly correlator: Correlator;
  private readonly participants = new Map<string, string>();
  private readonly body: string[] = [];
  private readonly drawn: SequenceMessage[] = [];
  private readonly handoffs = new Set<string>();
  private readonly maxLabel: number;
  private skipped = 0;
  private finished: string | null = null;

  constructor(private readonly options: MermaidSequenceOptions = {}) {
    this.correlator = new Correlator(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
    this.maxLabel = options.maxLabel ?? 60;
  }

  /** Takes the next record of the selection. */
  add(record: TraceRecord): void {
    if (this.finished !== null) throw new Error('MermaidSequenceBuilder.add after toString().');
    const step = this.correlator.add(record);
    for (const pair of step.expired) this.noReply(pair, `no reply from ${pair.to ?? '?'} within ${seconds(pair.waitedMs)}`);
    if (record.kind !== 'message') return;
    const message = agentMessageOf(record);
    if (message) this.message(record, message, step.resolved);
    else if (step.resolved) this.bareReply(record, step.resolved);
  }

  /** Every arrow drawn so far, as a reader of the diagram sees them. */
  messages(): SequenceMessage[] {
    return this.drawn.slice();
  }

  /** The diagram (ends the trace: requests still waiting get a note). */
  toString(): string {
    if (this.finished !== null) return this.finished;
    for (const pair of this.correlator.finish().pairs) {
      if (pair.timedOutBy === 'trace_end') this.noReply(pair, `no reply from ${pair.to ?? '?'} before the trace ended`);
    }
    const first = this.participants.values().next().value;
    if (this.skipped > 0 && first !== undefined) this.body.push(`  Note over ${first}: … ${this.skipped} more message${this.skipped === 1 ? '' : 's'} not shown`);
    const lines = ['sequenceDiagram'];
    for (const [name, id] of this.participants) lines.push(`  participant ${id} as ${escapeMermaidText(name)}`);
    this.finished = `${[...lines, ...this.body].join('\n')}\n`;
    return this.finished;
  }

  private message(record: MessageRecord, message: AgentMessage, resolved: RequestPair | null): void {
    const type = message.message_type;
    const text = message.content || `(${type})`;
    switch (type) {
      case 'request':
        this.arrow(message.from_agent, message.to_agent ?? requestSubjectAgent(record.subject) ?? record.subject, SEQUENCE_ARROWS.request, text);
        return;
      case 'response': {
        const to = message.to_agent ?? resolved?.from;
        if (to) this.arrow(message.from_agent, to, message.metadata['status'] === 'failed' ? SEQUENCE_ARROWS.failed : SEQUENCE_ARROWS.response, text);
        return;
      }
      case 'stream.begin':
      case 'stream.chunk':
      case 'stream.end':
        if (this.options.streamFrames && message.to_agent) this.arrow(message.from_agent, message.to_agent, SEQUENCE_ARROWS.response, `${type}: ${message.content}`);
        return;
      case 'direct':
        if (message.to_agent) this.arrow(message.from_agent, message.to_agent, SEQUENCE_ARROWS.direct, text);
        return;
      case 'handoff':
        // The runtime publishes a handoff twice (direct subject and tracking copy): one arrow.
        if (!message.to_agent || this.handoffs.has(message.message_id)) return;
        this.handoffs.add(message.message_id);
        if (this.arrow(message.from_agent, message.to_agent, SEQUENCE_ARROWS.handoff, text)) this.note([message.from_agent, message.to_agent], 'handoff');
        return;
      case 'broadcast':
      case 'announcement':
      case 'heartbeat':
        if (isPresence(message) && !this.options.presence) return;
        if (this.arrow(message.from_agent, BROADCAST_PARTICIPANT, SEQUENCE_ARROWS.broadcast, text)) this.note([message.from_agent], `${type} on ${record.subject}`);
        return;
    }
  }

  /** A reply that is not an AgentMessage (seed 001's TaskResponse, the server's 503). */
  private bareReply(record: MessageRecord, pair: RequestPair): void {
    if (!pair.from || !pair.to) return;
    if (pair.status === 'no_responders') {
      this.note([pair.from], `no responders on ${pair.request.subject}`);
      return;
    }
    const text = record.encoding === 'utf8' && record.payload ? record.payload : `(${record.size} bytes)`;
    this.arrow(pair.to, pair.from, pair.status === 'failed' ? SEQUENCE_ARROWS.failed : SEQUENCE_ARROWS.response, text);
  }

  private noReply(pair: RequestPair, text: string): void {
    if (pair.from && pair.to) this.note([pair.from], text); // agent requests only, not JetStream calls
  }

  private arrow(from: string, to: string, arrow: string, text: string): boolean {
    if (this.options.maxMessages !== undefined && this.drawn.length >= this.options.maxMessages) {
      this.skipped++;
      return false;
    }
    const label = mermaidLabel(text, this.maxLabel) || '(empty)';
    this.body.push(`  ${this.participant(from)}${arrow}${this.participant(to)}: ${escapeMermaidText(label)}`);
    this.drawn.push({ from, to, arrow, label });
    return true;
  }

  private note(over: string[], text: string): void {
    if (this.options.maxMessages !== undefined && this.drawn.length >= this.options.maxMessages) return;
    this.body.push(`  Note over ${over.map((name) => this.participant(name)).join(',')}: ${escapeMermaidText(mermaidLabel(text, this.maxLabel))}`);
  }

  private participant(name: string): string {
    let id = this.participants.get(name);
    if (id === undefined) {
      id = name === BROADCAST_PARTICIPANT ? BROADCAST_ID : mermaidId(name);
      this.participants.set(name, id);
    }
    return id;
  }
}

/** A Mermaid `sequenceDiagram` of `records` (a selection of a trace, in order). */
export function exportMermaidSequence(records: Iterable<TraceRecord>, options: MermaidSequenceOptions = {}): string {
  const builder = new MermaidSequenceBuilder(options);
  for (const record of records) builder.add(record);
  return builder.toString();
}

/** The text an arrow shows: one line, clipped to `max` characters with "…" (not yet escaped). */
export function mermaidLabel(text: string, max = 60): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const chars = [...line]; // by code point, so a clip never splits a surrogate pair
  return chars.length <= max ? line : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/**
 * Text Mermaid cannot misread: `;` ends a statement and `#` starts an entity, quotes, `<>&` and
 * backslashes read as markup, so they become Mermaid's `#code;` entities; newlines become spaces.
 */
export function escapeMermaidText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[;#"'<>&`\\{}]/g, (c) => `#${c.codePointAt(0)};`);
}

/** A wait as a note says it: "30 s", "1.5 s", "250 ms". */
function seconds(ms: number | null): string {
  if (ms === null) return '?';
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms)} ms`;
}
