/**
 * The contract's shapes of the NATS server and the host process (status, counters, log lines,
 * host facts). Part of THE API: contract.ts re-exports them. Isomorphic: zod only.
 */
import { z } from 'zod';

/** Lifecycle of the NATS server the workbench talks to (embedded or external). */
export const ServerStateSchema = z.enum(['starting', 'running', 'restarting', 'stopping', 'stopped', 'failed']);
export type ServerState = z.infer<typeof ServerStateSchema>;

/** Counters read from the server's monitoring endpoint (`/varz`). */
export const ServerStatsSchema = z.object({
  connections: z.number().int().nonnegative(),
  totalConnections: z.number().int().nonnegative(),
  subscriptions: z.number().int().nonnegative(),
  inMsgs: z.number().int().nonnegative(),
  outMsgs: z.number().int().nonnegative(),
  inBytes: z.number().int().nonnegative(),
  outBytes: z.number().int().nonnegative(),
  slowConsumers: z.number().int().nonnegative(),
  memBytes: z.number().int().nonnegative(),
  cpuPercent: z.number().nonnegative(),
});
export type ServerStats = z.infer<typeof ServerStatsSchema>;

/** Everything the UI shows about the NATS server. */
export const ServerStatusSchema = z.object({
  mode: z.enum(['embedded', 'external']),
  state: ServerStateSchema,
  /** Server version as it reports itself; null until first contact. */
  version: z.string().nullable(),
  /** Where clients connect, e.g. `nats://127.0.0.1:41234` (credentials never included). */
  clientUrl: z.string().nullable(),
  /** Monitoring endpoint base URL; null for external servers. */
  monitorUrl: z.string().nullable(),
  pid: z.number().int().nullable(),
  /** ISO time the current server process became ready; uptime is derived from it. */
  readyAt: z.string().nullable(),
  /** Unexpected exits followed by a restart since the host started. */
  restarts: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  stats: ServerStatsSchema.nullable(),
});
export type ServerStatus = z.infer<typeof ServerStatusSchema>;

/** One line of the server's output, or a note from its supervisor. */
export const LogLineSchema = z.object({
  seq: z.number().int().nonnegative(),
  time: z.string(),
  source: z.enum(['stdout', 'stderr', 'supervisor']),
  text: z.string(),
});
export type LogLine = z.infer<typeof LogLineSchema>;

/** Facts about the running host process. */
export const HostInfoSchema = z.object({
  appVersion: z.string(),
  /** Which shell runs the host: the desktop app, `switchboard serve`, or a headless command. */
  shell: z.enum(['electron', 'browser', 'headless']),
  platform: z.string(),
  arch: z.string(),
  nodeVersion: z.string(),
  dataDir: z.string(),
  /** Path of the nats-server binary in use; null in external mode. */
  natsBinary: z.string().nullable(),
});
export type HostInfo = z.infer<typeof HostInfoSchema>;
