/**
 * What tools and message handlers see of the agent they work for: its name, events and messaging,
 * not the concrete runtime `Agent`. The runtime's Agent satisfies it; tools depend on this file
 * only, so agents/tools never imports agents/runtime, and the OODA loop runs in unit tests on a
 * fake without NATS.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { AgentMessage, AgentMetadata } from '../protocol/agent-message.js';
import type { RuntimeEventBus } from '../protocol/runtime-events.js';

/** Options of {@link AgentHandle.request}. */
export interface RequestOptions {
  timeoutMs?: number;
  metadata?: Record<string, unknown>;
  priority?: number;
  /** Receives the responder's stream frames (stream.begin, stream.chunk…, stream.end). */
  stream?: (frame: AgentMessage) => void;
}

/** One running agent as its tools and handlers use it. */
export interface AgentHandle {
  readonly name: string;
  /** Tells replicas apart. */
  readonly instance: string;
  /** Where the agent reports what it does (the network's shared bus). */
  readonly events: RuntimeEventBus;
  /** The live connection (blackboards are KV buckets on it); throws when not connected. */
  readonly connection: NatsConnection;
  /** This agent's AgentMetadata with `status`. */
  metadata(status: AgentMetadata['status']): AgentMetadata;
  /** Fire-and-forget to another agent's direct subject. */
  send(to: string, content: string, fields?: Partial<AgentMessage>): Promise<AgentMessage>;
  /** Request/reply; rejects when the other agent fails, is gone, or does not answer in time. */
  request(to: string, content: string, options?: RequestOptions): Promise<AgentMessage>;
  /** Hands a task to another agent. */
  handoff(to: string, content: string, metadata?: Record<string, unknown>): Promise<AgentMessage>;
  /** Publishes to every agent. */
  broadcast(content: string, metadata?: Record<string, unknown>): Promise<AgentMessage>;
}

/** Finds agents by capability (the runtime's capability registry implements it). */
export interface CapabilityLookup {
  /** The available agents offering `capability`, with the subject to send requests to. */
  lookup(capability: string): { agent: string; subject: string }[];
}
