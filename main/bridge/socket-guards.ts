/**
 * Guards for every socket the browser-mode server accepts. A socket the host writes to must have
 * an 'error' listener first (a peer that resets the connection turns the write into an 'error'
 * event, and an unheard one ends the process); a refusal is written and the socket then destroyed
 * (a peer need not close its side, or read); and the HTTP server gets limits that drop half
 * requests, silent connections, oversize headers and stalled readers instead of holding them.
 */
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** The HTTP server's limits: generous for a browser on loopback, short for anything that stalls. */
export const HTTP_LIMITS = {
  /** A request's headers must be complete within this (a browser on loopback sends them at once). */
  headersTimeoutMs: 10_000,
  /** The whole request (the UI only GETs: headers are all there is). */
  requestTimeoutMs: 30_000,
  /** An idle keep-alive connection is closed after this (Node's default, stated). */
  keepAliveTimeoutMs: 5_000,
  /** A connection with no traffic either way for this long is closed: a reader that stopped reading. */
  idleTimeoutMs: 120_000,
  /** Larger headers are refused with 431 (Node's default, stated: no header the UI sends comes near it). */
  maxHeaderSize: 16 * 1024,
  /** How often Node checks the request timeouts; its default, 30 s, lets half requests linger. */
  checkIntervalMs: 1_000,
} as const;

/** A refused socket is destroyed after this even if its peer never reads the refusal. */
const REFUSAL_LINGER_MS = 2_000;

/** The options `http.createServer` takes for {@link HTTP_LIMITS}; the rest is set by {@link hardenHttpServer}. */
export const hardenedServerOptions = {
  maxHeaderSize: HTTP_LIMITS.maxHeaderSize,
  connectionsCheckingInterval: HTTP_LIMITS.checkIntervalMs,
} as const;

/** Applies the limits, answers malformed requests (400/408/431) and logs server errors instead of throwing them. */
export function hardenHttpServer(server: Server, log: (text: string) => void = (text) => console.error(text)): void {
  server.headersTimeout = HTTP_LIMITS.headersTimeoutMs;
  server.requestTimeout = HTTP_LIMITS.requestTimeoutMs;
  server.keepAliveTimeout = HTTP_LIMITS.keepAliveTimeoutMs;
  // With no 'timeout' listener, Node destroys a socket idle this long (upgraded sockets: ws clears it).
  server.timeout = HTTP_LIMITS.idleTimeoutMs;
  server.on('clientError', answerClientError);
  // After listen, 'error' means accept() failed (e.g. out of file descriptors): keep serving the rest.
  server.on('error', (error) => log(`switchboard: the HTTP server: ${error.message}`));
}

/** Gives `socket` an 'error' listener that destroys it (once per socket); call before writing to it. */
export function guardSocket(socket: Duplex): void {
  if (!socket.listeners('error').includes(destroyOnError)) socket.on('error', destroyOnError);
}

/** Answers an HTTP status on a raw socket (a refused upgrade, a malformed request), then closes it. */
export function refuseSocket(socket: Duplex, status: number): void {
  guardSocket(socket);
  if (!socket.writable || socket.destroyed) {
    socket.destroy();
    return;
  }
  const text = STATUS_CODES[status] ?? 'Error';
  // Destroyed once written, or after a while if the peer never reads it: a refused client keeps
  // nothing open on the host.
  const linger = setTimeout(() => socket.destroy(), REFUSAL_LINGER_MS).unref();
  socket.once('close', () => clearTimeout(linger));
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
}

/**
 * Parses a request target (`/path?query`, or an absolute URL, which HTTP allows) into a URL;
 * null when it is not one (such a request gets a 400, not an exception).
 */
export function parseRequestTarget(target: string | undefined): URL | null {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}

/** The decoded path of a request target; null for a bad target, bad percent-encoding or a NUL. */
export function requestPathname(target: string | undefined): string | null {
  const url = parseRequestTarget(target);
  if (!url) return null;
  try {
    const pathname = decodeURIComponent(url.pathname);
    return pathname.includes('\0') ? null : pathname;
  } catch {
    return null; // URIError: percent-encoding that is not UTF-8
  }
}

function destroyOnError(this: Duplex): void {
  this.destroy();
}

/** Node's own answers to a request it could not parse, with the socket guarded. */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // A reset or a response already under way: nothing more can be said on this socket.
  const responding = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE' || responding) {
    guardSocket(socket);
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  refuseSocket(socket, status);
}
