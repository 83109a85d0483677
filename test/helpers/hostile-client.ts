/**
 * Raw TCP clients that misbehave on purpose, for the tests that prove the host's port survives
 * them: requests written byte for byte (no client library to tidy them up), resets instead of
 * closes, WebSocket frames built by hand (invalid ones included).
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { expect } from 'vitest';
import { connectBridge } from './bridge-client.js';
import { startServe, type ServeProcess } from './cli.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';

/** A `switchboard serve` under attack: its process, data directory, port and token. */
export interface ServeTarget {
  serve: ServeProcess;
  dataDir: string;
  port: number;
  token: string;
  pid: number;
}

/** Starts `switchboard serve` on a fresh data directory (`switchboard-NAME-…`). */
export async function startServeTarget(name: string): Promise<ServeTarget> {
  const dataDir = await makeTempDir(name);
  // A serve that never starts leaves no directory behind (the caller gets no target to clean up).
  const serve = await startServe(['--data-dir', dataDir]).catch(async (error: unknown) => {
    await removeTempDir(dataDir);
    throw error;
  });
  const url = new URL(serve.url);
  return { serve, dataDir, port: Number(url.port), token: url.searchParams.get('token') ?? '', pid: serve.child.pid! };
}

/** Serve is still running, its page loads, and a new authenticated bridge connection gets an answer. */
export async function expectStillServing({ serve, port }: ServeTarget, timeoutMs = 5_000): Promise<void> {
  expect(serve.child.exitCode, serve.output()).toBeNull();
  const page = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(timeoutMs) });
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<html');
  const bridge = await connectBridge(serve.url);
  try {
    expect((await bridge.call('host.getInfo')).shell).toBe('browser');
  } finally {
    bridge.close();
  }
}

/** What a raw exchange got back. */
export interface RawReply {
  /** The status of the first HTTP response line; null when nothing (or no HTTP) came back. */
  status: number | null;
  /** Everything received (the body included). */
  text: string;
  /** True when the host closed the connection before the wait ended. */
  closed: boolean;
}

/** Connects to 127.0.0.1:`port`; rejects when the connection is refused. */
export function connectRaw(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => undefined); // resets by the host are the point of these tests
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Writes `data` and collects what comes back until the host closes or `waitMs` passes. */
export async function rawExchange(port: number, data: string | Buffer, waitMs = 5_000): Promise<RawReply> {
  const socket = await connectRaw(port);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const done = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: status ? Number(status[1]) : null, text, closed });
    };
    const timer = setTimeout(() => done(false), waitMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('close', () => done(true));
    socket.write(data);
  });
}

/** Writes `data`, then resets the connection (RST, no FIN) after `afterMs` (0: at once). */
export async function writeThenReset(port: number, data: string | Buffer, afterMs = 0): Promise<void> {
  const socket = await connectRaw(port);
  socket.write(data);
  if (afterMs > 0) await new Promise((resolve) => setTimeout(resolve, afterMs));
  if (!socket.destroyed) socket.resetAndDestroy();
}

/** A WebSocket upgrade request for `target` (e.g. `/rpc?token=…`), with an Origin when given. */
export function upgradeRequest(target: string, origin?: string): string {
  return [
    `GET ${target} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13',
    ...(origin ? [`Origin: ${origin}`] : []),
    '',
    '',
  ].join('\r\n');
}

/** A plain GET of `target`, closing the connection after the answer. */
export function getRequest(target: string, extraHeaders: string[] = []): string {
  return [`GET ${target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...extraHeaders, '', ''].join('\r\n');
}

/** Opens a WebSocket by hand: upgrade, wait for the 101, and hand back the socket (frames are the caller's). */
export async function openRawWebSocket(port: number, target: string): Promise<net.Socket> {
  const socket = await connectRaw(port);
  await new Promise<void>((resolve, reject) => {
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (head.startsWith('HTTP/1.1 101')) resolve();
      else reject(new Error(`the upgrade was refused: ${head.split('\r\n')[0]}`));
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error('the host closed the connection during the upgrade')));
    socket.write(upgradeRequest(target));
  });
  return socket;
}

/** How {@link wsFrame} bends the rules. */
export interface FrameOptions {
  /** false: a client frame without a mask (a protocol error). */
  masked?: boolean;
  /** The length the header claims (default: the payload's). */
  declaredLength?: number;
  /** false: more fragments follow. */
  fin?: boolean;
  /** Reserved bits to set (0-7; none negotiated, so any is a protocol error). */
  rsv?: number;
}

/** One client frame (masked, as a client's must be unless told otherwise), which may lie or break the rules. */
export function wsFrame(opcode: number, payload: Buffer, options: FrameOptions = {}): Buffer {
  const length = options.declaredLength ?? payload.length;
  const masked = options.masked ?? true;
  const header: number[] = [((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | opcode];
  const maskBit = masked ? 0x80 : 0;
  if (length < 126) header.push(maskBit | length);
  else if (length < 65_536) header.push(maskBit | 126, length >> 8, length & 0xff);
  else {
    header.push(maskBit | 127);
    const big = Buffer.alloc(8);
    big.writeBigUInt64BE(BigInt(length));
    header.push(...big);
  }
  if (!masked) return Buffer.concat([Buffer.from(header), payload]);
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const body = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from(header), mask, body]);
}

/** Resolves once the host closes `socket` (true), or false if it is still open after `waitMs`. */
export function closedByHost(socket: net.Socket, waitMs: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), waitMs);
    socket.resume(); // read (and drop) whatever comes, so the close is seen
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** How the host ended a raw WebSocket: whether it closed, and the code of its close frame (if it sent one). */
export interface HostClose {
  closed: boolean;
  code: number | null;
}

/** Reads the host's frames on `socket` until it closes (or `waitMs` passes) and reports its close code. */
export function hostClose(socket: net.Socket, waitMs: number): Promise<HostClose> {
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    const done = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ closed, code: closeCodeIn(received) });
    };
    const timer = setTimeout(() => done(false), waitMs);
    socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    socket.once('close', () => done(true));
    if (socket.destroyed) done(true);
    socket.resume();
  });
}

/** The code of the first close frame among the host's (unmasked) frames in `bytes`, if any. */
function closeCodeIn(bytes: Buffer): number | null {
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = bytes[at]! & 0x0f;
    let length = bytes[at + 1]! & 0x7f;
    let start = at + 2;
    if (length === 126) {
      if (start + 2 > bytes.length) return null;
      length = bytes.readUInt16BE(start);
      start += 2;
    } else if (length === 127) {
      if (start + 8 > bytes.length) return null;
      length = Number(bytes.readBigUInt64BE(start));
      start += 8;
    }
    if (opcode === 0x8) return length >= 2 && start + 2 <= bytes.length ? bytes.readUInt16BE(start) : null;
    at = start + length;
  }
  return null;
}

/**
 * Runs `attempt(i)` for i = 0…count-1, `concurrency` at a time, starting none after `deadline`
 * (a Date.now() value): bounded by count and by time. Resolves with how many ran.
 */
export async function inBatches(count: number, concurrency: number, deadline: number, attempt: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < count && Date.now() < deadline) await attempt(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return next;
}

/** The resident memory of process `pid` in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) / 1024;
}
