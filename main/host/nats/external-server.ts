/**
 * "External server" mode: the workbench uses the user's own NATS server or cluster instead of
 * starting one. It connects once to learn the server's identity and to follow its health; state
 * changes mirror the connection's (a reconnect shows as `restarting`).
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { closeConnection, deadlineIn } from '../../../agents/runtime/close-connection.js';
import { toConnectionOptions } from './connect-options.js';
import { readCredentials } from './credentials.js';
import type { LogLine, ServerState, ServerStats, ServerStatus } from '../../../preload/contract.js';
import { LogRing } from './log-ring.js';
import type { NatsConnectSettings, NatsServerHandle, StatusListener } from './server-handle.js';

/** Options for {@link ExternalNatsServer}. */
export interface ExternalServerOptions {
  /** One URL or a comma-separated list, e.g. `nats://nats-1:4222,nats://nats-2:4222`. */
  url: string;
  /** Path of a `.creds` file (JWT + nkey seed) or of a bare nkey seed. */
  credsFile?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
  connectTimeoutMs?: number;
}

/** How long stop() lets the monitoring connection drain. */
const STOP_MS = 500;

/** Follows an external server through one monitoring connection. */
export class ExternalNatsServer implements NatsServerHandle {
  readonly mode = 'external' as const;
  private readonly log = new LogRing(1000);
  private readonly listeners = new Set<StatusListener>();
  private nc: NatsConnection | null = null;
  private credentials: Pick<NatsConnectSettings, 'creds' | 'nkeySeed'> = {};
  private state: ServerState = 'stopped';
  private readyAt: Date | null = null;
  private restarts = 0;
  private lastError: string | null = null;

  constructor(private readonly opts: ExternalServerOptions) {}

  async start(): Promise<void> {
    if (this.nc) return;
    this.setState('starting');
    try {
      if (this.opts.credsFile) this.credentials = await readCredentials(this.opts.credsFile);
      const nc = await connect({
        ...toConnectionOptions(this.connectSettings()),
        name: 'switchboard-host',
        timeout: this.opts.connectTimeoutMs ?? 5000,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
      });
      this.nc = nc;
      this.readyAt = new Date();
      this.lastError = null;
      this.note(`Connected to ${nc.getServer()} (nats-server ${nc.info?.version ?? 'unknown version'}).`);
      this.setState('running');
      void this.follow(nc);
    } catch (error) {
      this.lastError = `Could not connect to ${this.opts.url}: ${error instanceof Error ? error.message : String(error)}`;
      this.note(this.lastError);
      this.setState('failed');
      throw new Error(this.lastError, { cause: error });
    }
  }

  async stop(): Promise<void> {
    const nc = this.nc;
    this.nc = null;
    if (nc) {
      this.setState('stopping');
      // Its cluster may be gone: a close that waited on it would hold up the whole shutdown.
      await closeConnection(nc, deadlineIn(STOP_MS));
    }
    this.readyAt = null;
    this.setState('stopped');
  }

  /** An external server is not ours to restart: reconnect to it instead. */
  async restart(): Promise<void> {
    this.note('Reconnect requested.');
    await this.stop();
    await this.start();
  }

  status(): ServerStatus {
    return {
      mode: 'external',
      state: this.state,
      version: this.nc?.info?.version ?? null,
      clientUrl: withScheme(this.nc?.getServer() ?? this.opts.url.split(',')[0]?.trim() ?? null),
      monitorUrl: null,
      pid: null,
      readyAt: this.readyAt?.toISOString() ?? null,
      restarts: this.restarts,
      lastError: this.lastError,
      stats: null,
    };
  }

  /** An external server's monitoring port is usually not reachable from here; counters come later from the trace. */
  async stats(): Promise<ServerStats | null> {
    return null;
  }

  logs(afterSeq?: number, limit?: number): LogLine[] {
    return this.log.since(afterSeq, limit);
  }

  connectSettings(): NatsConnectSettings {
    return {
      servers: this.opts.url.split(',').map((s) => s.trim()).filter(Boolean),
      ...this.credentials,
      ...(this.opts.tls && { tls: this.opts.tls }),
    };
  }

  onStatus(listener: StatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async follow(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        this.lastError = `Disconnected from ${s.server}.`;
        this.note(this.lastError);
        this.readyAt = null;
        this.setState('restarting');
      } else if (s.type === 'reconnect') {
        this.restarts++;
        this.readyAt = new Date();
        this.lastError = null;
        this.note(`Reconnected to ${s.server}.`);
        this.setState('running');
      } else if (s.type === 'error') {
        this.note(`Connection error: ${s.error.message}`);
      }
    }
  }

  private setState(state: ServerState): void {
    if (this.state === state) return;
    this.state = state;
    const status = this.status();
    for (const listener of this.listeners) listener(status);
  }

  private note(text: string): void {
    this.log.append('supervisor', text);
  }
}

/** nats.js reports the current server as `host:port`; show it as a URL like the embedded one. */
function withScheme(server: string | null): string | null {
  if (!server) return null;
  return /^[a-z]+:\/\//i.test(server) ? server : `nats://${server}`;
}
