/**
 * One record of a run's trace: a message seen on the bus, or an event of the runtime (OODA
 * phases, LLM calls, tool calls, budget stops, errors). Both go into one ordered store; the NDJSON
 * export is these records, one a line. Isomorphic: the renderer reads traces too.
 */
import { z } from 'zod';
import { AgentMessageSchema } from '../protocol/agent-message.js';
import { isRuntimeEventName, RuntimeEventSchemas, type RuntimeEventName, type RuntimeEvents } from '../protocol/runtime-events.js';
import { synadiaPromptAgents } from './synadia-rows.js';

/** The trace format version written in each NDJSON file's header line. */
export const TRACE_FORMAT = 'switchboard.trace/v1';

const Base = {
  /** Order of arrival in this run, from 1, without gaps. */
  seq: z.number().int().positive(),
  /** Wall clock at receipt (ISO 8601, ms). */
  time: z.string(),
  /** Monotonic clock at receipt, in ms since the recorder started (for latencies). */
  mono: z.number().nonnegative(),
};

/** What a payload is as an AgentMessage: the parsed message, or why it is not one. */
export const ParsedPayloadSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), message: AgentMessageSchema }),
  z.object({ ok: z.literal(false), reason: z.string() }),
]);

/** A message seen on the bus. */
export const MessageRecordSchema = z.object({
  ...Base,
  kind: z.literal('message'),
  subject: z.string(),
  reply: z.string().nullable(),
  headers: z.record(z.string(), z.array(z.string())).nullable(),
  /** Size of the whole payload in bytes, even when the stored payload is cut. */
  size: z.number().int().nonnegative(),
  /** The payload as text (UTF-8), or base64 when it is not text. */
  payload: z.string(),
  encoding: z.enum(['utf8', 'base64']),
  /** True when `payload` was cut at the store's size limit. */
  truncated: z.boolean(),
  parsed: ParsedPayloadSchema,
});
export type MessageRecord = z.infer<typeof MessageRecordSchema>;

/**
 * A payload checked against its event's schema but kept as written: key order and all. zod would
 * rebuild the object in schema order, and a trace must come back byte for byte (export → import →
 * export). The cost: defaults of nested schemas are not filled in on import (the runtime writes
 * complete payloads), and the contract's JSON Schema shows payloads as `{}`.
 */
const asWritten = <N extends RuntimeEventName>(name: N) =>
  z.custom<RuntimeEvents[N]>().superRefine((value, ctx) => {
    const checked = RuntimeEventSchemas[name].safeParse(value);
    if (!checked.success) for (const issue of checked.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path, input: issue.input });
  });

/** An event record's schema for one runtime event: its name as the discriminant, its payload typed. */
const eventRecord = <N extends RuntimeEventName>(name: N) =>
  z.object({
    ...Base,
    kind: z.literal('event'),
    /** The runtime event's name, e.g. `ooda.phase`, `llm.call`, `tool.result`. */
    name: z.literal(name),
    /** The agent the event is about. */
    agent: z.string(),
    payload: asWritten(name),
  });

// One entry per runtime event; `EventRecordNamesComplete` below fails to compile when one is missing.
const EVENT_RECORDS = [
  eventRecord('agent.started'),
  eventRecord('agent.stopped'),
  eventRecord('agent.announced'),
  eventRecord('message.received'),
  eventRecord('message.invalid'),
  eventRecord('message.sent'),
  eventRecord('handler.failed'),
  eventRecord('run.started'),
  eventRecord('batch.formed'),
  eventRecord('ooda.phase'),
  eventRecord('ooda.paused'),
  eventRecord('ooda.resumed'),
  eventRecord('llm.call'),
  eventRecord('tool.invoked'),
  eventRecord('tool.result'),
  eventRecord('memory.consolidated'),
  eventRecord('budget.exceeded'),
  eventRecord('evaluation.judged'),
  eventRecord('run.completed'),
  eventRecord('replay.diverged'),
  eventRecord('replay.forked'),
  eventRecord('protocol.a2a.request'),
  eventRecord('protocol.a2a.response'),
  eventRecord('protocol.mcp.request'),
  eventRecord('protocol.mcp.response'),
  eventRecord('workflow.started'),
  eventRecord('workflow.resumed'),
  eventRecord('workflow.stepStarted'),
  eventRecord('workflow.stepFinished'),
  eventRecord('workflow.finished'),
  eventRecord('workflow.failed'),
  eventRecord('negotiation.proposed'),
  eventRecord('negotiation.answered'),
  eventRecord('negotiation.finished'),
  eventRecord('bus.disconnected'),
  eventRecord('bus.reconnected'),
] as const;
type EventRecordNamesComplete = RuntimeEventName extends (typeof EVENT_RECORDS)[number]['shape']['name']['value'] ? true : never;
const eventRecordNamesComplete: EventRecordNamesComplete = true;
void eventRecordNamesComplete;

/**
 * An event of the agent runtime (agents/protocol/runtime-events.ts), discriminated on `name`, so
 * `record.name === 'llm.call'` narrows `record.payload`. A name this version does not know (a trace
 * written by a newer Switchboard) is refused with a clear error rather than kept untyped: an untyped
 * variant would make every `name` check stop narrowing.
 */
export const EventRecordSchema = z.discriminatedUnion('name', EVENT_RECORDS, {
  error: (issue) =>
    issue.code === 'invalid_union' && isRecord(issue.input) && typeof issue.input['name'] === 'string' && !isRuntimeEventName(issue.input['name'])
      ? `unknown event "${issue.input['name']}" (written by a newer Switchboard?)`
      : undefined,
});
export type EventRecord = z.infer<typeof EventRecordSchema>;
/** The record of one runtime event. */
export type EventRecordOf<N extends RuntimeEventName> = Extract<EventRecord, { name: N }>;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** One line of a trace: a bus message or a runtime event (narrow on `kind`, then on an event's `name`). */
export const TraceRecordSchema = z.discriminatedUnion('kind', [MessageRecordSchema, EventRecordSchema]);
export type TraceRecord = z.infer<typeof TraceRecordSchema>;

/** The first line of an NDJSON trace file: what it is and which run. */
export const TraceHeaderSchema = z.object({
  format: z.literal(TRACE_FORMAT),
  run: z.string(),
  startedAt: z.string(),
  /** The topology that ran, when known (designed-vs-observed needs it). */
  topology: z.string().nullable().default(null),
  /** For a replay or a fork: the run it re-ran (absent for a live run and in older traces). */
  replayOf: z.string().optional(),
  /** For a fork: where it forked (`turn`: the agent's N-th decision). */
  fork: z.object({ agent: z.string(), turn: z.number().int().positive() }).optional(),
});
export type TraceHeader = z.infer<typeof TraceHeaderSchema>;

/** The agents a record is about: sender and receiver of an AgentMessage, or the event's agent. */
export function agentsOf(record: TraceRecord): string[] {
  if (record.kind === 'event') return [record.agent];
  if (!record.parsed.ok) return synadiaPromptAgents(record.subject, record.reply);
  const { from_agent, to_agent } = record.parsed.message;
  return to_agent && to_agent !== from_agent ? [from_agent, to_agent] : [from_agent];
}
