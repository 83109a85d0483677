/**
 * What a replay needs from a recorded run, read out of its trace records once: each agent's model
 * calls (`llm.call`), the results of its tools (`tool.result`), and the requests the run received
 * from outside (the workbench's or the CLI's sender, recorded on the bus with their target), each
 * with the inputs whose replies had arrived before it was sent — "the same point" to send it again.
 */
import type { RecordedLlmCall } from '../../llm/replay.js';
import type { TraceHeader, TraceRecord } from '../../trace/record.js';

/** The names the run session sends outside requests as (`senderName` of the app and the CLI). */
export const INPUT_SENDERS: readonly string[] = ['switchboard_app', 'switchboard_cli'];

/** One recorded tool result of an agent. */
export interface RecordedToolResult {
  agent: string;
  tool: string;
  arguments: Record<string, unknown>;
  result: string;
  isError: boolean;
  refused: 'not_allowed' | 'rate_limited' | 'timeout' | null;
}

/** One request the recorded run received from outside. */
export interface RecordedInput {
  /** 0-based, in the order they were sent. */
  index: number;
  /** Its record's seq in the recorded run. */
  seq: number;
  from: string;
  to: string;
  content: string;
  /** The earlier inputs whose replies had arrived before this one was sent. */
  after: number[];
  /** Its recorded reply, or null when none was recorded (it timed out, or the run stopped first). */
  reply: { content: string; failed: boolean } | null;
}

/** A recorded run, as a replay reads it. */
export interface Recording {
  runId: string;
  /** When the recorded run started (ISO): a replay's `{{date}}` is that day, not today. */
  startedAt: string;
  /** The topology file's text from the trace header; null when the run did not record it. */
  topology: string | null;
  llmCalls: RecordedLlmCall[];
  toolResults: RecordedToolResult[];
  inputs: RecordedInput[];
  /** Each memory consolidation's summary, by agent in order (undefined: a trace from before summaries were recorded). */
  consolidations: { agent: string; summary: string | null | undefined }[];
}

/** Reads a recording out of a run's header and records (in seq order). */
export function recordingFrom(header: TraceHeader, records: Iterable<TraceRecord>): Recording {
  const llmCalls: RecordedLlmCall[] = [];
  const toolResults: RecordedToolResult[] = [];
  const inputs: RecordedInput[] = [];
  const consolidations: Recording['consolidations'] = [];
  // Reply inbox → input index, until its reply is seen.
  const awaiting = new Map<string, number>();
  const answered: number[] = [];
  for (const record of records) {
    if (record.kind === 'event') {
      if (record.name === 'llm.call') {
        const { agent, request, response, error } = record.payload;
        llmCalls.push({ agent, request, response, error });
      } else if (record.name === 'tool.result') {
        const { agent, tool, arguments: args, result, isError, refused } = record.payload;
        toolResults.push({ agent, tool, arguments: args, result, isError, refused });
      } else if (record.name === 'memory.consolidated') {
        consolidations.push({ agent: record.payload.agent, summary: record.payload.summary });
      }
      continue;
    }
    const pending = awaiting.get(record.subject);
    if (pending !== undefined) {
      awaiting.delete(record.subject);
      const message = record.parsed.ok ? record.parsed.message : null;
      inputs[pending]!.reply = { content: message?.content ?? record.payload, failed: message?.metadata['status'] === 'failed' };
      answered.push(pending);
      continue;
    }
    if (!record.parsed.ok) continue;
    const message = record.parsed.message;
    if (message.message_type !== 'request' || !INPUT_SENDERS.includes(message.from_agent) || !message.to_agent) continue;
    const index = inputs.length;
    inputs.push({ index, seq: record.seq, from: message.from_agent, to: message.to_agent, content: message.content, after: [...answered], reply: null });
    if (record.reply) awaiting.set(record.reply, index);
  }
  return { runId: header.run, startedAt: header.startedAt, topology: header.topology, llmCalls, toolResults, inputs, consolidations };
}
