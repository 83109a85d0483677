/**
 * Runs a topology inside the host (the app's Run button): its agents on the host's NATS server,
 * its MCP servers, and a recorder writing every bus message and runtime event into the trace
 * store, with live batches for the UI. One run at a time; its trace stays after it stops.
 */
import path from 'node:path';
import type { Breakpoint } from '../../agents/protocol/breakpoint.js';
import type { ResumeMode } from '../../agents/protocol/runtime-events.js';
import type { AgentNetwork } from '../../agents/runtime/network.js';
import { formatProblems, loadTopology } from '../../agents/topology/load.js';
import { LIVE_BATCH_RECORDS, RpcError, type ErrorCode, type ReplayStatus, type RunStatus } from '../../preload/contract.js';
import type { EventBus } from './event-bus.js';
import type { NatsServerHandle } from './nats/server-handle.js';
import { RunFailure, type FailureReason } from './run-session-failure.js';
import type { ForkPoint } from '../../agents/runtime/replay/replay-coordinator.js';
import { driveReplay } from './replay-run.js';
import { planReplay, replayEnded, replayStopped, type ReplayPlan } from './replay-runs.js';
import { RunSession } from './run-session.js';
import type { SecretStore } from './secrets.js';
import { WorkCancelled, type LongWork } from './trace/long-work.js';
import { TraceLibrary, traceRoot, type TraceStore } from './trace/index.js';
import { OpenRuns } from './trace/open-runs.js';
import { synadiaSubjects } from '../../agents/protocol/synadia.js';
import type { Topology } from '../../agents/topology/schema.js';
import { synadiaServed } from '../../agents/topology/synadia-exposure.js';

/** The app's runs: the host's server, the app's trace library, live batches and pauses to the UI. */
export class RunManager {
  readonly library: TraceLibrary;
  /** Past runs kept open between queries (reopening rebuilds the index). */
  readonly opened: OpenRuns;
  private active: RunSession | null = null;
  /** Ends the app's waits for workflows when the run stops (run.startWorkflow). */
  private readonly workflowWaits = new Set<() => void>();
  private status: RunStatus = { state: 'idle', runId: null, topology: null, agents: [], startedAt: null, error: null, replay: null };

  constructor(
    private readonly server: NatsServerHandle,
    private readonly events: EventBus,
    private readonly secrets: SecretStore,
    dataDir: string,
    /** What agents served over the Synadia protocol declare as their version. */
    private readonly appVersion?: string,
  ) {
    this.library = new TraceLibrary(traceRoot(dataDir));
    this.opened = new OpenRuns(this.library);
  }

  current(): RunStatus {
    return this.status;
  }

  /** Starts `text`; refuses while another run is active or when the topology has errors. */
  async start(text: string, fileName = 'topology.yaml', replay?: ReplayPlan): Promise<RunStatus> {
    if (this.active || this.status.state === 'starting' || this.status.state === 'stopping') {
      throw new RpcError('conflict', 'A topology is already running: stop it first.');
    }
    const loaded = loadTopology(text, fileName);
    if (!loaded.topology) throw new RpcError('invalid_input', `The topology has problems; fix them before running:\n${formatProblems(loaded.problems, fileName)}`);
    const topology = loaded.topology;
    if (this.server.status().state !== 'running') throw new RpcError('unavailable', 'The NATS server is not running.');
    this.set({ state: 'starting', runId: null, topology: topology.metadata.name, agents: [], startedAt: null, error: null, replay: replay?.status ?? null });

    try {
      await this.secrets.load();
      const session = await RunSession.start({
        server: this.server,
        topology,
        text,
        baseDir: path.dirname(path.resolve(fileName)),
        library: this.library,
        busTap: 'required',
        secrets: this.secrets,
        senderName: 'switchboard_app',
        ...(this.appVersion && { appVersion: this.appVersion }),
        ...(replay && { replay: replay.replay }),
        warn: (t) => console.error(`switchboard: ${t}`),
        onRecording: (runId, recorder) => {
          // Announce the run id before anything is recorded: the UI keeps batches by run id.
          this.set({ ...this.status, runId });
          return recorder.subscribe((batch) => this.events.emit('trace.appended', { runId, records: batch.records, skipped: batch.skipped }), { maxQueue: LIVE_BATCH_RECORDS });
        },
        onNetwork: (network) => {
          // The debugger follows pauses as they happen, not at the next trace batch.
          const announcePauses = () => this.events.emit('ooda.pausedChanged', { runs: network.controller.paused() });
          network.events.on('ooda.paused', announcePauses);
          network.events.on('ooda.resumed', announcePauses);
        },
      });
      this.active = session;
      const status = this.set({
        state: 'running',
        runId: session.runId,
        topology: topology.metadata.name,
        agents: session.agentCounts(),
        startedAt: new Date().toISOString(),
        error: null,
        replay: replay?.status ?? null,
        served: replay ? [] : servedBy(session, topology),
      });
      if (replay) void this.followReplay(session, replay.status);
      return status;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.set({ ...this.status, state: 'failed', error: message, replay: replayStopped(this.status.replay, message) });
      throw new RpcError(rpcCodeOf(error), `The topology did not start: ${message}`);
    }
  }

  /** The run being stopped, and its stop done (queries for it wait for that). */
  private stopping: { runId: string | null; done: Promise<void> } | null = null;

  /** Stops the run (agents, MCP servers, then the recorder); the trace is kept. */
  async stop(): Promise<RunStatus> {
    const run = this.active;
    if (!run) return this.status;
    this.active = null;
    this.set({ ...this.status, state: 'stopping' });
    for (const interrupt of this.workflowWaits) interrupt();
    const stopped = run.stop();
    this.stopping = { runId: run.runId, done: stopped.then(() => undefined, () => undefined) };
    try {
      await stopped;
    } finally {
      this.stopping = null;
    }
    return this.set({ state: 'idle', runId: run.runId, topology: this.status.topology, agents: [], startedAt: null, error: null, replay: replayStopped(this.status.replay) });
  }

  /** Replays recorded run `runId` (forked at `fork`) as a new run; it stops itself when the replay ends (replay-runs.ts). */
  async replay(runId: string, fork?: ForkPoint): Promise<RunStatus> {
    if (this.active || this.status.state === 'starting' || this.status.state === 'stopping') {
      throw new RpcError('conflict', 'A topology is already running: stop it first.');
    }
    const plan = await planReplay(this.library, runId, fork);
    return this.start(plan.text, 'topology.yaml', plan);
  }

  /** Drives a started replay to its end or first divergence, then stops the run with the outcome in its status. */
  private async followReplay(session: RunSession, status: ReplayStatus): Promise<void> {
    const outcome = await driveReplay(session, { timeoutMs: 120_000 }).catch((error: unknown) => ({ state: 'diverged' as const, divergence: error instanceof Error ? error.message : String(error), call: null, inputs: [] }));
    if (this.active !== session) return; // stopped by the user meanwhile
    this.set({ ...this.status, replay: replayEnded(status, outcome) });
    await this.stop();
  }

  /** Asks an agent of the running topology; its reply (or the failure) comes back. */
  async send(to: string, input: string, timeoutMs = 120_000): Promise<{ content: string; metadata: Record<string, unknown> }> {
    if (!this.active) throw new RpcError('unavailable', 'Nothing is running: start a topology first.');
    try {
      const reply = await this.active.send(to, input, { timeoutMs });
      return { content: reply.content, metadata: reply.metadata };
    } catch (error) {
      throw new RpcError('failed', error instanceof Error ? error.message : String(error));
    }
  }

  /** Starts a durable workflow and waits (at most `timeoutMs`) for its end; it goes on in its stream past that. */
  async startWorkflow(workflow: string, input: string, timeoutMs = 120_000): Promise<{ workflowId: string; status: 'finished' | 'failed'; result: string | null; reason: string | null }> {
    if (!this.active) throw new RpcError('unavailable', 'Nothing is running: start a topology first.');
    const engine = this.active.workflows;
    if (!engine) throw new RpcError('invalid_input', 'The running topology declares no workflows (spec.workflows).');
    let started: Awaited<ReturnType<typeof engine.request>>;
    try {
      started = await engine.request(workflow, input);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // An unknown name is the caller's mistake; anything else is the stream refusing the write.
      throw new RpcError(message.startsWith('no workflow named') ? 'invalid_input' : 'unavailable', `Workflow ${workflow} was not started: ${message}`);
    }
    let timer: NodeJS.Timeout | undefined;
    let interrupt = () => undefined as void;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RpcError('failed', `Workflow ${workflow} ${started.id} did not end within ${timeoutMs / 1000} s; it goes on in its stream (the trace shows its steps).`)), timeoutMs);
      // A stop ends the wait at once: the workflow is not failed, it waits in its stream for the next run.
      interrupt = () => reject(new RpcError('failed', `The run stopped before workflow ${workflow} ${started.id} ended; it resumes at its first unfinished step when the topology runs again.`));
    });
    this.workflowWaits.add(interrupt);
    try {
      const ended = await Promise.race([started.outcome, late]);
      return { workflowId: started.id, status: ended.status, result: ended.result ?? null, reason: ended.reason ?? null };
    } finally {
      clearTimeout(timer);
      this.workflowWaits.delete(interrupt);
    }
  }

  /** The running network's step controller (the debugger's calls); refuses when nothing runs. */
  controller(): AgentNetwork['controller'] {
    if (!this.active) throw new RpcError('unavailable', 'Nothing is running: start a topology first.');
    return this.active.network.controller;
  }

  /** Resumes a paused run; an unknown run or an invalid replacement decision is refused with the reason. */
  resume(runId: string, mode: ResumeMode, replace: unknown): void {
    refusing(() => this.controller().resume(runId, { mode, ...(replace !== undefined && { replace }) }));
  }

  /** Replaces the running network's breakpoints; a condition it cannot evaluate is refused with the reason. */
  setBreakpoints(breakpoints: readonly Breakpoint[]): void {
    refusing(() => this.controller().setBreakpoints(breakpoints));
  }

  /** The store of a run: the active one, or one opened from disk and kept open (`work` watches the opening). */
  async withStore<T>(runId: string, use: (store: TraceStore) => Promise<T> | T, work?: LongWork): Promise<T> {
    if (this.active?.store && this.active.runId === runId) return use(this.active.store);
    // A run being stopped still has its store open for the recorder: wait for the stop, then read it from disk.
    if (this.stopping?.runId === runId) await this.stopping.done;
    let opened = false;
    try {
      return await this.opened.use(runId, (store) => ((opened = true), use(store)), work);
    } catch (error) {
      if (opened || error instanceof WorkCancelled) throw error;
      throw new RpcError('not_found', `No recorded run ${runId}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** True while `runId` is the run being started, recorded or stopped. */
  isLive(runId: string): boolean {
    return this.status.runId === runId && this.status.state !== 'idle' && this.status.state !== 'failed';
  }

  private set(status: RunStatus): RunStatus {
    if (status.state !== 'running' && this.status.state === 'running') this.events.emit('ooda.pausedChanged', { runs: [] });
    this.status = status;
    this.events.emit('run.statusChanged', status);
    return status;
  }
}

/** A failed start's reason as the contract's error code. */
function rpcCodeOf(error: unknown): ErrorCode {
  const codes: Record<FailureReason, ErrorCode> = {
    usage: 'invalid_input',
    unreadable: 'invalid_input',
    invalid_topology: 'invalid_input',
    request_failed: 'failed',
    nats_unavailable: 'unavailable',
    start_failed: 'failed',
    replay_diverged: 'failed',
  };
  return error instanceof RunFailure ? codes[error.reason] : 'failed';
}

/** Runs `work`; what it throws (a bad edit or breakpoint) becomes an invalid_input with its message. */
function refusing(work: () => void): void {
  try {
    work();
  } catch (error) {
    if (error instanceof RpcError) throw error;
    throw new RpcError('invalid_input', error instanceof Error ? error.message : String(error));
  }
}

/** What the run serves to other protocols' clients: A2A endpoints (with their cards) and Synadia prompt subjects. */
function servedBy(session: RunSession, topology: Topology): NonNullable<RunStatus['served']> {
  const a2a = session.a2aCards.map((card) => ({ agent: card.agent, protocol: 'a2a' as const, address: card.url, card: card.cardUrl }));
  const synadia = [...synadiaServed(topology)].map(([agent, served]) => ({ agent, protocol: 'synadia' as const, address: synadiaSubjects(served.identity).prompt, card: null }));
  return [...a2a, ...synadia];
}
