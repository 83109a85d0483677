/**
 * The run session: the one place a topology is started, used by the app (RunManager) and by
 * `switchboard run`. On a running NATS server (see run-session-server.ts for the choice) it starts
 * the recorder (into a trace library), the topology's MCP servers, its agents (all, or --only),
 * and a sender agent for requests; `stop()` takes them down in the reverse order. Replay, fork and
 * clusters are written here once, not per entry point.
 */
import { AuthorizationError, ConnectionError, connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import type { SecretSource } from '../../agents/llm/factory.js';
import type { AgentMessage } from '../../agents/protocol/agent-message.js';
import type { SubjectProfile } from '../../agents/protocol/subjects.js';
import { Agent, AgentRequestError } from '../../agents/runtime/agent.js';
import { planNetwork, type NetworkPlan } from '../../agents/runtime/from-topology.js';
import { AgentNetwork } from '../../agents/runtime/network.js';
import { closeConnection, DEFAULT_STOP_MS, deadlineIn, settledBy } from '../../agents/runtime/close-connection.js';
import { WORKBENCH_SENDER } from '../../agents/trace/republish.js';
import type { Recording } from '../../agents/runtime/replay/recording.js';
import { ReplayCoordinator, type ForkPoint } from '../../agents/runtime/replay/replay-coordinator.js';
import { replayMcpServers } from '../../agents/runtime/replay/replay-mcp.js';
import { RuntimeEventBus } from '../../agents/protocol/runtime-events.js';
import { startWorkflows } from '../../agents/runtime/workflows/start-workflows.js';
import { StepInterrupted, type WorkflowEngine } from '../../agents/runtime/workflows/workflow-engine.js';
import { serveOnA2a } from '../../agents/interop/a2a/serve/expose.js';
import { A2aGatewayService } from '../../agents/interop/gateway/service.js';
import type { A2aServedCard } from '../../agents/interop/a2a/serve/server.js';
import { A2A_CLIENT_NAME } from '../../agents/topology/a2a-exposure.js';
import { startMcpServers, type McpServers } from '../../agents/tools/mcp/host.js';
import type { Topology } from '../../agents/topology/schema.js';
import { toConnectionOptions } from './nats/connect-options.js';
import type { NatsServerHandle } from './nats/server-handle.js';
import { RunFailure } from './run-session-failure.js';
import { TraceRecorder, type TraceLibrary, type TraceStore } from './trace/index.js';

/** Options for {@link RunSession.start}. */
export interface RunSessionOptions {
  /** The running server the topology joins (the host's, or one the CLI started). */
  server: NatsServerHandle;
  topology: Topology;
  /** The topology file's text, kept in the trace header (designed vs observed reads it). */
  text: string | null;
  /** The topology file's directory: MCP server commands resolve against it. */
  baseDir: string;
  /** Start only these agents (spreading one topology over machines). */
  only?: readonly string[];
  /** Where the run is recorded; without one nothing is. */
  library?: TraceLibrary;
  /**
   * Whether a bus tap that cannot connect fails the start (the app: its trace is the product) or
   * only warns (the CLI's --trace then keeps the runtime events). A tap refused by permissions
   * (an agent's seed may not subscribe to `>`) is reported by the recorder either way.
   */
  busTap?: 'required' | 'best-effort';
  secrets?: SecretSource;
  /** The name the session's requests are sent as. */
  senderName: string;
  warn: (text: string) => void;
  /** Called with the run id before anything is recorded; may return an unsubscribe for stop. */
  onRecording?: (runId: string, recorder: TraceRecorder) => (() => void) | void;
  /** Called before the agents start, so no runtime event is missed. */
  onNetwork?: (network: AgentNetwork) => void;
  /**
   * Replays a recorded run (main/host/replay-run.ts drives it): model answers and outside tool
   * results come from `recording`, the inputs are sent as its sender; with `fork`, the topology's
   * own providers answer from the fork's decision on. The trace header records what it replays.
   */
  replay?: { recording: Recording; fork?: ForkPoint };
  /** The Switchboard version: agents served over the Synadia protocol declare it. */
  appVersion?: string;
  /** Where agents served over A2A listen, instead of `spec.a2a`'s host and port (`switchboard run --a2a-listen`). */
  a2aListen?: { host: string; port: number };
}

/** Options for {@link RunSession.send}. */
export interface SendOptions {
  timeoutMs?: number;
  /** How long "no responders" is retried: the agent may still be starting, here or elsewhere. */
  noResponderGraceMs?: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_NO_RESPONDER_GRACE_MS = 10_000;
const NO_RESPONDER_RETRY_MS = 200;

/** The local agents of `topology` (all, or `only`); an unknown name is a usage failure. */
export function planSession(topology: Topology, only?: readonly string[], mcp?: Parameters<typeof planNetwork>[2]): NetworkPlan {
  try {
    return planNetwork(topology, only, mcp);
  } catch (error) {
    throw new RunFailure(only ? 'usage' : 'invalid_topology', (error as Error).message);
  }
}

/** A started topology; stop it with {@link RunSession.stop}. */
export class RunSession {
  private sender: Promise<Agent> | null = null;
  private stopping: Promise<void> | null = null;

  private constructor(
    private readonly options: RunSessionOptions,
    readonly connection: NodeConnectionOptions,
    readonly network: AgentNetwork,
    /** The run's trace store, or null when it is not recorded. */
    readonly store: TraceStore | null,
    /** The topology's subject profile: the sender speaks it too. */
    private readonly profile: SubjectProfile,
    private readonly teardown: readonly Step[],
    /** The replay this session runs, or null for a live run. */
    readonly replay: ReplayCoordinator | null = null,
    /** Where the run's agents served over A2A are reached (empty when none is). */
    readonly a2aCards: readonly A2aServedCard[] = [],
  ) {}

  /** The durable workflow engine (seed 003), or null when the topology declares no workflows. */
  workflows: WorkflowEngine | null = null;

  /** Starts the workflow engine (its stop joins `steps`); steps ask agents through {@link send}. */
  private async startWorkflows(events: RuntimeEventBus, steps: Step[]): Promise<void> {
    const { topology, only, warn } = this.options;
    const ask = async (to: string, input: string, timeoutMs: number) => {
      try {
        return (await this.send(to, input, { timeoutMs })).content;
      } catch (error) {
        throw this.stopping ? new StepInterrupted() : error; // stopped under it: not a failed attempt
      }
    };
    const started = await startWorkflows({ topology, ...(only && { only }), connection: this.connection, buckets: this.network.buckets, events, ask, warn }).catch((error: unknown) => {
      throw isNatsError(error) ? natsFailure(error, 'the workflow engine cannot connect') : new RunFailure('start_failed', (error as Error).message, { cause: error });
    });
    if (!started) return;
    this.workflows = started.engine;
    steps.push({ what: 'the workflow engine', run: (deadline) => started.stop(deadline) });
  }

  /** The recorded run's id, or null when it is not recorded. */
  get runId(): string | null {
    return this.store?.runId ?? null;
  }

  /** Starts the topology; on failure undoes what started and rejects with a RunFailure. */
  static async start(options: RunSessionOptions): Promise<RunSession> {
    const { server, topology } = options;
    if (server.status().state !== 'running') throw new RunFailure('nats_unavailable', 'The NATS server is not running.');
    const localAgents = planSession(topology, options.only).agents.map((a) => a.name);
    const connection = toConnectionOptions(server.connectSettings());
    const steps: Step[] = []; // what to undo, in start order; undone in reverse
    try {
      const replayed = options.replay && { replayOf: options.replay.recording.runId, ...(options.replay.fork && { fork: { agent: options.replay.fork.agent, turn: options.replay.fork.turn } }) };
      const store = options.library ? await options.library.create({ topology: options.text, ...replayed }) : null;
      let recorder: TraceRecorder | null = null;
      if (store) {
        steps.push({ what: 'the trace store', run: () => store.close() });
        recorder = new TraceRecorder(store, { warn: options.warn });
        const active = recorder;
        const unsubscribe = options.onRecording?.(store.runId, recorder);
        // Undone after the recorder's stop, which still delivers the last live batch.
        if (unsubscribe) steps.push({ what: 'the live trace', run: async () => unsubscribe() });
        // Before the tap: a failed tap still leaves a journal that stop() removes.
        steps.push({ what: 'the recorder', run: (deadline) => active.stop(deadline) });
        await recorder.tap(connection).catch((error: unknown) => {
          if (options.busTap !== 'best-effort') throw natsFailure(error, 'cannot record the bus');
          options.warn(`trace: cannot tap the bus (${(error as Error).message}); recording runtime events only.`);
        });
      }

      // A plain replay touches nothing outside: its MCP servers are stand-ins offering the recorded tools.
      const mcp = options.replay && !options.replay.fork ? replayMcpServers(topology, options.replay.recording) : await startMcp(options, connection, localAgents, steps);
      const plan = planSession(topology, options.only, { backends: mcp.backends });
      const events = new RuntimeEventBus();
      const replay = options.replay ? new ReplayCoordinator(options.replay.recording, events, topology, options.replay.fork ?? null) : null;
      const network = new AgentNetwork({
        connection,
        agents: plan.agents,
        profile: plan.profile,
        registryBucket: plan.registryBucket,
        synadiaExternals: plan.synadiaExternals,
        a2aExternals: plan.a2aExternals,
        ...(options.appVersion && { version: options.appVersion }),
        jetstream: plan.jetstream,
        warn: options.warn,
        events,
        clients: [options.senderName, ...(options.replay?.recording.inputs.map((input) => input.from) ?? []), WORKBENCH_SENDER, A2A_CLIENT_NAME],
        ...(replay && { replay }),
        ...(options.secrets && { secrets: options.secrets }),
      });
      recorder?.attach(network.events);
      options.onNetwork?.(network);
      try {
        await network.start(); // stops what it started when it fails
      } catch (error) {
        throw isNatsError(error) ? natsFailure(error, 'an agent cannot connect') : new RunFailure('start_failed', `an agent failed to start: ${(error as Error).message}`, { cause: error });
      }
      steps.push({ what: 'the agents', run: async (deadline) => (await network.stop(deadline)).forEach(options.warn) });
      // After the agents, stopped before them: its tasks in flight end as failed, not unanswered. A
      // replay takes no outside callers (nor the live run's port).
      const a2a = options.replay ? null : await serveOnA2a({ topology, ...(options.only && { only: options.only }), ...(options.a2aListen && { listen: options.a2aListen }), connection, profile: plan.profile, version: options.appVersion ?? '0.0.0', events, warn: options.warn, ...(options.secrets && { secrets: options.secrets }), isGone: (name) => network.registry.get(name)?.status === 'offline' });
      if (a2a) steps.push({ what: 'the A2A server', run: (deadline) => a2a.stop(deadline) });
      // Seed 004 sequence 2.3: requests to external A2A agents are answered by the protocol gateway on the bus (a plain replay calls nothing outside).
      const gateway = options.replay && !options.replay.fork ? null : await A2aGatewayService.start({ topology, ...(options.only && { only: options.only }), connection, events, ...(options.secrets && { secrets: options.secrets }) }).catch((error: unknown) => { throw isNatsError(error) ? natsFailure(error, 'the protocol gateway cannot connect') : error; });
      if (gateway) steps.push({ what: 'the protocol gateway', run: (deadline) => gateway.stop(deadline) });
      const session = new RunSession(options, connection, network, store, plan.profile, steps, replay, a2a?.cards);
      await session.startWorkflows(events, steps); // after the agents: a resumed step asks them at once
      return session;
    } catch (error) {
      await undo(steps, options.warn);
      throw error instanceof RunFailure ? error : new RunFailure('start_failed', (error as Error).message, { cause: error });
    }
  }

  /** Running instances per agent name, in start order. */
  agentCounts(): { name: string; instances: number }[] {
    const counts = new Map<string, number>();
    for (const agent of this.network.agents) counts.set(agent.name, (counts.get(agent.name) ?? 0) + 1);
    return [...counts].map(([name, instances]) => ({ name, instances }));
  }

  /** Asks agent `to`; "no responders" is retried for a grace period, never past the timeout. */
  async send(to: string, content: string, options: SendOptions = {}): Promise<AgentMessage> {
    if (this.stopping) throw new RunFailure('request_failed', 'The run is stopping.');
    const sender = await (this.sender ??= this.startSender());
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const graceMs = options.noResponderGraceMs ?? DEFAULT_NO_RESPONDER_GRACE_MS;
    const started = Date.now();
    const deadline = started + timeoutMs;
    for (;;) {
      try {
        return await sender.request(to, content, { timeoutMs: Math.max(1, deadline - Date.now()) });
      } catch (error) {
        const retry =
          error instanceof AgentRequestError &&
          error.code === 'no_responders' &&
          Date.now() - started < graceMs &&
          Date.now() + NO_RESPONDER_RETRY_MS < deadline &&
          !this.stopping;
        if (!retry) throw new RunFailure('request_failed', error instanceof Error ? error.message : String(error), { cause: error });
        await new Promise((resolve) => setTimeout(resolve, NO_RESPONDER_RETRY_MS));
      }
    }
  }

  /**
   * Stops the sender, the agents, the MCP servers, then the recorder (which records what was
   * routed and flushes) and the store; a step that fails is reported and does not stop the rest.
   * Every step that talks to NATS is done by `deadline` (all servers may be gone: nothing waits
   * for them), and what could not reach the bus is said through `warn`. Safe to call twice.
   */
  stop(deadline = deadlineIn(DEFAULT_STOP_MS)): Promise<void> {
    return (this.stopping ??= this.stopAll(deadline));
  }

  private async stopAll(deadline: number): Promise<void> {
    const sender = this.sender;
    const steps: Step[] = [...this.teardown];
    if (sender) steps.push({ what: 'the sender', run: (by) => settledBy(sender.then((agent) => agent.stop(undefined, by)), by) });
    await undo(steps, this.options.warn, deadline);
  }

  private async startSender(): Promise<Agent> {
    const sender = new Agent({
      // A replay asks as the recorded run's sender did (its messages compare the same); never a peer (`clients`).
      name: this.options.replay?.recording.inputs[0]?.from ?? this.options.senderName,
      connection: this.connection,
      profile: this.profile,
      heartbeatMs: 0,
      registryBucket: null,
      isGone: (name) => this.network.registry.get(name)?.status === 'offline',
      client: true,
    });
    try {
      await sender.start();
    } catch (error) {
      this.sender = null; // the next send tries again
      throw natsFailure(error, 'cannot send');
    }
    return sender;
  }
}

/** One undo step of a start, named for the warning when it fails; what talks to NATS is done by `deadline`. */
interface Step {
  what: string;
  run: (deadline: number) => Promise<unknown>;
}

/** Runs `steps` last first; each failure is reported and the rest still run. */
async function undo(steps: Step[], warn: (text: string) => void, deadline = deadlineIn(DEFAULT_STOP_MS)): Promise<void> {
  for (const step of [...steps].reverse()) {
    try {
      await step.run(deadline);
    } catch (error) {
      warn(`stopping ${step.what} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** The topology's MCP servers, with a bus connection when one is exposed on NATS; their stops join `steps`. */
async function startMcp(options: RunSessionOptions, connection: NodeConnectionOptions, localAgents: string[], steps: Step[]): Promise<McpServers> {
  let mcpConnection: NatsConnection | null = null;
  if (options.topology.spec.mcpServers.some((s) => s.exposeOnNats)) {
    try {
      mcpConnection = await connect({ ...connection, name: 'switchboard-mcp' });
    } catch (error) {
      throw natsFailure(error, 'the MCP servers cannot connect');
    }
    const bus = mcpConnection;
    steps.push({ what: 'the MCP connection', run: (deadline) => closeConnection(bus, deadline) });
  }
  try {
    const mcp = await startMcpServers(options.topology, localAgents, { baseDir: options.baseDir, ...(mcpConnection && { connection: mcpConnection }) });
    // Its NATS exposure unsubscribes on a connection whose servers may be gone.
    steps.push({ what: 'the MCP servers', run: async (deadline) => (await settledBy(mcp.stop(deadline), deadline)) || options.warn('MCP servers: still stopping at the deadline; left to exit with the process') });
    return mcp;
  } catch (error) {
    throw new RunFailure('start_failed', `an MCP server failed to start: ${(error as Error).message}`, { cause: error });
  }
}

/** Connection-level NATS errors (refused, lost, not authorized) are the server's, not the topology's. */
function isNatsError(error: unknown): boolean {
  return error instanceof ConnectionError || error instanceof AuthorizationError || (error as NodeJS.ErrnoException | null)?.code === 'ECONNREFUSED';
}

function natsFailure(error: unknown, doing: string): RunFailure {
  return new RunFailure('nats_unavailable', `${doing}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
