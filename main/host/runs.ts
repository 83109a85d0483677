/**
 * Runs a topology inside the host (the app's Run button): its agents on the host's NATS server,
 * its MCP servers, and a recorder writing every bus message and runtime event into the trace
 * store, with live batches for the UI. One run at a time; its trace stays after it stops.
 */
import path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Agent } from '../../agents/runtime/agent.js';
import { planNetwork } from '../../agents/runtime/from-topology.js';
import { AgentNetwork } from '../../agents/runtime/network.js';
import { startMcpServers, type McpServers } from '../../agents/tools/mcp/host.js';
import { formatProblems, loadTopology } from '../../agents/topology/load.js';
import { RpcError, type RunStatus } from '../../preload/contract.js';
import type { EventBus } from './event-bus.js';
import { toConnectionOptions } from './nats/connect-options.js';
import type { NatsServerHandle } from './nats/server-handle.js';
import type { SecretStore } from './secrets.js';
import { TraceLibrary, traceRoot, TraceRecorder, type TraceStore } from './trace/index.js';

interface ActiveRun {
  runId: string;
  network: AgentNetwork;
  mcp: McpServers;
  mcpConnection: NatsConnection | null;
  recorder: TraceRecorder;
  store: TraceStore;
  sender: Agent;
  unsubscribe: () => void;
}

/** The host's runs. */
export class RunManager {
  readonly library: TraceLibrary;
  private active: ActiveRun | null = null;
  private status: RunStatus = { state: 'idle', runId: null, topology: null, agents: [], startedAt: null, error: null };

  constructor(
    private readonly server: NatsServerHandle,
    private readonly events: EventBus,
    private readonly secrets: SecretStore,
    dataDir: string,
  ) {
    this.library = new TraceLibrary(traceRoot(dataDir));
  }

  current(): RunStatus {
    return this.status;
  }

  /** Starts `text`; refuses while another run is active or when the topology has errors. */
  async start(text: string, fileName = 'topology.yaml'): Promise<RunStatus> {
    if (this.active || this.status.state === 'starting' || this.status.state === 'stopping') {
      throw new RpcError('conflict', 'A topology is already running: stop it first.');
    }
    const loaded = loadTopology(text, fileName);
    if (!loaded.topology) throw new RpcError('invalid_input', `The topology has problems; fix them before running:\n${formatProblems(loaded.problems, fileName)}`);
    const topology = loaded.topology;
    if (this.server.status().state !== 'running') throw new RpcError('unavailable', 'The NATS server is not running.');
    this.set({ state: 'starting', runId: null, topology: topology.metadata.name, agents: [], startedAt: null, error: null });

    const connection = toConnectionOptions(this.server.connectSettings());
    const cleanup: (() => Promise<unknown>)[] = [];
    try {
      await this.secrets.load();
      const store = await this.library.create({ topology: text });
      cleanup.push(() => store.close());
      const runId = store.runId;
      // Announce the run id before anything is recorded: the UI keeps batches by run id.
      this.set({ ...this.status, runId });
      const recorder = new TraceRecorder(store, { warn: (t) => console.error(`switchboard: ${t}`) });
      cleanup.push(() => recorder.stop()); // also when tapping fails: it removes the journal
      await recorder.tap(connection);
      const unsubscribe = recorder.subscribe((batch) => this.events.emit('trace.appended', { runId, records: batch.records, skipped: batch.skipped }));

      const needsBus = topology.spec.mcpServers.some((s) => s.exposeOnNats);
      const mcpConnection = needsBus ? await connect({ ...connection, name: 'switchboard-mcp' }) : null;
      if (mcpConnection) cleanup.push(() => mcpConnection.drain());
      const plan = planNetwork(topology);
      const mcp = await startMcpServers(topology, plan.agents.map((a) => a.name), {
        baseDir: path.dirname(path.resolve(fileName)),
        ...(mcpConnection && { connection: mcpConnection }),
      });
      cleanup.push(() => mcp.stop());
      const network = new AgentNetwork({
        connection,
        ...planNetwork(topology, undefined, { backends: mcp.backends }),
        secrets: this.secrets,
      });
      recorder.attach(network.events);
      // The debugger follows pauses as they happen, not at the next trace batch.
      const announcePauses = () => this.events.emit('ooda.pausedChanged', { runs: network.controller.paused() });
      network.events.on('ooda.paused', announcePauses);
      network.events.on('ooda.resumed', announcePauses);
      await network.start();
      cleanup.push(() => network.stop());
      const sender = new Agent({
        name: 'switchboard_app',
        connection,
        profile: network.agents[0]?.profile,
        heartbeatMs: 0,
        registryBucket: null,
        isGone: (name) => network.registry.get(name)?.status === 'offline',
      });
      await sender.start();

      this.active = { runId, network, mcp, mcpConnection, recorder, store, sender, unsubscribe };
      const counts = new Map<string, number>();
      for (const agent of network.agents) counts.set(agent.name, (counts.get(agent.name) ?? 0) + 1);
      return this.set({
        state: 'running',
        runId,
        topology: topology.metadata.name,
        agents: [...counts].map(([name, instances]) => ({ name, instances })),
        startedAt: new Date().toISOString(),
        error: null,
      });
    } catch (error) {
      for (const step of cleanup.reverse()) await step().catch(() => undefined);
      const message = error instanceof Error ? error.message : String(error);
      this.set({ ...this.status, state: 'failed', error: message });
      throw new RpcError('failed', `The topology did not start: ${message}`);
    }
  }

  /** Stops the agents, MCP servers and recorder, in that order; the trace is kept. */
  async stop(): Promise<RunStatus> {
    const run = this.active;
    if (!run) return this.status;
    this.active = null;
    this.set({ ...this.status, state: 'stopping' });
    await run.sender.stop().catch(() => undefined);
    await run.network.stop().catch(() => undefined);
    await run.mcp.stop().catch(() => undefined);
    await run.mcpConnection?.drain().catch(() => undefined);
    await run.recorder.stop().catch(() => undefined); // records what was routed, flushes
    run.unsubscribe();
    await run.store.close().catch(() => undefined);
    return this.set({ state: 'idle', runId: run.runId, topology: this.status.topology, agents: [], startedAt: null, error: null });
  }

  /** Asks an agent of the running topology; its reply (or the failure) comes back. */
  async send(to: string, input: string, timeoutMs = 120_000): Promise<{ content: string; metadata: Record<string, unknown> }> {
    if (!this.active) throw new RpcError('unavailable', 'Nothing is running: start a topology first.');
    try {
      const reply = await this.active.sender.request(to, input, { timeoutMs });
      return { content: reply.content, metadata: reply.metadata };
    } catch (error) {
      throw new RpcError('failed', error instanceof Error ? error.message : String(error));
    }
  }

  /** The running network's step controller (the debugger's calls); refuses when nothing runs. */
  controller(): AgentNetwork['controller'] {
    if (!this.active) throw new RpcError('unavailable', 'Nothing is running: start a topology first.');
    return this.active.network.controller;
  }

  /** Resumes a paused run; an unknown run or an invalid replacement decision is refused with the reason. */
  resume(runId: string, mode: 'continue' | 'step', replace: unknown): void {
    try {
      this.controller().resume(runId, { mode, ...(replace !== undefined && { replace }) });
    } catch (error) {
      if (error instanceof RpcError) throw error;
      throw new RpcError('invalid_input', error instanceof Error ? error.message : String(error));
    }
  }

  /** The store of a run: the active one, or one opened from disk. */
  async withStore<T>(runId: string, use: (store: TraceStore) => Promise<T> | T): Promise<T> {
    if (this.active?.runId === runId) return use(this.active.store);
    let store: TraceStore;
    try {
      store = await this.library.open(runId);
    } catch (error) {
      throw new RpcError('not_found', `No recorded run ${runId}: ${error instanceof Error ? error.message : String(error)}`);
    }
    try {
      return await use(store);
    } finally {
      await store.close();
    }
  }

  private set(status: RunStatus): RunStatus {
    if (status.state !== 'running' && this.status.state === 'running') this.events.emit('ooda.pausedChanged', { runs: [] });
    this.status = status;
    this.events.emit('run.statusChanged', status);
    return status;
  }
}
