/**
 * Supervises the bundled nats-server: starts it on 127.0.0.1 with random ports, JetStream on and
 * per-launch nkey credentials; restarts it with backoff when it dies; stops it with SIGTERM and a
 * wait. Ready means its monitoring endpoint answers `/healthz`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rm, writeFile, access, constants } from 'node:fs/promises';
import path from 'node:path';
import { nkeys } from '@nats-io/nats-core';
import type { LogLine, ServerState, ServerStats, ServerStatus } from '../../../preload/contract.js';
import { LogRing } from './log-ring.js';
import { fetchVarz, statsFromVarz } from './monitoring.js';
import { portsFilePath, serverEnvironment, terminate, waitUntilReady } from './server-process.js';
import { claimDataDir, recordServerPid, releaseDataDir } from './data-dir-lock.js';
import type { NatsServerHandle, NatsConnectSettings, StatusListener } from './server-handle.js';
import { tiedToParent } from '../../../agents/tools/process/parent-death.js';

/** Options for {@link EmbeddedNatsServer}. */
export interface EmbeddedServerOptions {
  /** Absolute path of the nats-server binary. */
  binary: string;
  /** Directory for the JetStream store, the generated config and the ports file. */
  dataDir: string;
  /** Client port; 0 (default) picks a free one. */
  port?: number;
  /** Monitoring port; 0 (default) picks a free one. */
  monitorPort?: number;
  /** How long a start may take before it is abandoned. */
  readyTimeoutMs?: number;
  /** Delays between restart attempts after an unexpected exit; the last one repeats. */
  restartBackoffMs?: readonly number[];
  /** How long SIGTERM gets before SIGKILL on stop. */
  stopTimeoutMs?: number;
}

/** The first restart comes quickly (spawn to ready is ~20–100 ms): clients are back within a second. */
const DEFAULT_BACKOFF = [100, 500, 1000, 2000, 5000] as const;
/**
 * A server that stayed up this long resets the backoff: the next crash is treated as a new one.
 * Short, because a crash loop dies while starting or right after; a server that served for
 * seconds and was then killed (OOM killer, kill -9) deserves the quick first restart again.
 */
const STABLE_AFTER_MS = 2_000;
const STATS_CACHE_MS = 250;

interface Ports {
  client: number;
  monitor: number;
}

/** The embedded server; one instance per host. */
export class EmbeddedNatsServer implements NatsServerHandle {
  readonly mode = 'embedded' as const;
  private readonly opts: Required<EmbeddedServerOptions>;
  private readonly log = new LogRing(1000);
  private readonly listeners = new Set<StatusListener>();
  private readonly user = nkeys.createUser();

  private child: ChildProcess | null = null;
  private state: ServerState = 'stopped';
  private version: string | null = null;
  private ports: Ports | null = null;
  private readyAt: Date | null = null;
  private restarts = 0;
  private attempt = 0;
  private lastError: string | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  /** Set while stop() runs, so the exit it causes is not treated as a crash. */
  private stopping: Promise<void> | null = null;
  /**
   * Bumped by stop(). A start, restart or scheduled restart remembers the epoch it began in and
   * gives up after any await that finds it changed, so a stop can never be undone by work that
   * was already under way.
   */
  private epoch = 0;
  private statsCache: { at: number; value: ServerStats | null } | null = null;

  constructor(options: EmbeddedServerOptions) {
    this.opts = {
      port: 0,
      monitorPort: 0,
      readyTimeoutMs: 10_000,
      restartBackoffMs: DEFAULT_BACKOFF,
      stopTimeoutMs: 5_000,
      ...options,
    };
  }

  /** Starts the server and resolves once it is ready; rejects with a readable reason otherwise. */
  async start(): Promise<void> {
    if (this.state === 'running' || this.state === 'starting') return;
    const epoch = this.epoch;
    this.setState('starting');
    try {
      await this.checkBinary();
      await mkdir(this.natsDir, { recursive: true });
      this.assertCurrent(epoch);
      const reclaimed = await claimDataDir(this.natsDir);
      if (reclaimed) this.note(`Stopped nats-server pid ${reclaimed} left running by a host that crashed.`);
      await this.spawnOnce({ client: this.opts.port, monitor: this.opts.monitorPort }, epoch);
      this.attempt = 0;
    } catch (error) {
      if (error instanceof StoppedError) throw error; // stop() has settled the state already
      this.lastError = messageOf(error);
      this.setState('failed');
      await releaseDataDir(this.natsDir);
      throw error;
    }
  }

  /** Stops the server (SIGTERM, then SIGKILL after the timeout) and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.epoch++;
    this.stopping = (async () => {
      this.clearRestartTimer();
      if (this.child) {
        this.setState('stopping');
        await terminate(this.child, this.opts.stopTimeoutMs);
        this.child = null;
      }
      this.readyAt = null;
      this.setState('stopped');
      await releaseDataDir(this.natsDir);
    })();
    try {
      await this.stopping;
    } finally {
      this.stopping = null;
    }
  }

  /** Stops and starts again on the same ports, so connected clients reconnect by themselves. */
  async restart(): Promise<void> {
    this.note('Restart requested.');
    const epoch = this.epoch;
    this.clearRestartTimer();
    if (this.child) {
      const child = this.child;
      this.child = null; // detach first: this exit is intended, not a crash
      this.setState('restarting');
      await terminate(child, this.opts.stopTimeoutMs);
    }
    this.assertCurrent(epoch);
    this.setState('restarting');
    try {
      await this.spawnOnce(this.ports ?? { client: this.opts.port, monitor: this.opts.monitorPort }, epoch);
      this.attempt = 0;
    } catch (error) {
      if (error instanceof StoppedError) throw error;
      this.lastError = messageOf(error);
      this.setState('failed');
      throw error;
    }
  }

  status(): ServerStatus {
    return {
      mode: 'embedded',
      state: this.state,
      version: this.version,
      clientUrl: this.ports ? `nats://127.0.0.1:${this.ports.client}` : null,
      monitorUrl: this.ports ? `http://127.0.0.1:${this.ports.monitor}` : null,
      pid: this.child?.pid ?? null,
      readyAt: this.readyAt?.toISOString() ?? null,
      restarts: this.restarts,
      lastError: this.lastError,
      stats: null,
    };
  }

  async stats(): Promise<ServerStats | null> {
    if (this.state !== 'running' || !this.ports) return null;
    const now = Date.now();
    if (this.statsCache && now - this.statsCache.at < STATS_CACHE_MS) return this.statsCache.value;
    const varz = await fetchVarz(this.monitorUrl(), 1000).catch(() => null);
    const value = varz ? statsFromVarz(varz) : null;
    this.statsCache = { at: now, value };
    return value;
  }

  logs(afterSeq?: number, limit?: number): LogLine[] {
    return this.log.since(afterSeq, limit);
  }

  connectSettings(): NatsConnectSettings {
    if (!this.ports) throw new Error('The embedded NATS server has not started yet.');
    const seed = this.user.getSeed();
    return { servers: [`nats://127.0.0.1:${this.ports.client}`], nkeySeed: new TextDecoder().decode(seed) };
  }

  onStatus(listener: StatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // -------------------------------------------------------------------------------------------

  private get natsDir(): string {
    return path.join(this.opts.dataDir, 'nats');
  }

  private monitorUrl(): string {
    if (!this.ports) throw new Error('no monitoring port yet');
    return `http://127.0.0.1:${this.ports.monitor}`;
  }

  private async checkBinary(): Promise<void> {
    try {
      await access(this.opts.binary, constants.X_OK);
    } catch {
      throw new Error(
        `nats-server binary not found or not executable at "${this.opts.binary}". ` +
          'Set NATS_SERVER_BIN to a nats-server binary, or run `node scripts/fetch-nats-server.mjs`.',
      );
    }
  }

  /** Throws {@link StoppedError} when stop() was called since `epoch`. */
  private assertCurrent(epoch: number): void {
    if (this.epoch !== epoch) throw new StoppedError();
  }

  /** One server process, from spawn to ready. Rejects (and kills it) if it never gets there. */
  private async spawnOnce(wanted: Ports, epoch: number): Promise<void> {
    const runDir = path.join(this.natsDir, 'run');
    await rm(runDir, { recursive: true, force: true });
    await mkdir(runDir, { recursive: true });
    const configPath = path.join(this.natsDir, 'nats-server.conf');
    await writeFile(configPath, this.config(wanted, runDir), { mode: 0o600 });
    this.assertCurrent(epoch);

    const launch = tiedToParent(this.opts.binary, ['-c', configPath]);
    const child = spawn(launch.command, launch.args, { stdio: ['ignore', 'pipe', 'pipe'], env: serverEnvironment() });
    this.child = child;
    this.statsCache = null;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.log.appendChunk('stdout', chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.log.appendChunk('stderr', chunk));

    const exited = new Promise<never>((_, reject) => {
      // 'on', not 'once': a later 'error' (a kill() that fails) must not find the child unheard.
      child.on('error', (error) => reject(new Error(`Could not start nats-server: ${error.message}`)));
      // 'close', not 'exit': by then its last output has been read, and that output is the reason.
      child.once('close', (code, signal) =>
        reject(new Error(`nats-server exited before it was ready (${describeExit(code, signal)}). ${this.log.tailText(5)}`)),
      );
    });
    exited.catch(() => undefined); // observed below; avoid an unhandled rejection once ready

    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`nats-server did not become ready within ${this.opts.readyTimeoutMs} ms. ${this.log.tailText(5)}`)),
        this.opts.readyTimeoutMs,
      );
    });

    try {
      const ports = await Promise.race([waitUntilReady(child, portsFilePath(this.opts.binary, child.pid, runDir)), exited, timeout]);
      this.ports = ports;
      const varz = await fetchVarz(`http://127.0.0.1:${ports.monitor}`, 2000).catch(() => null);
      this.version = varz?.version ?? this.version;
      this.readyAt = new Date();
      await recordServerPid(this.natsDir, child.pid ?? null);
      this.assertCurrent(epoch); // stop() ran while we waited: it owns the child now
      this.lastError = null;
      child.once('exit', (code, signal) => this.onUnexpectedExit(child, code, signal));
      this.note(`nats-server ${this.version ?? ''} ready on 127.0.0.1:${ports.client} (pid ${child.pid}).`);
      this.setState('running');
    } catch (error) {
      if (this.child === child) this.child = null;
      await terminate(child, 1000);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private onUnexpectedExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child || this.stopping) return; // an intended stop or restart
    this.child = null;
    const upFor = this.readyAt ? Date.now() - this.readyAt.getTime() : 0;
    if (upFor > STABLE_AFTER_MS) this.attempt = 0;
    this.readyAt = null;
    this.lastError = `nats-server exited unexpectedly (${describeExit(code, signal)}).`;
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const epoch = this.epoch;
    const backoff = this.opts.restartBackoffMs;
    const delay = backoff[Math.min(this.attempt, backoff.length - 1)] ?? 1000;
    this.attempt++;
    this.note(`${this.lastError ?? 'nats-server is down.'} Restarting in ${delay} ms (attempt ${this.attempt}).`);
    // Arm the timer before announcing the state, so a listener that stops us finds it to clear.
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.epoch !== epoch) return;
      this.spawnOnce(this.ports ?? { client: this.opts.port, monitor: this.opts.monitorPort }, epoch)
        .then(() => {
          this.restarts++;
          this.emit();
        })
        .catch((error: unknown) => {
          if (error instanceof StoppedError || this.epoch !== epoch) return;
          this.lastError = messageOf(error);
          // Someone took our port while the server was down: take a fresh one next time.
          if (/address already in use/i.test(this.lastError)) this.ports = null;
          this.scheduleRestart();
        });
    }, delay);
    this.setState('restarting');
  }

  private clearRestartTimer(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
  }

  private config(ports: Ports, runDir: string): string {
    const q = JSON.stringify; // nats-server config strings accept JSON string syntax
    return [
      '# Written by Switchboard for this launch; regenerated on every start.',
      'server_name: "switchboard-embedded"',
      'host: "127.0.0.1"',
      `port: ${ports.client || -1}`,
      `http: "127.0.0.1:${ports.monitor || -1}"`,
      `ports_file_dir: ${q(runDir)}`,
      `jetstream { store_dir: ${q(path.join(this.natsDir, 'jetstream'))} }`,
      // Per-launch nkey: only the public key is on disk; the seed stays in this process.
      `authorization { users: [ { nkey: ${q(this.user.getPublicKey())} } ] }`,
      '',
    ].join('\n');
  }

  private setState(state: ServerState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit();
  }

  private emit(): void {
    const status = this.status();
    for (const listener of this.listeners) listener(status);
  }

  private note(text: string): void {
    this.log.append('supervisor', text);
  }
}

/** A start or restart abandoned because stop() was called meanwhile. */
export class StoppedError extends Error {
  constructor() {
    super('The NATS server was stopped while it was starting.');
    this.name = 'StoppedError';
  }
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `exit code ${code}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
