/**
 * The runtime's events, one map of zod schemas: the TypeScript map the emitter uses, the trace
 * record union (agents/trace/record.ts) and every reader (CLI summary, exporters, renderer) derive
 * from it. Every event names its agent; run-scoped ones carry the run id. Isomorphic: the trace
 * explorer reads these payloads in the browser. Key order is the order the runtime builds each
 * payload, so a record parsed from a trace serializes back to the same bytes.
 */
import { z } from 'zod';
import { AgentMessageSchema, AgentMetadataSchema } from './agent-message.js';
import { EvaluationJudgedEventSchema } from './evaluation-event.js';
import { LlmRequestSchema, LlmResponseSchema, OodaDecisionSchema } from './llm.js';
import { ProtocolRequestEventSchema, ProtocolResponseEventSchema } from './protocol-gateway.js';
import { NegotiationEventSchemas } from './seed-002-negotiation.js';
import { TypedEmitter } from './typed-emitter.js';
import { WorkflowEventSchemas } from './workflow-record.js';

/** The four phases of one OODA cycle. */
export const OodaPhaseSchema = z.enum(['observe', 'orient', 'decide', 'act']);
export type OodaPhase = z.infer<typeof OodaPhaseSchema>;

/** Why a run stopped: an unconditional breakpoint, a condition that hit, a step, a pause request. */
export const PauseReasonSchema = z.enum(['breakpoint', 'condition', 'step', 'pause']);
export type PauseReason = z.infer<typeof PauseReasonSchema>;

/** How a paused run goes on: to the next breakpoint, the next phase, or the next Observe of the same run. */
export const ResumeModeSchema = z.enum(['continue', 'step', 'stepOver']);
export type ResumeMode = z.infer<typeof ResumeModeSchema>;

/** What Act hands on: the reply, or the results of the tools it called (the `act` phase's output). */
export const OodaActOutputSchema = z.object({
  reply: z.string().nullable(),
  toolResults: z.array(z.object({ id: z.string(), name: z.string(), content: z.string(), isError: z.boolean() })),
});

const agent = z.string();
const runId = z.string();

/** The `agent` of the bus.* events: the trace recorder's own bus connection (its NATS name), not an agent of the topology. */
export const RECORDER_AGENT = 'switchboard-recorder';

/** Every runtime event's payload, by name. */
export const RuntimeEventSchemas = {
  /** An agent instance connected, registered and announced itself. */
  'agent.started': z.object({ agent, instance: z.string(), subjects: z.array(z.string()) }),
  /** An agent instance announced it is leaving and closed its connection. */
  'agent.stopped': z.object({ agent, instance: z.string() }),
  /** Presence seen on the broadcast subject (from any agent, in any language). */
  'agent.announced': z.object({ agent, metadata: AgentMetadataSchema, via: z.enum(['announcement', 'heartbeat']) }),
  /** A valid message arrived for an agent. */
  'message.received': z.object({ agent, subject: z.string(), message: AgentMessageSchema }),
  /** Something arrived that is not a valid message: recorded with the reason, then skipped. */
  'message.invalid': z.object({ agent, subject: z.string(), reason: z.string(), preview: z.string() }),
  /** An agent published a message. */
  'message.sent': z.object({ agent, subject: z.string(), message: AgentMessageSchema }),
  /** A handler failed; the agent answered with a failed reply and keeps serving. */
  'handler.failed': z.object({ agent, messageId: z.string(), error: z.string() }),
  /** An OODA run began for an incoming message. */
  'run.started': z.object({ agent, runId, message: AgentMessageSchema }),
  /** Requests that arrived within an agent's batch window (seed 002) became ONE run, `runId`; each member is answered on its own. */
  'batch.formed': z.object({ agent, runId, members: z.array(z.object({ messageId: z.string(), from: z.string(), subject: z.string() })) }),
  /** An OODA phase finished, with what went in and what came out (`act`'s output is an OodaActOutput). */
  'ooda.phase': z.object({ agent, runId, turn: z.number(), phase: OodaPhaseSchema, input: z.unknown(), output: z.unknown(), durationMs: z.number() }),
  /** A run stopped at a breakpoint or a step, before `phase`; `cause`: why, and what hit ("tool get_weather"; absent in older traces). */
  'ooda.paused': z.object({ agent, runId, turn: z.number(), phase: OodaPhaseSchema, payload: z.unknown(), cause: z.object({ reason: PauseReasonSchema, detail: z.string().nullable() }).optional() }),
  /** A paused run went on; `edited` when the decision was replaced before Act. */
  'ooda.resumed': z.object({ agent, runId, phase: OodaPhaseSchema, mode: ResumeModeSchema, edited: z.boolean() }),
  /** One call to the model, whole: request, response or error, tokens, latency. */
  'llm.call': z.object({
    agent,
    runId,
    turn: z.number(),
    provider: z.string(),
    model: z.string(),
    request: LlmRequestSchema,
    response: LlmResponseSchema.nullable(),
    error: z.string().nullable(),
    latencyMs: z.number(),
  }),
  /** A tool call entered the gateway (before allowlist, rate limit and idempotency checks). */
  'tool.invoked': z.object({ agent, runId, tool: z.string(), arguments: z.record(z.string(), z.unknown()), idempotencyKey: z.string().nullable() }),
  /** A tool call left the gateway: its result or error, how long it took, and whether it was refused or replayed. */
  'tool.result': z.object({
    agent,
    runId,
    tool: z.string(),
    arguments: z.record(z.string(), z.unknown()),
    result: z.string(),
    isError: z.boolean(),
    durationMs: z.number(),
    /** Why the gateway refused it without calling the tool, if it did. */
    refused: z.enum(['not_allowed', 'rate_limited', 'timeout']).nullable(),
    /** True when an idempotency key returned the first call's result. */
    replayed: z.boolean(),
  }),
  /** The run's memory was consolidated because it outgrew its context budget; `summary` is what the model summarized it to (null: dropped; absent in older traces). */
  'memory.consolidated': z.object({ agent, runId, conversation: z.string(), before: z.number(), after: z.number(), summary: z.string().nullable().optional() }),
  /** A budget ran out; the run ends with a failed reply. */
  'budget.exceeded': z.object({ agent, runId, budget: z.enum(['max_turns', 'max_tokens', 'timeout']), limit: z.number(), used: z.number() }),
  /** An evaluator judged the reply a run was about to send (seed 004 1.1): verdict, feedback, and whether it is sent, revised or sent unapproved. */
  'evaluation.judged': EvaluationJudgedEventSchema,
  /** A run ended. */
  'run.completed': z.object({
    agent,
    runId,
    status: z.enum(['completed', 'failed']),
    reply: z.string(),
    error: z.string().nullable(),
    turns: z.number(),
    tokens: z.number(),
  }),
  /** A replay met a call its record does not hold (`call`: the agent's N-th model or tool call); the replay stops. */
  'replay.diverged': z.object({ agent, runId, kind: z.enum(['llm', 'tool', 'memory']), call: z.number(), expected: z.string(), actual: z.string() }),
  /** A fork used `decision` as `agent`'s `turn`-th decision; from here on the topology's own providers answer. */
  'replay.forked': z.object({ agent, runId, turn: z.number(), decision: OodaDecisionSchema }),
  /** The protocol gateway sent a call to an external A2A agent (what was stripped: kinds and counts, never values). */
  'protocol.a2a.request': ProtocolRequestEventSchema,
  /** An external A2A agent's call ended: its final state, or the error (timeout, refused by sanitizing). */
  'protocol.a2a.response': ProtocolResponseEventSchema,
  /** The protocol gateway sent an MCP tools/call (after the tool gateway), stripped of PII. */
  'protocol.mcp.request': ProtocolRequestEventSchema,
  /** An MCP tools/call ended: its state, or the error (timeout, refused by sanitizing). */
  'protocol.mcp.response': ProtocolResponseEventSchema,
  /** Durable workflows (seed 003): started, resumed after a restart, each step's attempt, finished or failed (workflow-record.ts documents each). */
  ...WorkflowEventSchemas,
  /** Seed 002 A2A negotiation: proposed, each answer (late ones too), finished (seed-002-negotiation.ts documents each). */
  ...NegotiationEventSchemas,
  /** The recorder's bus connection dropped (`agent`: the recorder's connection name): messages routed until `bus.reconnected` are not in the trace. */
  'bus.disconnected': z.object({ agent, server: z.string(), reason: z.string() }),
  /** The recorder's bus connection is back after `gapMs`: the trace is missing what the bus carried in that gap. */
  'bus.reconnected': z.object({ agent, server: z.string(), gapMs: z.number() }),
} as const;

/** The runtime's events: name → payload, derived from the schemas. */
export type RuntimeEvents = { [N in keyof typeof RuntimeEventSchemas]: z.infer<(typeof RuntimeEventSchemas)[N]> };
/** One runtime event's name. */
export type RuntimeEventName = keyof RuntimeEvents;

/** Every runtime event name, in the map's order. */
export const RUNTIME_EVENT_NAMES = Object.keys(RuntimeEventSchemas) as RuntimeEventName[];

/** True when `name` is an event this version knows (a trace from a newer version may hold others). */
export function isRuntimeEventName(name: string): name is RuntimeEventName {
  return Object.hasOwn(RuntimeEventSchemas, name);
}

/** The runtime's emitter: agents, the OODA loop and the tool gateway emit; the recorder and the CLI listen. */
export class RuntimeEventBus extends TypedEmitter<RuntimeEvents> {}
