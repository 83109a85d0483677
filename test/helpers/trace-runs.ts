/**
 * Generated runs for the trace store's tests: varied records (many subject shapes, some unique;
 * invalid payloads; events; odd times; NATS infrastructure and its inbox replies; failed replies,
 * no responders, truncated payloads and failure events), deterministic from a seed.
 */
import type { AgentMessage } from '../../agents/protocol/agent-message.js';
import { TraceRecordSchema, type MessageRecord, type TraceRecord } from '../../agents/trace/record.js';
import { eventRecord } from './trace-events.js';

/** A small deterministic PRNG (mulberry32), so a failing case can be reproduced. */
export function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const AGENTS = ['alice', 'bob', 'carol', 'dave', 'eve'];
export const TYPES = ['request', 'response', 'direct', 'handoff', 'broadcast', 'heartbeat'] as const;
export const EVENTS = ['llm.call', 'ooda.phase', 'run.started', 'tool.result', 'handler.failed'] as const;
export const WORDS = ['weather', 'Paris', 'ticket', 'refund', 'ÉTÉ', 'budget'];

/** `count` varied records: messages on many subject shapes (some unique, some NATS infrastructure, some replies), invalid payloads, errors, events, odd times. */
export function generate(count: number, seed: number): TraceRecord[] {
  const rand = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const start = Date.UTC(2025, 0, 1, 12);
  const records: TraceRecord[] = [];
  for (let seq = 1; seq <= count; seq++) {
    const ms = start + seq * 7 + Math.floor(rand() * 5);
    // A few times are not in toISOString form: the store must still agree with string comparison.
    const time = rand() < 0.02 ? pick(['2025-01-01', 'not a time', '2025-01-01T12:00:05Z']) : new Date(ms).toISOString();
    const base = { seq, time, mono: seq * 20 }; // 4,000 records span 80 s: unanswered requests time out (30 s)
    const from = pick(AGENTS);
    if (rand() < 0.2) {
      const name = pick(EVENTS);
      const runId = `run-${Math.floor(rand() * 20)}`;
      const failing = rand() < 0.3;
      if (name === 'llm.call') records.push(eventRecord(base, name, from, { runId, error: failing ? 'rate limited' : null }));
      else if (name === 'tool.result') records.push(eventRecord(base, name, from, { runId, isError: failing, refused: failing && rand() < 0.5 ? 'not_allowed' : null }));
      else if (name === 'handler.failed') records.push(eventRecord(base, name, from, { messageId: `m${seq - 1}` }));
      else records.push(eventRecord(base, name, from, { runId }));
      continue;
    }
    const type = pick(TYPES);
    const to = rand() < 0.15 ? from : rand() < 0.1 ? null : pick(AGENTS);
    const id = `m${seq}`;
    const subject = pick([
      `agents.request.${to ?? 'nobody'}`,
      `agents.response.${from}.${id}`, // unique per message: past the store's capacity they are grouped
      'agents.all',
      `agents.handoff.${from}.to.${to ?? 'x'}`,
      `_INBOX.${pick(['abc', 'def'])}.${seq}`,
      `_INBOX.abc.${Math.max(1, seq - 1 - Math.floor(rand() * 4))}`, // a reply to a recent request, if it was one
      `$JS.API.CONSUMER.INFO.KV_${pick(WORDS)}`,
      `$KV.agents.${from}`,
      'single',
      `other.${pick(WORDS)}`,
    ]);
    let parsed: MessageRecord['parsed'];
    let payload: string;
    if (rand() < 0.15) {
      payload = rand() < 0.2 ? `{"status":"failed","error":"no ${pick(WORDS)}"}` : `plain text ${pick(WORDS)} ${seq}`;
      parsed = { ok: false, reason: 'not an AgentMessage: the payload is not a JSON object' };
    } else {
      const message: AgentMessage = {
        message_type: type,
        from_agent: from,
        to_agent: to,
        content: `${pick(WORDS)} and ${pick(WORDS)}`,
        metadata: rand() < 0.5 ? { conversation_id: `conv-${Math.floor(rand() * 30)}` } : rand() < 0.1 ? { status: 'failed', error: 'boom' } : {},
        timestamp: time,
        message_id: id,
        in_reply_to: rand() < 0.3 ? `m${Math.max(1, seq - 3)}` : null,
        priority: 2,
      };
      payload = JSON.stringify(message);
      parsed = { ok: true, message };
    }
    const headers = pick([{ 'X-Trace': ['1'] }, { Status: ['503'] }, { Status: ['100'], Description: ['Idle Heartbeat'] }, ...Array<null>(17).fill(null)]);
    const reply = rand() < 0.2 ? `_INBOX.abc.${seq}` : rand() < 0.02 ? `$JS.ACK.KV_x.c.1.${seq}.${seq}.0.0` : null;
    const record = { ...base, kind: 'message', subject, reply, headers, size: Buffer.byteLength(payload), payload, encoding: 'utf8', truncated: rand() < 0.03, parsed };
    records.push(TraceRecordSchema.parse(record));
  }
  return records;
}
