/**
 * The WebSocket transport (browser mode and tests). Listens on the HTTP server's `/rpc` path,
 * accepts only connections that present the per-launch token (and, from browsers, come from an
 * allowed origin), and speaks the contract's frames.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { ClientFrameSchema, isEventName, type EventName, type HostFrame } from '../../preload/contract.js';
import type { EventBus } from '../host/event-bus.js';
import type { RpcDispatcher } from './rpc.js';
import { guardSocket, parseRequestTarget, refuseSocket } from './socket-guards.js';

/** Options for {@link attachWsBridge}. */
export interface WsBridgeOptions {
  server: Server;
  dispatch: RpcDispatcher;
  events: EventBus;
  token: string;
  /** Origins a browser may connect from (e.g. `http://127.0.0.1:5173`); clients without Origin need only the token. */
  allowedOrigins: () => readonly string[];
  path?: string;
  /** Overrides of {@link BRIDGE_LIMITS} (tests). */
  limits?: Partial<BridgeLimits>;
}

/** What one bridge client may cost the host. */
export interface BridgeLimits {
  /** Frames larger than this close the connection (1009). File texts (topologies, trace imports) travel as one frame. */
  maxPayload: number;
  /**
   * A client whose unsent backlog is past this when the host sends more is dropped at once: the
   * bound on what one client can make the host hold. (One that just stopped reading is dropped
   * sooner by the heartbeat: its pong waits behind the backlog.)
   */
  maxBufferedBytes: number;
  /** Pings go out this often; a client that has not answered the previous one (dead, or not reading) is dropped. */
  heartbeatMs: number;
}

/** The limits in use unless a test overrides them. */
export const BRIDGE_LIMITS: BridgeLimits = {
  maxPayload: 16 * 1024 * 1024,
  maxBufferedBytes: 64 * 1024 * 1024,
  heartbeatMs: 30_000,
};

/** A peer that broke the protocol gets this long to answer the close frame before it is dropped (ws alone waits 30 s). */
const CLOSE_GRACE_MS = 2_000;

/** Attaches the bridge to `server`; returns a function that closes every connection. */
export function attachWsBridge(options: WsBridgeOptions): () => Promise<void> {
  const rpcPath = options.path ?? '/rpc';
  const limits = { ...BRIDGE_LIMITS, ...options.limits };
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayload });
  const answered = new WeakSet<WebSocket>();

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // First of all: Node hands over the socket without an 'error' listener, and a refusal written
    // to a peer that has reset turns into an 'error' event.
    guardSocket(socket);
    const url = parseRequestTarget(request.url);
    if (!url) return refuseSocket(socket, 400);
    if (url.pathname !== rpcPath) return refuseSocket(socket, 404);
    if (!tokenMatches(url.searchParams.get('token'), options.token)) return refuseSocket(socket, 401);
    const origin = request.headers.origin;
    if (origin !== undefined && !options.allowedOrigins().includes(origin)) return refuseSocket(socket, 403);
    wss.handleUpgrade(request, socket, head, (ws) => {
      answered.add(ws);
      ws.on('pong', () => answered.add(ws));
      serve(ws, options, limits);
    });
  };
  options.server.on('upgrade', onUpgrade);

  // Dead peers (a machine asleep, a tab killed without a close) hold a socket each until dropped.
  const heartbeat = setInterval(() => {
    for (const client of wss.clients) {
      if (!answered.has(client)) {
        client.terminate();
        continue;
      }
      answered.delete(client);
      client.ping();
    }
  }, limits.heartbeatMs).unref();

  return async () => {
    clearInterval(heartbeat);
    options.server.off('upgrade', onUpgrade);
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
}

function serve(ws: WebSocket, { dispatch, events }: WsBridgeOptions, limits: BridgeLimits): void {
  const subscriptions = new Map<EventName, () => void>();
  const send = (frame: HostFrame) => {
    if (ws.readyState !== ws.OPEN) return;
    // Checked before sending, so one large result always goes out; a burst a reading page asks
    // for stays far below the bound.
    if (ws.bufferedAmount > limits.maxBufferedBytes) return ws.terminate();
    ws.send(JSON.stringify(frame));
  };

  // Closes with `code` and drops the socket if the peer does not complete the close in time.
  const refuse = (code: number, reason: string) => {
    ws.close(code, reason);
    setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
  };
  // Bad frames (too large, invalid UTF-8, protocol errors) and resets: ws has already sent its
  // close frame; unheard, the 'error' event would end the host.
  ws.on('error', () => setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref());

  const onMessage = async (data: WebSocket.RawData, isBinary: boolean) => {
    if (isBinary) return refuse(1003, 'text frames only');
    let raw: unknown;
    try {
      raw = JSON.parse(data.toString());
    } catch {
      return refuse(1007, 'invalid JSON');
    }
    const parsed = ClientFrameSchema.safeParse(raw);
    if (!parsed.success) {
      const id = (raw as { id?: unknown } | null)?.id;
      if (typeof id === 'number') {
        send({ t: 'result', id, ok: false, error: { code: 'invalid_input', message: 'Malformed call frame.' } });
      }
      return;
    }
    const frame = parsed.data;
    if (frame.t === 'call') {
      const result = await dispatch(frame.method, frame.input);
      send({ t: 'result', id: frame.id, ...result });
    } else if (frame.t === 'subscribe') {
      for (const name of frame.events) {
        if (!isEventName(name) || subscriptions.has(name)) continue;
        subscriptions.set(name, events.on(name, (payload) => send({ t: 'event', name, payload })));
      }
    } else {
      for (const name of frame.events) {
        if (!isEventName(name)) continue;
        subscriptions.get(name)?.();
        subscriptions.delete(name);
      }
    }
  };
  ws.on('message', (data, isBinary) => {
    onMessage(data, isBinary).catch((error: unknown) => {
      console.error('switchboard: bridge:', error);
      refuse(1011, 'internal error');
    });
  });

  ws.on('close', () => {
    for (const off of subscriptions.values()) off();
    subscriptions.clear();
  });
}

function tokenMatches(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
