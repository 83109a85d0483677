/**
 * A network of agents on one NATS server: starts every agent (and its replicas) with shared
 * runtime events, one step controller and a capability registry, and stops them all. The app's
 * host and `switchboard run` both run topologies through this.
 */
import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { createProvider, type LlmSettings, type SecretSource } from '../llm/factory.js';
import type { RecordedLlmCall } from '../llm/replay.js';
import { SEED_000_PROFILE, type SubjectProfile } from '../protocol/subjects.js';
import type { ToolExecutor } from '../tools/tool-executor.js';
import { Agent, DEFAULT_HEARTBEAT_MS, type MessageHandler } from './agent.js';
import type { Budget } from './budget.js';
import { RuntimeEventBus, type OodaPhase } from './events.js';
import { createOodaHandler } from './ooda.js';
import { CapabilityRegistry } from './registry.js';
import { StepController } from './step-controller.js';

/** One agent of a network. Either an OODA agent (prompt + llm) or custom code (handler). */
export interface AgentSpec {
  name: string;
  description?: string;
  capabilities?: string[];
  /** Copies sharing the request subject through a queue group. */
  replicas?: number;
  prompt?: string;
  variables?: Record<string, string>;
  llm?: LlmSettings;
  tools?: ToolExecutor;
  budget?: Budget;
  contextTokens?: number;
  breakpoints?: OodaPhase[];
  /** Custom behaviour instead of the OODA loop. */
  handler?: MessageHandler;
}

/** Options for {@link AgentNetwork}. */
export interface NetworkOptions {
  connection: NodeConnectionOptions;
  agents: AgentSpec[];
  profile?: SubjectProfile;
  heartbeatMs?: number;
  /** KV bucket of the registry; null for announcements only (servers without JetStream). */
  registryBucket?: string | null;
  secrets?: SecretSource;
  /** LLM calls of an earlier run, for agents on the `replay` provider. */
  recording?: readonly RecordedLlmCall[];
  events?: RuntimeEventBus;
}

/** Running agents plus the services they share. */
export class AgentNetwork {
  readonly events: RuntimeEventBus;
  readonly controller: StepController;
  readonly agents: Agent[] = [];
  private registryConnection: NatsConnection | null = null;
  private registryInstance: CapabilityRegistry | null = null;

  constructor(private readonly options: NetworkOptions) {
    this.events = options.events ?? new RuntimeEventBus();
    this.controller = new StepController(this.events);
  }

  /** The registry (after start). */
  get registry(): CapabilityRegistry {
    if (!this.registryInstance) throw new Error('The network has not started.');
    return this.registryInstance;
  }

  /** Starts the registry, then every agent; on any failure stops what started and rethrows. */
  async start(): Promise<void> {
    const profile = this.options.profile ?? SEED_000_PROFILE;
    const heartbeatMs = this.options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    try {
      this.registryConnection = await connect({ ...this.options.connection, name: 'switchboard-registry' });
      this.registryInstance = new CapabilityRegistry({
        connection: this.registryConnection,
        profile,
        heartbeatMs,
        ...(this.options.registryBucket !== undefined && { bucket: this.options.registryBucket }),
      });
      await this.registryInstance.start();
      for (const spec of this.options.agents) {
        for (const phase of spec.breakpoints ?? []) this.controller.setBreakpoint(spec.name, phase);
        const handler = spec.handler ?? this.oodaHandler(spec);
        const replicas = Math.max(1, spec.replicas ?? 1);
        for (let i = 0; i < replicas; i++) {
          const agent = new Agent({
            name: spec.name,
            instance: replicas > 1 ? `r${i + 1}` : 'r1',
            ...(spec.description !== undefined && { description: spec.description }),
            capabilities: spec.capabilities ?? [],
            tools: spec.tools?.tools(spec.name).map((t) => t.name) ?? [],
            model: spec.llm?.model ?? '',
            connection: this.options.connection,
            profile,
            handler,
            events: this.events,
            heartbeatMs,
            ...(this.options.registryBucket !== undefined && { registryBucket: this.options.registryBucket }),
          });
          this.agents.push(agent);
          await agent.start();
        }
      }
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Releases paused runs, stops every agent, then the registry. */
  async stop(): Promise<void> {
    this.controller.releaseAll();
    await Promise.all(this.agents.map((agent) => agent.stop()));
    await this.registryInstance?.stop();
    await this.registryConnection?.drain().catch(() => undefined);
    this.registryConnection = null;
  }

  /** The first instance of an agent (to send from it, in tests and the CLI). */
  agent(name: string): Agent {
    const agent = this.agents.find((a) => a.name === name);
    if (!agent) throw new Error(`No agent named ${name} in this network.`);
    return agent;
  }

  private oodaHandler(spec: AgentSpec): MessageHandler {
    if (!spec.llm) throw new Error(`Agent ${spec.name} needs either llm settings (an OODA agent) or a handler.`);
    const llm = createProvider(spec.llm, {
      agent: spec.name,
      ...(this.options.secrets && { secrets: this.options.secrets }),
      ...(this.options.recording && { recording: this.options.recording }),
    });
    return createOodaHandler({
      llm,
      model: spec.llm.model ?? spec.llm.provider,
      prompt: spec.prompt ?? 'You are {{agent_name}}. {{agent_description}}',
      ...(spec.variables && { variables: spec.variables }),
      ...(spec.tools && { tools: spec.tools }),
      ...(spec.budget && { budget: spec.budget }),
      ...(spec.contextTokens !== undefined && { contextTokens: spec.contextTokens }),
      controller: this.controller,
      peers: () => this.registryInstance?.describe(spec.name) ?? '',
    });
  }
}
