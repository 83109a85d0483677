/**
 * A network of agents on one NATS server: starts every agent (and its replicas) with shared
 * runtime events, one step controller and a capability registry, and stops them all. The app's
 * host and `switchboard run` both run topologies through this.
 */
import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { createProvider, type LlmSettings, type SecretSource } from '../llm/factory.js';
import type { LlmProvider } from '../llm/provider.js';
import type { RecordedLlmCall } from '../llm/replay.js';
import { inboxPrefixOf, SEED_000_PROFILE, type SubjectProfile } from '../protocol/subjects.js';
import type { ToolExecutor } from '../tools/tool-executor.js';
import { Agent, DEFAULT_HEARTBEAT_MS, type MessageHandler } from './agent.js';
import type { Budget } from './budget.js';
import { systemClock, type Clock } from './clock.js';
import { closeConnection, DEFAULT_STOP_MS, deadlineIn, settledBy } from './close-connection.js';
import { RuntimeEventBus } from '../protocol/runtime-events.js';
import { breakpointOf, type TopologyBreakpoint } from '../protocol/breakpoint.js';
import { createOodaHandler } from './ooda.js';
import type { EvaluationSettings } from './patterns/evaluation.js';
import { batchHandler, type BatchSettings } from './batcher.js';
import { JetStreamBuckets } from './jetstream-buckets.js';
import { CapabilityRegistry } from './registry.js';
import { StepController } from './step-controller.js';
import { unflushedLines } from './stop-report.js';
import { SynadiaExternals, type SynadiaExternal } from '../interop/synadia/externals.js';
import { A2aExternals, type A2aExternal } from '../interop/a2a/externals.js';
import { serveOnSynadia } from '../interop/synadia/expose.js';
import { SYNADIA_CLIENT_NAME, type SynadiaExposure } from '../interop/synadia/service.js';
import { answerSeed002Discovery } from './seed-002-discovery.js';

/** What a network shares with the behaviours and tools of its agents. */
export interface NetworkServices {
  events: RuntimeEventBus;
  controller: StepController;
  registry: CapabilityRegistry;
  /** Opens the buckets the agents share (registry, blackboards) with the topology's replicas. */
  buckets: JetStreamBuckets;
}

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
  /** Its tools, or how to build them once the network's services exist (gateways, MCP). */
  tools?: ToolExecutor | ((services: NetworkServices) => Promise<ToolExecutor>);
  budget?: Budget;
  contextTokens?: number;
  /** Where its runs stop: a phase, or a phase with a condition. */
  breakpoints?: TopologyBreakpoint[];
  /** Custom behaviour instead of the OODA loop. */
  handler?: MessageHandler;
  /** A role's behaviour around the OODA handler (null when the agent has no model). */
  behaviour?: (ooda: MessageHandler | null, services: NetworkServices) => MessageHandler;
  /** Runs after each instance started (blackboard watches); returns how to undo it. */
  onStarted?: (agent: Agent, handler: MessageHandler, services: NetworkServices) => Promise<() => Promise<void>>;
  /** Serve each instance as a Synadia Agent Protocol agent too (agents/interop/synadia/). */
  synadia?: SynadiaExposure;
  /** Seed 004's evaluation layer: who judges its replies before they are sent (patterns/evaluation.ts). */
  evaluation?: EvaluationSettings;
  /** Seed 002's batches: requests within the window are one run, each answered on its own (batcher.ts). */
  batch?: BatchSettings;
}

/** Options for {@link AgentNetwork}. */
export interface NetworkOptions {
  connection: NodeConnectionOptions;
  agents: AgentSpec[];
  profile?: SubjectProfile;
  heartbeatMs?: number;
  /** KV bucket of the registry; null for announcements only (servers without JetStream). */
  registryBucket?: string | null;
  /** Replicas of the buckets the network creates (`spec.jetstream`); absent: min(3, cluster nodes). */
  jetstream?: { replicas?: number };
  /** Tells the user about what it worked around (a bucket with other settings), once each. */
  warn?: (message: string) => void;
  secrets?: SecretSource;
  /** LLM calls of an earlier run, for agents on the `replay` provider. */
  recording?: readonly RecordedLlmCall[];
  /** A replay of a recorded run: every agent's provider and tools answer from it (agents/runtime/replay/). */
  replay?: { provider(agent: string, live: () => LlmProvider): LlmProvider; tools(agent: string, inner: ToolExecutor): ToolExecutor; readonly date: string };
  events?: RuntimeEventBus;
  /** The run's clients (the app's or the CLI's sender, the republisher): on the bus, but not peers an agent delegates to. */
  clients?: readonly string[];
  /** Stops what the plan started besides agents (MCP servers), after the agents, by the stop's deadline. */
  onStop?: (deadline: number) => Promise<void>;
  /** Budgets, run timeouts, heartbeats and presence; the system clock unless a test drives time. */
  clock?: Clock;
  /** External Synadia Agent Protocol agents its agents may ask (request_agent, delegate). */
  synadiaExternals?: readonly SynadiaExternal[];
  /** External A2A agents its agents may ask, through the protocol gateway (agents/interop/a2a/externals.ts). */
  a2aExternals?: readonly A2aExternal[];
  /** The Switchboard version agents served over the Synadia protocol declare. */
  version?: string;
}

/** Running agents plus the services they share. */
export class AgentNetwork {
  readonly events: RuntimeEventBus;
  readonly controller: StepController;
  /** The network's buckets (replica policy, warnings once per bucket). */
  readonly buckets: JetStreamBuckets;
  readonly agents: Agent[] = [];
  private registryConnection: NatsConnection | null = null;
  private registryInstance: CapabilityRegistry | null = null;
  private externals: SynadiaExternals | null = null;
  private readonly undo: (() => Promise<void>)[] = [];

  constructor(private readonly options: NetworkOptions) {
    this.events = options.events ?? new RuntimeEventBus();
    this.controller = new StepController(this.events, { ...(options.clock && { clock: options.clock }) });
    this.buckets = new JetStreamBuckets({ ...options.jetstream, ...(options.warn && { warn: options.warn }) });
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
      // Under an exported config this connection runs with an agent's credentials: use its inboxes.
      const first = this.options.agents[0]?.name;
      this.registryConnection = await connect({
        ...(first && { inboxPrefix: inboxPrefixOf(first) }),
        ...this.options.connection,
        name: 'switchboard-registry',
      });
      this.registryInstance = new CapabilityRegistry({
        connection: this.registryConnection,
        profile,
        heartbeatMs,
        ...(this.options.registryBucket !== undefined && { bucket: this.options.registryBucket }),
        buckets: this.buckets,
        ...(this.options.clock && { clock: this.options.clock }),
        ...(this.options.warn && { warn: this.options.warn }),
      });
      await this.registryInstance.start();
      const externals = new SynadiaExternals(this.options.synadiaExternals ?? [], { ...(this.options.clock && { clock: this.options.clock }) });
      this.externals = externals;
      await externals.start(this.registryConnection, this.registryInstance);
      const a2aExternals = new A2aExternals(this.options.a2aExternals ?? []);
      a2aExternals.start(this.registryInstance);
      const services: NetworkServices = { events: this.events, controller: this.controller, registry: this.registryInstance, buckets: this.buckets };
      for (const spec of this.options.agents) {
        this.controller.addBreakpoints((spec.breakpoints ?? []).map((entry) => breakpointOf(spec.name, entry)));
        const built = typeof spec.tools === 'function' ? await spec.tools(services) : spec.tools;
        const tools = built && this.options.replay ? this.options.replay.tools(spec.name, built) : built;
        const ooda = spec.handler ?? (spec.llm ? this.oodaHandler({ ...spec, llm: spec.llm }, tools) : null);
        const handler = spec.behaviour ? spec.behaviour(ooda, services) : ooda;
        if (!handler) throw new Error(`Agent ${spec.name} needs llm settings (an OODA agent), a handler, or a behaviour.`);
        // Windows close before the agents stop (undo runs first): a waiting request is answered, not dropped.
        const batched = spec.batch ? batchHandler(handler, spec.batch, this.options.clock ?? systemClock) : null;
        if (batched) this.undo.push(async () => batched.close());
        const replicas = Math.max(1, spec.replicas ?? 1);
        for (let i = 0; i < replicas; i++) {
          const agent = new Agent({
            name: spec.name,
            instance: replicas > 1 ? `r${i + 1}` : 'r1',
            ...(spec.description !== undefined && { description: spec.description }),
            capabilities: spec.capabilities ?? [],
            tools: tools?.tools(spec.name).map((t) => t.name) ?? [],
            model: spec.llm?.model ?? '',
            connection: this.options.connection,
            profile,
            handler: batched?.handler ?? handler,
            events: this.events,
            heartbeatMs,
            ...(this.options.clock && { clock: this.options.clock }),
            isGone: (name) => this.registryInstance?.get(name)?.status === 'offline',
            externals: (name) => externals.resolve(name) ?? a2aExternals.resolve(name),
            ...(this.options.registryBucket !== undefined && { registryBucket: this.options.registryBucket }),
            buckets: this.buckets,
          });
          this.agents.push(agent);
          await agent.start();
          if (profile.discovery) this.undo.push(answerSeed002Discovery(agent, profile.discovery));
          if (spec.onStarted) this.undo.push(await spec.onStarted(agent, handler, services));
        }
      }
      const exposed = this.agents.flatMap((agent) => {
        const spec = this.options.agents.find((s) => s.name === agent.name);
        return spec?.synadia ? [{ agent, description: spec.description ?? '', exposure: spec.synadia }] : [];
      });
      if (exposed.length) {
        this.undo.push(
          await serveOnSynadia({
            instances: exposed,
            connection: this.options.connection,
            profile,
            version: this.options.version ?? '0.0.0',
            ...(this.options.clock && { clock: this.options.clock }),
            isGone: (name) => this.registryInstance?.get(name)?.status === 'offline',
          }),
        );
      }
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /**
   * Releases paused runs, stops every agent, then the registry, all by `deadline` (nothing waits
   * on a dead server); returns one line per thing that could not reach the bus (stop-report.ts).
   */
  async stop(deadline = deadlineIn(DEFAULT_STOP_MS)): Promise<string[]> {
    this.controller.releaseAll();
    for (const step of this.undo.splice(0)) await settledBy(step(), deadline);
    const reports = await Promise.all(this.agents.map((agent) => agent.stop(undefined, deadline)));
    await this.registryInstance?.stop(deadline);
    await this.externals?.stop();
    if (this.registryConnection) await closeConnection(this.registryConnection, deadline);
    this.registryConnection = null;
    await settledBy(this.options.onStop?.(deadline) ?? Promise.resolve(), deadline);
    return unflushedLines(reports);
  }

  /** The first instance of an agent (to send from it, in tests and the CLI). */
  agent(name: string): Agent {
    const agent = this.agents.find((a) => a.name === name);
    if (!agent) throw new Error(`No agent named ${name} in this network.`);
    return agent;
  }

  /** The run's clients and the Synadia client (also when another process of a spread topology serves the agents). */
  private get clients(): readonly string[] {
    return [...(this.options.clients ?? []), SYNADIA_CLIENT_NAME];
  }

  private oodaHandler(spec: AgentSpec & { llm: LlmSettings }, tools: ToolExecutor | undefined): MessageHandler {
    const create = () =>
      createProvider(spec.llm, {
        agent: spec.name,
        ...(this.options.secrets && { secrets: this.options.secrets }),
        ...(this.options.recording && { recording: this.options.recording }),
      });
    // A replay builds the topology's own provider only when a fork goes live: no key needed before.
    const llm = this.options.replay ? this.options.replay.provider(spec.name, create) : create();
    return createOodaHandler({
      llm,
      model: spec.llm.model ?? spec.llm.provider,
      prompt: spec.prompt ?? 'You are {{agent_name}}. {{agent_description}}',
      // A replay's {{date}} is the recorded run's day (a variable of the topology's own still wins).
      ...((spec.variables || this.options.replay) && { variables: { ...(this.options.replay && { date: this.options.replay.date }), ...spec.variables } }),
      ...(tools && { tools }),
      ...(spec.budget && { budget: spec.budget }),
      ...(spec.evaluation && { evaluation: spec.evaluation }),
      ...(spec.contextTokens !== undefined && { contextTokens: spec.contextTokens }),
      controller: this.controller,
      ...(this.options.clock && { clock: this.options.clock }),
      peers: () => this.registryInstance?.describe(spec.name, this.clients) ?? '',
      ...('maxTokens' in spec.llm && spec.llm.maxTokens !== undefined && { maxTokens: spec.llm.maxTokens }),
      ...('temperature' in spec.llm && spec.llm.temperature !== undefined && { temperature: spec.llm.temperature }),
    });
  }
}
