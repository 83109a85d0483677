/**
 * The one way the runtime and the host let go of a NATS connection when they stop. Connections
 * reconnect forever (main/host/nats/connect-options.ts), so a drain, flush or request on one whose
 * servers are all gone waits for a server that may never come back: every stop step that talks to
 * the server runs against one deadline shared by the whole stop, and a connection that is not
 * connected is closed at once.
 */
import type { NatsConnection } from '@nats-io/transport-node';

/** How long a whole stop may take when its caller gives no deadline (the bound is 5 s, all included). */
export const DEFAULT_STOP_MS = 4000;

/** How a connection was let go of. */
export type CloseOutcome = 'drained' | 'closed_offline' | 'closed_late' | 'already_closed';

/** A deadline `ms` from now (ms since the epoch), what every bounded step takes. */
export function deadlineIn(ms: number): number {
  return Date.now() + ms;
}

/**
 * True while `nc` is connected to a server. nats.js keeps this on its protocol handler (its own
 * rtt() reads it) but has no public getter; an unknown shape counts as connected, so the caller
 * still drains, within its deadline.
 */
export function isConnected(nc: NatsConnection): boolean {
  if (nc.isClosed()) return false;
  const connected = (nc as unknown as { protocol?: { connected?: unknown } }).protocol?.connected;
  return typeof connected === 'boolean' ? connected : true;
}

/** How often a wait on the server looks whether the connection dropped meanwhile (only while stopping). */
const WATCH_MS = 50;

/**
 * Waits for `work` until `deadline`, or until `nc` (when given) loses its server: a reply that
 * needs the server will not come then. True when it settled in time (a rejection counts as settled).
 */
export async function settledBy(work: Promise<unknown>, deadline: number, nc?: NatsConnection): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  let watch: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
    if (nc) watch = setInterval(() => isConnected(nc) || resolve(false), WATCH_MS);
  });
  try {
    return await Promise.race([work.then(() => true as const, () => true as const), late]);
  } finally {
    clearTimeout(timer);
    clearInterval(watch);
  }
}

/** True when `work` resolved (not rejected) before `deadline` (and while `nc`, when given, stayed connected). */
export async function succeededBy(work: Promise<unknown>, deadline: number, nc?: NatsConnection): Promise<boolean> {
  let ok = false;
  const settled = await settledBy(
    work.then(() => (ok = true)),
    deadline,
    nc,
  );
  return settled && ok;
}

/**
 * Closes `nc` by `deadline`: at once when it is not connected (nothing it holds can reach a
 * server), else drained (subscriptions finish, what was published is flushed) and, when the drain
 * misses the deadline, closed anyway. Never rejects.
 */
export async function closeConnection(nc: NatsConnection, deadline: number): Promise<CloseOutcome> {
  if (nc.isClosed()) return 'already_closed';
  if (!isConnected(nc)) {
    await closeNow(nc);
    return 'closed_offline';
  }
  const drain = nc.isDraining() ? nc.closed() : nc.drain();
  // A drain that loses its server meanwhile would wait for the next one: given up at once.
  if (await succeededBy(drain, deadline, nc)) return 'drained';
  await closeNow(nc);
  return 'closed_late';
}

/** close() itself only tears down local state; it is still bounded, a shutdown must never hang on it. */
async function closeNow(nc: NatsConnection): Promise<void> {
  await settledBy(
    nc.close().catch(() => undefined),
    deadlineIn(500),
  );
}
