/** Reads nats-server's HTTP monitoring endpoint (`/healthz`, `/varz`). */
import type { ServerStats } from '../../../preload/contract.js';

/** The `/varz` fields Switchboard uses (the endpoint returns many more). */
export interface Varz {
  version: string;
  connections: number;
  total_connections: number;
  subscriptions: number;
  in_msgs: number;
  out_msgs: number;
  in_bytes: number;
  out_bytes: number;
  slow_consumers: number;
  mem: number;
  cpu: number;
}

/** True when `/healthz` answers ok within the timeout. */
export async function fetchHealth(baseUrl: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    return response.ok;
  } catch {
    return false;
  }
}

/** The `/varz` document; rejects on timeout or a non-200 answer. */
export async function fetchVarz(baseUrl: string, timeoutMs: number): Promise<Varz> {
  const response = await fetch(`${baseUrl}/varz`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`/varz answered ${response.status}`);
  return (await response.json()) as Varz;
}

/** Maps `/varz` to the contract's counters. */
export function statsFromVarz(varz: Varz): ServerStats {
  const n = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0);
  return {
    connections: Math.trunc(n(varz.connections)),
    totalConnections: Math.trunc(n(varz.total_connections)),
    subscriptions: Math.trunc(n(varz.subscriptions)),
    inMsgs: Math.trunc(n(varz.in_msgs)),
    outMsgs: Math.trunc(n(varz.out_msgs)),
    inBytes: Math.trunc(n(varz.in_bytes)),
    outBytes: Math.trunc(n(varz.out_bytes)),
    slowConsumers: Math.trunc(n(varz.slow_consumers)),
    memBytes: Math.trunc(n(varz.mem)),
    cpuPercent: n(varz.cpu),
  };
}
