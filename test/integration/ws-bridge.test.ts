import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createRpcDispatcher } from '../../main/bridge/rpc.js';
import { attachWsBridge } from '../../main/bridge/ws.js';
import type { HostFrame } from '../../preload/contract.js';
import { CountingEventBus, fakeHandlers, sampleStatus } from '../helpers/host-fixtures.js';
import { until } from '../helpers/until.js';

const status = sampleStatus({ readyAt: null });
const handlers = fakeHandlers(status);

const TOKEN = 'a-per-launch-token-0123456789abcdef';
const ALLOWED_ORIGIN = 'http://127.0.0.1:5173';

/** An open bridge connection that records every frame it receives. */
interface Client {
  ws: WebSocket;
  frames: HostFrame[];
  /** Resolves with the first recorded frame (past or future) that matches. */
  next(match: (frame: HostFrame) => boolean): Promise<HostFrame>;
  /** Sends a call and resolves with its result frame. */
  call(id: number, method: string, input?: unknown): Promise<HostFrame>;
}

let server: Server;
let events: CountingEventBus;
let closeBridge: () => Promise<void>;
let baseUrl: string;
const opened: WebSocket[] = [];

beforeEach(async () => {
  server = createServer((_req, res) => res.writeHead(404).end());
  events = new CountingEventBus();
  closeBridge = attachWsBridge({
    server,
    dispatch: createRpcDispatcher(handlers, { validateOutputs: true }),
    events,
    token: TOKEN,
    allowedOrigins: () => [ALLOWED_ORIGIN],
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  for (const ws of opened.splice(0)) ws.terminate();
  await closeBridge();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Connects and waits for the socket to open. */
async function connect(url: string, options: WebSocket.ClientOptions = {}): Promise<Client> {
  const ws = new WebSocket(url, options);
  opened.push(ws);
  const frames: HostFrame[] = [];
  const waiters: Array<{ match: (frame: HostFrame) => boolean; resolve: (frame: HostFrame) => void }> = [];
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as HostFrame;
    frames.push(frame);
    for (const waiter of waiters.filter((w) => w.match(frame))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(frame);
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = (match: (frame: HostFrame) => boolean) =>
    new Promise<HostFrame>((resolve) => {
      const seen = frames.find(match);
      if (seen) resolve(seen);
      else waiters.push({ match, resolve });
    });
  const call = (id: number, method: string, input?: unknown) => {
    ws.send(JSON.stringify({ t: 'call', id, method, input }));
    return next((frame) => frame.t === 'result' && frame.id === id);
  };
  return { ws, frames, next, call };
}

/** Tries to connect and resolves with the HTTP status the upgrade was refused with. */
function refusedStatus(url: string, options: WebSocket.ClientOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    opened.push(ws);
    ws.on('unexpected-response', (request, response) => {
      resolve(response.statusCode ?? -1);
      request.destroy();
    });
    ws.on('error', () => undefined); // the aborted request; the status was already reported
    ws.on('open', () => reject(new Error('the connection was accepted')));
  });
}

const closed = (ws: WebSocket) =>
  new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));

// Who may connect: token always, Origin when a browser sends one.
describe('attachWsBridge handshake', () => {
  it('refuses a connection without a token with 401', async () => {
    expect(await refusedStatus(`${baseUrl}/rpc`)).toBe(401);
  });

  it.each([
    ['a wrong token of the same length', TOKEN.replace(/.$/, 'X')],
    ['a shorter token', TOKEN.slice(0, 8)],
    ['an empty token', ''],
  ])('refuses %s with 401', async (_label, token) => {
    expect(await refusedStatus(`${baseUrl}/rpc?token=${encodeURIComponent(token)}`)).toBe(401);
  });

  it('refuses another path with 404', async () => {
    expect(await refusedStatus(`${baseUrl}/other?token=${TOKEN}`)).toBe(404);
  });

  it('refuses a right token from an origin that is not allowed with 403', async () => {
    expect(await refusedStatus(`${baseUrl}/rpc?token=${TOKEN}`, { origin: 'http://evil.example' })).toBe(403);
  });

  it('accepts the token with an allowed origin, and without any origin', async () => {
    const browser = await connect(`${baseUrl}/rpc?token=${TOKEN}`, { origin: ALLOWED_ORIGIN });
    const tool = await connect(`${baseUrl}/rpc?token=${TOKEN}`);
    expect(browser.ws.readyState).toBe(WebSocket.OPEN);
    expect(tool.ws.readyState).toBe(WebSocket.OPEN);
  });
});

// Calls, event subscriptions and malformed traffic over an accepted connection.
describe('attachWsBridge frames', () => {
  let client: Client;
  beforeEach(async () => {
    client = await connect(`${baseUrl}/rpc?token=${TOKEN}`);
  });

  it('returns a valid call’s value under its id', async () => {
    expect(await client.call(7, 'server.getLogs', { afterSeq: 4 })).toEqual({
      t: 'result',
      id: 7,
      ok: true,
      value: { lines: [{ seq: 5, time: '2026-01-01T00:00:00.000Z', source: 'stdout', text: 'hello' }] },
    });
    expect(await client.call(8, 'server.getStatus')).toEqual({ t: 'result', id: 8, ok: true, value: status });
  });

  it('answers invalid_input for a call with a bad input', async () => {
    const result = await client.call(1, 'server.getLogs', { afterSeq: -1 });
    expect(result).toMatchObject({ t: 'result', id: 1, ok: false, error: { code: 'invalid_input' } });
  });

  it('answers unknown_call for a call that does not exist', async () => {
    expect(await client.call(2, 'server.explode')).toMatchObject({ t: 'result', id: 2, ok: false, error: { code: 'unknown_call' } });
  });

  it('answers invalid_input for a malformed frame that carries an id', async () => {
    client.ws.send(JSON.stringify({ t: 'call', id: 3 })); // no method
    expect(await client.next((frame) => frame.t === 'result' && frame.id === 3)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });

  it('delivers subscribed events until unsubscribed', async () => {
    client.ws.send(JSON.stringify({ t: 'subscribe', events: ['server.statusChanged', 'server.unknownEvent'] }));
    await client.call(1, 'server.getStatus'); // frames are handled in order: the subscription exists now
    events.emit('server.statusChanged', { ...status, state: 'restarting' });
    expect(await client.next((frame) => frame.t === 'event')).toEqual({
      t: 'event',
      name: 'server.statusChanged',
      payload: { ...status, state: 'restarting' },
    });

    client.ws.send(JSON.stringify({ t: 'unsubscribe', events: ['server.statusChanged'] }));
    await client.call(2, 'server.getStatus');
    events.emit('server.statusChanged', { ...status, state: 'stopped' });
    await client.call(3, 'server.getStatus'); // an event sent before this result would have arrived first
    expect(client.frames.filter((frame) => frame.t === 'event')).toHaveLength(1);
  });

  it('sends each event once to a connection that subscribed twice', async () => {
    client.ws.send(JSON.stringify({ t: 'subscribe', events: ['server.statusChanged'] }));
    client.ws.send(JSON.stringify({ t: 'subscribe', events: ['server.statusChanged'] }));
    await client.call(1, 'server.getStatus');
    events.emit('server.statusChanged', status);
    await client.call(2, 'server.getStatus');
    expect(client.frames.filter((frame) => frame.t === 'event')).toHaveLength(1);
  });

  it('drops a connection’s subscriptions when it closes', async () => {
    client.ws.send(JSON.stringify({ t: 'subscribe', events: ['server.statusChanged'] }));
    await client.call(1, 'server.getStatus');
    expect(events.active).toBe(1);
    client.ws.close();
    await closed(client.ws);
    await until(() => events.active === 0, 'the server to drop the subscription'); // it sees the close a moment later
    expect(events.active).toBe(0);
  });

  it('closes the connection with 1007 on a message that is not JSON', async () => {
    const closing = closed(client.ws);
    client.ws.send('this is not json');
    expect((await closing).code).toBe(1007);
  });

  it('closes the connection with 1003 on a binary message', async () => {
    const closing = closed(client.ws);
    client.ws.send(Buffer.from('{"t":"subscribe","events":[]}'), { binary: true });
    expect((await closing).code).toBe(1003);
  });
});
