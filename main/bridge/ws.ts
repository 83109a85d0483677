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

/** Options for {@link attachWsBridge}. */
export interface WsBridgeOptions {
  server: Server;
  dispatch: RpcDispatcher;
  events: EventBus;
  token: string;
  /** Origins a browser may connect from (e.g. `http://127.0.0.1:5173`); clients without Origin need only the token. */
  allowedOrigins: () => readonly string[];
  path?: string;
}

/** Frames larger than this are refused: no call's input comes near it. */
const MAX_PAYLOAD = 16 * 1024 * 1024;

/** Attaches the bridge to `server`; returns a function that closes every connection. */
export function attachWsBridge(options: WsBridgeOptions): () => Promise<void> {
  const rpcPath = options.path ?? '/rpc';
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== rpcPath) return refuse(socket, 404, 'Not Found');
    if (!tokenMatches(url.searchParams.get('token'), options.token)) return refuse(socket, 401, 'Unauthorized');
    const origin = request.headers.origin;
    if (origin !== undefined && !options.allowedOrigins().includes(origin)) return refuse(socket, 403, 'Forbidden');
    wss.handleUpgrade(request, socket, head, (ws) => serve(ws, options));
  };
  options.server.on('upgrade', onUpgrade);

  return async () => {
    options.server.off('upgrade', onUpgrade);
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
}

function serve(ws: WebSocket, { dispatch, events }: WsBridgeOptions): void {
  const subscriptions = new Map<EventName, () => void>();
  const send = (frame: HostFrame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };

  ws.on('message', async (data, isBinary) => {
    if (isBinary) return ws.close(1003, 'text frames only');
    let raw: unknown;
    try {
      raw = JSON.parse(data.toString());
    } catch {
      return ws.close(1007, 'invalid JSON');
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

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
