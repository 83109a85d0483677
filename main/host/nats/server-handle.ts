/** What the host needs from a NATS server, embedded or external: one interface, two implementations. */
import type { LogLine, ServerStats, ServerStatus } from '../../../preload/contract.js';

/** Called with the new status on every state change. */
export type StatusListener = (status: ServerStatus) => void;

/** How a client (the host, agents, the recorder) connects to the server in use. */
export interface NatsConnectSettings {
  servers: string[];
  /** Per-launch nkey seed for the embedded server. */
  nkeySeed?: string;
  /** A `.creds` file's contents for an external server. */
  creds?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
}

/** A NATS server the workbench uses. */
export interface NatsServerHandle {
  readonly mode: 'embedded' | 'external';
  start(): Promise<void>;
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Current state, without counters. */
  status(): ServerStatus;
  /** Fresh monitoring counters, or null where the server offers none. */
  stats(): Promise<ServerStats | null>;
  logs(afterSeq?: number, limit?: number): LogLine[];
  connectSettings(): NatsConnectSettings;
  onStatus(listener: StatusListener): () => void;
}
