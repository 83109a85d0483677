/**
 * The recorder's bus tap: one NATS connection subscribed to `>`, whose bytes are handed on as
 * they arrive, undecoded. The official client parses every message into objects before anyone
 * sees it, which on a busy bus costs as much CPU as the traffic being observed; a tap only has to
 * keep the bytes, so it speaks the little of the protocol it needs itself: the handshake
 * (INFO, TLS upgrade, CONNECT with the same credentials nats.js uses, via its authenticators),
 * SUB/UNSUB, and PONG for the server's PINGs. Decoding happens later, off the hot path.
 *
 * It reconnects on its own (server restarts); each connection is a new protocol stream.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { buildAuthenticator } from '@nats-io/nats-core';
import type { NodeConnectionOptions } from '@nats-io/transport-node';
import { RECORDER_AGENT } from '../../../agents/protocol/runtime-events.js';

/** What the tap reports, in order. */
export interface TapListener {
  /** A connection is up and subscribed: the bytes that follow are a new protocol stream. */
  stream(): void;
  /** Bytes as received; valid only during the call (the tap reads the next ones into the same memory). */
  data(chunk: Buffer): void;
  /** The connection dropped while tapping (it is being re-established). */
  lost(reason: string): void;
  /**
   * Optional, to save a copy: where to read the next bytes of a plain connection into (asked for
   * right after each read, for the next one). Bytes read there are reported with filled() (a view
   * of that buffer) instead of data().
   */
  readBuffer?(): Buffer;
  filled?(chunk: Buffer): void;
}

const PING = Buffer.from('PING\r\n');
/** Plain connections read straight into one buffer this big: no allocation per read, fewer reads. */
const READ_BUFFER = 1024 * 1024;
/** nats.js's default connection timeout. */
const HANDSHAKE_TIMEOUT_MS = 20_000;
const MAX_LINE = 1024 * 1024;
/** Waits before each reconnect attempt: a supervised server is back within ~200 ms, and the gap is what the trace misses. */
const RECONNECT_MS = [100, 100, 250, 500, 1000, 2000];

interface Server {
  host: string;
  port: number;
  tls: boolean;
}

/** `nats://host:port`, `tls://host:port`, `host:port` or `host`, as nats.js accepts them. */
function parseServer(url: string): Server {
  const withScheme = /^[a-z]+:\/\//i.test(url) ? url : `nats://${url}`;
  const parsed = new URL(withScheme);
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: parsed.port ? Number(parsed.port) : 4222, tls: parsed.protocol === 'tls:' };
}

export class NatsTap {
  private socket: net.Socket | null = null;
  private closed = false;
  private reconnects = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private url: string | null = null;
  private pings = new PingWatch();
  private readonly readBuffer = Buffer.allocUnsafeSlow(READ_BUFFER); // its own memory: reads into it are told apart by that
  /** PINGs sent on the current connection after subscribing (their PONGs are in its stream). */
  pingsSent = 0;

  constructor(
    private readonly options: NodeConnectionOptions,
    private readonly subject: string,
    private readonly listener: TapListener,
    private readonly name = RECORDER_AGENT,
  ) {}

  /** Connects to the first server that accepts it; rejects with why none did. */
  async start(): Promise<void> {
    const servers = [this.options.servers ?? '127.0.0.1:4222'].flat();
    let last: unknown = null;
    for (const url of servers) {
      try {
        const handshaken = await this.handshake(parseServer(url));
        this.url = url;
        this.attach(handshaken);
        return;
      } catch (error) {
        last = error;
      }
    }
    throw new Error(`the recorder could not connect to ${servers.join(', ')}: ${last instanceof Error ? last.message : String(last)}`);
  }

  /** Asks for a PONG: when it is decoded, everything the server routed before is in the stream. */
  ping(): void {
    if (!this.socket) return;
    this.socket.write(PING);
    this.pingsSent++;
  }

  /** Stops the subscription; messages routed before keep arriving. */
  unsubscribe(): void {
    this.socket?.write('UNSUB 1\r\n');
  }

  /** The server the tap is (or was last) connected to, as given in the options. */
  get server(): string | null {
    return this.url;
  }

  get connected(): boolean {
    return this.socket !== null;
  }

  close(): void {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.socket?.destroy();
    this.socket = null;
  }

  /** Switches a handshaken connection to tapping: SUB, a PING to mark it, then bytes straight through. */
  private attach({ socket, route, rest }: Handshaken): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.socket = socket;
    this.reconnects = 0;
    this.pingsSent = 0;
    this.pings = new PingWatch();
    this.listener.stream();
    const { readBuffer, filled } = this.listener;
    if (readBuffer && filled) route.buffer = () => readBuffer.call(this.listener);
    // The hot path: answer PINGs (a false match inside a payload only sends an extra PONG, which
    // the server ignores), pass the bytes on.
    route.input = (chunk, inPlace) => {
      if (this.pings.seen(chunk)) socket.write('PONG\r\n');
      if (inPlace && filled) filled.call(this.listener, chunk);
      else this.listener.data(chunk);
    };
    let why = 'the server closed the connection';
    socket.once('close', () => this.onClose(socket, why));
    socket.on('error', (error) => (why = `the connection failed: ${error.message}`)); // 'close' follows
    socket.write(`SUB ${this.subject} 1\r\n`);
    this.ping();
    if (rest.length > 0) route.input(rest, false);
  }

  private onClose(socket: net.Socket, why: string): void {
    if (this.socket !== socket) return;
    this.socket = null;
    if (this.closed) return;
    this.listener.lost(why);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    const wait = RECONNECT_MS[Math.min(this.reconnects++, RECONNECT_MS.length - 1)]!;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.start().catch(() => this.scheduleReconnect());
    }, wait);
    this.reconnectTimer.unref();
  }

  /**
   * TCP (or TLS first, when asked), INFO, TLS when nats.js would use it (the server requires it,
   * or offers it and TLS was not turned off with `tls: null`), CONNECT, and a PING answered by
   * PONG (or -ERR: rejected). All within the connection timeout (nats.js's `timeout`, 20 s).
   */
  private async handshake(server: Server): Promise<Handshaken> {
    const timeoutMs = this.options.timeout ?? HANDSHAKE_TIMEOUT_MS;
    const tlsOptions = this.options.tls;
    let socket: net.Socket | null = null;
    let timer: NodeJS.Timeout | null = null;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`no answer from ${server.host}:${server.port} within ${timeoutMs} ms`));
        socket?.destroy();
      }, timeoutMs);
    });
    // Where the connection's bytes go: the handshake's line reader, then the tap (attach).
    const lines = new LineReader();
    const route: Route = { buffer: () => this.readBuffer, input: (chunk) => lines.push(chunk) };
    const watch = (s: net.Socket) => s.on('error', (error) => lines.fail(error)).on('close', () => lines.fail(new Error('the server closed the connection')));
    const steps = async (): Promise<Handshaken> => {
      if (tlsOptions?.handshakeFirst) socket = await this.secure(null, server, route);
      else {
        socket = await new Promise<net.Socket>((resolve, reject) => {
          const s = net.connect({
            host: server.host,
            port: server.port,
            onread: {
              // Asked for right after each read, for the next one: the tap's own buffer while
              // handshaking, then the listener's if it offers one.
              buffer: () => route.buffer(),
              callback: (n, buffer) => {
                route.input(Buffer.from(buffer.buffer, buffer.byteOffset, n), buffer.buffer !== this.readBuffer.buffer);
                return true;
              },
            },
          });
          s.once('connect', () => resolve(s)).once('error', reject);
        });
      }
      watch(socket).setNoDelay(true);
      const infoLine = await lines.next();
      if (!infoLine.startsWith('INFO ')) throw new Error(`not a NATS server (it said "${infoLine.slice(0, 80)}")`);
      const info = JSON.parse(infoLine.slice(5)) as { tls_required?: boolean; tls_available?: boolean; nonce?: string };
      const encrypted = socket instanceof tls.TLSSocket;
      const upgrade = !encrypted && (info.tls_required === true || (info.tls_available === true && tlsOptions !== null) || server.tls);
      if (!encrypted && !upgrade && tlsOptions) throw new Error('the server does not offer TLS, which the connection options ask for');
      if (upgrade) socket = watch(await this.secure(socket, server, route));
      const auth = buildAuthenticator(this.options)(info.nonce) ?? {};
      const connect = { verbose: false, pedantic: false, tls_required: encrypted || upgrade, name: this.name, lang: 'switchboard-tap', version: '1', protocol: 1, headers: true, no_responders: true, ...auth };
      socket.write(`CONNECT ${JSON.stringify(connect)}\r\nPING\r\n`);
      for (;;) {
        const line = await lines.next();
        if (line === 'PONG') break;
        if (line.startsWith('-ERR')) throw new Error(line.slice(4).trim().replace(/^'|'$/g, ''));
        if (line === 'PING') socket.write('PONG\r\n');
      }
      return { socket, route, rest: lines.rest() };
    };
    try {
      return await Promise.race([steps(), timedOut]);
    } catch (error) {
      (socket as net.Socket | null)?.destroy();
      throw error;
    } finally {
      clearTimeout(timer!);
    }
  }

  /**
   * TLS over `socket` (or a new connection), with the connection options' TLS settings as nats.js
   * passes them; what it decrypts goes to `route`.
   */
  private secure(socket: net.Socket | null, server: Server, route: Route): Promise<net.Socket> {
    const { caFile, certFile, keyFile, handshakeFirst: _first, ...inline } = this.options.tls ?? {};
    const files = { ...(caFile && { ca: readFileSync(caFile) }), ...(certFile && { cert: readFileSync(certFile) }), ...(keyFile && { key: readFileSync(keyFile) }) };
    const target = socket ? { socket } : { host: server.host, port: server.port };
    return new Promise((resolve, reject) => {
      const secure = tls.connect({ ...target, servername: net.isIP(server.host) ? undefined : server.host, rejectUnauthorized: true, ...inline, ...files }, () => resolve(secure));
      secure.on('data', (chunk: Buffer) => route.input(chunk, false));
      secure.once('error', reject);
    });
  }
}

/** Where a connection's bytes go now. */
interface Route {
  /** Where a plain connection reads next. */
  buffer: () => Buffer;
  /** What was read; `inPlace` when it went into the listener's buffer. */
  input: (chunk: Buffer, inPlace: boolean) => void;
}

interface Handshaken {
  socket: net.Socket;
  route: Route;
  rest: Buffer;
}

/**
 * Spots "PING\r\n" in a stream of chunks, also across chunk boundaries (however small the
 * chunks). A PING inside a payload is a false alarm that costs one unneeded PONG.
 */
export class PingWatch {
  private tail = Buffer.alloc(0);

  seen(chunk: Buffer): boolean {
    const joined = this.tail.length > 0 ? Buffer.concat([this.tail, chunk.subarray(0, PING.length - 1)]) : null;
    const found = chunk.indexOf(PING) >= 0 || (joined !== null && joined.indexOf(PING) >= 0);
    const keep = PING.length - 1;
    this.tail = chunk.length >= keep ? Buffer.from(chunk.subarray(chunk.length - keep)) : Buffer.concat([this.tail, chunk]).subarray(-keep);
    return found;
  }
}

/** The handshake's lines, from bytes pushed to it (copied: the tap reuses its read buffer). */
class LineReader {
  private buffered = Buffer.alloc(0);
  private waiting: { resolve: (line: string) => void; reject: (error: Error) => void } | null = null;
  private failure: Error | null = null;

  push(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    this.deliver();
  }

  fail(error: Error): void {
    this.failure ??= error;
    this.deliver();
  }

  next(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.deliver();
    });
  }

  /** The bytes after the last line read. */
  rest(): Buffer {
    return this.buffered;
  }

  private deliver(): void {
    if (!this.waiting) return;
    const end = this.buffered.indexOf('\r\n');
    if (end >= 0) {
      const line = this.buffered.toString('utf8', 0, end);
      this.buffered = this.buffered.subarray(end + 2);
      const { resolve } = this.waiting;
      this.waiting = null;
      resolve(line);
    } else if (this.failure || this.buffered.length > MAX_LINE) {
      const { reject } = this.waiting;
      this.waiting = null;
      reject(this.failure ?? new Error('the server sent an over-long line'));
    }
  }
}
