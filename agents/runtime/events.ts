/**
 * The runtime's events, one typed map. The trace recorder stores them beside the bus traffic;
 * the debugger UI follows them. Every event names its agent; run-scoped ones carry the run id.
 */
import type { AgentMessage, AgentMetadata } from '../protocol/agent-message.js';
import type { LlmRequest, LlmResponse } from '../llm/provider.js';

/** The four phases of one OODA cycle. */
export type OodaPhase = 'observe' | 'orient' | 'decide' | 'act';
export const OODA_PHASES: readonly OodaPhase[] = ['observe', 'orient', 'decide', 'act'];

export interface RuntimeEvents {
  /** An agent instance connected, registered and announced itself. */
  'agent.started': { agent: string; instance: string; subjects: string[] };
  /** An agent instance announced it is leaving and closed its connection. */
  'agent.stopped': { agent: string; instance: string };
  /** Presence seen on the broadcast subject (from any agent, in any language). */
  'agent.announced': { agent: string; metadata: AgentMetadata; via: 'announcement' | 'heartbeat' };
  /** A valid message arrived for an agent. */
  'message.received': { agent: string; subject: string; message: AgentMessage };
  /** Something arrived that is not a valid message: recorded with the reason, then skipped. */
  'message.invalid': { agent: string; subject: string; reason: string; preview: string };
  /** An agent published a message. */
  'message.sent': { agent: string; subject: string; message: AgentMessage };
  /** A handler failed; the agent answered with a failed reply and keeps serving. */
  'handler.failed': { agent: string; messageId: string; error: string };
  /** An OODA run began for an incoming message. */
  'run.started': { agent: string; runId: string; message: AgentMessage };
  /** An OODA phase finished, with what went in and what came out. */
  'ooda.phase': { agent: string; runId: string; turn: number; phase: OodaPhase; input: unknown; output: unknown; durationMs: number };
  /** A run stopped at a breakpoint or a step, before `phase`. */
  'ooda.paused': { agent: string; runId: string; turn: number; phase: OodaPhase; payload: unknown };
  /** A paused run went on; `edited` when the decision was replaced before Act. */
  'ooda.resumed': { agent: string; runId: string; phase: OodaPhase; mode: 'continue' | 'step'; edited: boolean };
  /** One call to the model, whole: request, response or error, tokens, latency. */
  'llm.call': {
    agent: string;
    runId: string;
    turn: number;
    provider: string;
    model: string;
    request: LlmRequest;
    response: LlmResponse | null;
    error: string | null;
    latencyMs: number;
  };
  /** A tool call entered the gateway (before allowlist, rate limit and idempotency checks). */
  'tool.invoked': { agent: string; runId: string; tool: string; arguments: Record<string, unknown>; idempotencyKey: string | null };
  /** A tool call left the gateway: its result or error, how long it took, and whether it was refused or replayed. */
  'tool.result': {
    agent: string;
    runId: string;
    tool: string;
    arguments: Record<string, unknown>;
    result: string;
    isError: boolean;
    durationMs: number;
    /** Why the gateway refused it without calling the tool, if it did. */
    refused: 'not_allowed' | 'rate_limited' | 'timeout' | null;
    /** True when an idempotency key returned the first call's result. */
    replayed: boolean;
  };
  /** The run's memory was consolidated because it outgrew its context budget. */
  'memory.consolidated': { agent: string; runId: string; conversation: string; before: number; after: number };
  /** A budget ran out; the run ends with a failed reply. */
  'budget.exceeded': { agent: string; runId: string; budget: 'max_turns' | 'max_tokens' | 'timeout'; limit: number; used: number };
  /** A run ended. */
  'run.completed': { agent: string; runId: string; status: 'completed' | 'failed'; reply: string; error: string | null; turns: number; tokens: number };
}

export type RuntimeEventName = keyof RuntimeEvents;

/** Receives every event, in order. */
export type RuntimeListener = <E extends RuntimeEventName>(name: E, payload: RuntimeEvents[E]) => void;

/** A typed emitter for runtime events: per-name listeners and catch-all listeners (the recorder). */
export class RuntimeEventBus {
  private readonly named = new Map<RuntimeEventName, Set<(payload: never) => void>>();
  private readonly all = new Set<RuntimeListener>();

  /** Listens to one event; returns the unsubscribe function. */
  on<E extends RuntimeEventName>(name: E, listener: (payload: RuntimeEvents[E]) => void): () => void {
    let set = this.named.get(name);
    if (!set) this.named.set(name, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  /** Listens to every event. */
  onAny(listener: RuntimeListener): () => void {
    this.all.add(listener);
    return () => this.all.delete(listener);
  }

  /** True when someone listens to `name` (lets hot paths skip building payloads). */
  wants(name: RuntimeEventName): boolean {
    return this.all.size > 0 || (this.named.get(name)?.size ?? 0) > 0;
  }

  /** Delivers to every listener; one that throws is reported and the others still hear the event. */
  emit<E extends RuntimeEventName>(name: E, payload: RuntimeEvents[E]): void {
    for (const listener of this.named.get(name) ?? []) guard(name, () => (listener as (payload: RuntimeEvents[E]) => void)(payload));
    for (const listener of this.all) guard(name, () => listener(name, payload));
  }
}

function guard(name: string, deliver: () => void): void {
  try {
    deliver();
  } catch (error) {
    console.error(`switchboard: a listener of ${name} failed:`, error);
  }
}
