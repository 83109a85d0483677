// The bridge's own limits, with small values so each shows in a moment: a client whose backlog
// passes the bound is dropped (the host does not buffer without end), a peer that no longer
// answers pings (dead, or not reading) is dropped, and a frame over the payload bound closes only
// that connection. The real values and a real `switchboard serve` are in bridge-hostile and the faults.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { EventBus } from '../../main/host/event-bus.js';
import { attachWsBridge, type BridgeLimits } from '../../main/bridge/ws.js';
import type { RpcDispatcher } from '../../main/bridge/rpc.js';
import { closedByHost, openRawWebSocket, wsFrame } from '../helpers/hostile-client.js';

const TOKEN = 'a-per-launch-token-0123456789abcdef';
/** Every call answers this much text: a few calls fill any small backlog bound. */
const BIG = 'x'.repeat(256 * 1024);

let server: Server;
let port: number;
let closeBridge: () => Promise<void>;
let calls = 0;

async function start(limits: Partial<BridgeLimits>): Promise<void> {
  server = createServer((_req, res) => res.writeHead(404).end());
  const dispatch: RpcDispatcher = async (method) => {
    calls++;
    return { ok: true, value: method === 'big' ? BIG : 'small' };
  };
  closeBridge = attachWsBridge({ server, dispatch, events: new EventBus(), token: TOKEN, allowedOrigins: () => [], limits });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
}

beforeEach(() => {
  calls = 0;
});

afterEach(async () => {
  await closeBridge();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const openConnections = () => new Promise<number>((resolve) => server.getConnections((_error, n) => resolve(n)));
const call = (id: number, method: string) => wsFrame(0x1, Buffer.from(JSON.stringify({ t: 'call', id, method })));

it('drops a client that stops reading once its backlog passes the bound', async () => {
  await start({ maxBufferedBytes: 1024 * 1024 });
  const reader = await openRawWebSocket(port, `/rpc?token=${TOKEN}`);
  reader.pause(); // reads nothing from here on
  // 400 answers of 256 KB (100 MB) would sit in the host's memory if it kept buffering.
  const count = 400;
  for (let id = 1; id <= count; id++) reader.write(call(id, 'big'));
  // The host's side of the connection goes away while the client still reads nothing; without the
  // bound it would stay, buffering every answer.
  await expect.poll(openConnections, { timeout: 10_000 }).toBe(0);
  expect(calls).toBeGreaterThan(0);
  let received = 0;
  reader.on('data', (chunk: Buffer) => (received += chunk.length));
  expect(await closedByHost(reader, 5_000)).toBe(true);
  expect(received).toBeLessThan(count * BIG.length);
});

it('drops a client that stopped reading by its unanswered ping, well under the bound', async () => {
  await start({ heartbeatMs: 200 });
  // A ws client answers pings by itself, but only once it reads them: paused, its pong never comes.
  const ws = new WebSocket(`ws://127.0.0.1:${port}/rpc?token=${TOKEN}`);
  await new Promise((resolve) => ws.once('open', resolve));
  ws.on('error', () => undefined);
  ws.pause();
  for (let id = 1; id <= 20; id++) ws.send(JSON.stringify({ t: 'call', id, method: 'big' })); // 5 MB, far below 64 MB
  await expect.poll(openConnections, { timeout: 5_000 }).toBe(0);
  expect(calls).toBe(20);
  ws.terminate();
});

it('drops a peer that stops answering pings, and keeps one that answers', async () => {
  // 250 ms, not less: the answering client shares this process's event loop with the host, so a
  // stall (GC, a loaded machine) between the ping and the pong's arrival would drop it too.
  await start({ heartbeatMs: 250 });
  // A raw socket that reads but never answers a ping: a dead peer as the host sees it.
  const silent = await openRawWebSocket(port, `/rpc?token=${TOKEN}`);
  const alive = new WebSocket(`ws://127.0.0.1:${port}/rpc?token=${TOKEN}`); // ws answers pings by itself
  await new Promise((resolve) => alive.once('open', resolve));
  expect(await closedByHost(silent, 5_000)).toBe(true);
  // Several heartbeats later the answering client is still there.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  expect(alive.readyState).toBe(WebSocket.OPEN);
  alive.terminate();
});

it('closes a connection whose frame is over the payload bound with 1009, and serves the next', async () => {
  await start({ maxPayload: 64 * 1024 });
  const ws = new WebSocket(`ws://127.0.0.1:${port}/rpc?token=${TOKEN}`);
  await new Promise((resolve) => ws.once('open', resolve));
  ws.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.send(JSON.stringify({ t: 'call', id: 1, method: 'small', input: 'y'.repeat(100 * 1024) }));
  expect(await closed).toBe(1009);
  const next = new WebSocket(`ws://127.0.0.1:${port}/rpc?token=${TOKEN}`);
  await new Promise((resolve) => next.once('open', resolve));
  const answer = new Promise<string>((resolve) => next.once('message', (data) => resolve(data.toString())));
  next.send(JSON.stringify({ t: 'call', id: 2, method: 'small' }));
  expect(JSON.parse(await answer)).toEqual({ t: 'result', id: 2, ok: true, value: 'small' });
  next.terminate();
});
