/**
 * A long generated run for the Trace view's scale tests and the `trace-ui` benchmark: records of
 * 20 agents (requests, replies on unique subjects, broadcasts, a JetStream call in 20, a runtime
 * event in 20), written straight into a run's segments, fast enough for a million records.
 */
import { appendFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { matchesQuery, TraceFilterSchema } from '../../agents/trace/query.js';
import type { TraceRecord } from '../../agents/trace/record.js';
import type { TraceLibrary } from '../../main/host/trace/index.js';
import { segmentName } from '../../main/host/trace/segments.js';

/** The agents of a long run. */
export const LONG_RUN_AGENTS = Array.from({ length: 20 }, (_, i) => `agent_${String(i).padStart(2, '0')}`);

/** Record `seq` of a long run (1 in 20 is NATS infrastructure, hidden by the table's default). */
export function longRunRecord(seq: number): TraceRecord {
  const time = new Date(Date.UTC(2026, 0, 1, 12) + seq * 3).toISOString();
  const base = { seq, time, mono: seq * 3 };
  const from = LONG_RUN_AGENTS[seq % LONG_RUN_AGENTS.length]!;
  const to = LONG_RUN_AGENTS[(seq * 7 + 3) % LONG_RUN_AGENTS.length]!;
  const kind = seq % 20;
  if (kind === 19) return { ...base, kind: 'event', name: 'ooda.phase', agent: from, payload: { agent: from, runId: `run-${seq >> 5}`, turn: 1, phase: 'decide', input: null, output: null, durationMs: 3 } };
  if (kind === 18) {
    const payload = '{"type":"io.nats.jetstream.api.v1.stream_info_response","total":1}';
    return { ...base, kind: 'message', subject: '$JS.API.STREAM.INFO.KV_agents', reply: null, headers: null, size: payload.length, payload, encoding: 'utf8', truncated: false, parsed: { ok: false, reason: 'not an AgentMessage: message_type is missing' } };
  }
  const type = kind < 8 ? 'request' : kind < 16 ? 'response' : 'broadcast';
  const subject = type === 'request' ? `agents.request.${to}` : type === 'response' ? `agents.response.${from}.m${seq}` : 'agents.all';
  const message = { message_type: type, from_agent: from, to_agent: type === 'broadcast' ? null : to, content: `step ${seq} of the plan`, metadata: {}, timestamp: time, message_id: `m${seq}`, in_reply_to: type === 'response' ? `m${seq - 8}` : null, priority: 2 };
  const payload = JSON.stringify(message);
  return { ...base, kind: 'message', subject, reply: null, headers: null, size: payload.length, payload, encoding: 'utf8', truncated: false, parsed: { ok: true, message } } as TraceRecord;
}

/** The seq shown at `position` (0-based) of a long run with NATS infrastructure hidden. */
export const longRunSeqAt = (position: number): number => {
  const block = Math.floor(position / 19);
  const at = position % 19; // 19 shown of every 20: seq 20k+18 is infrastructure
  return block * 20 + (at < 17 ? at + 1 : at + 2);
};

/** Segment size of a long run written here (the store's default). */
const SEGMENT_BYTES = 64 * 1024 * 1024;

/**
 * Writes a long run of `count` records: the store creates it (its header), the records go straight
 * into its segments as the store writes them (`JSON.stringify`, one a line), so a million take
 * seconds; the index is built when the run is opened. Returns how many records the table shows
 * (infrastructure hidden) and how many of those `filter` matches.
 */
export async function writeLongRun(library: TraceLibrary, run: string, count: number, filter: { subject?: string; agent?: string } = {}): Promise<{ shown: number; filtered: number }> {
  const store = await library.create({ run, startedAt: '2026-01-01T12:00:00.000Z' });
  const dir = store.dir;
  await store.close();
  const hidden = TraceFilterSchema.parse({ infrastructure: 'hide' });
  const narrowed = TraceFilterSchema.parse({ infrastructure: 'hide', ...filter });
  let shown = 0;
  let filtered = 0;
  let segment = 1;
  let bytes = statSync(path.join(dir, segmentName(1))).size;
  let chunk: string[] = [];
  let chunkBytes = 0;
  const flush = () => {
    appendFileSync(path.join(dir, segmentName(segment)), chunk.join(''));
    chunk = [];
    chunkBytes = 0;
  };
  for (let seq = 1; seq <= count; seq++) {
    const record = longRunRecord(seq);
    if (matchesQuery(record, hidden)) shown++;
    if (matchesQuery(record, narrowed)) filtered++;
    const line = `${JSON.stringify(record)}\n`;
    const size = Buffer.byteLength(line);
    if (bytes + chunkBytes + size > SEGMENT_BYTES) {
      flush();
      segment++;
      bytes = 0;
    }
    chunk.push(line);
    chunkBytes += size;
    if (chunkBytes > 4 * 1024 * 1024) {
      bytes += chunkBytes;
      flush();
    }
  }
  flush();
  return { shown, filtered };
}
