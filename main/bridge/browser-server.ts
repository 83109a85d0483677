/**
 * Browser mode: one HTTP server on 127.0.0.1 that serves the built renderer and carries the
 * WebSocket bridge on `/rpc`. The page URL it prints holds the per-launch token.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream';
import type { Host } from '../host/host.js';
import { contentSecurityPolicy } from './csp.js';
import { createRpcDispatcher } from './rpc.js';
import { hardenedServerOptions, hardenHttpServer, requestPathname } from './socket-guards.js';
import { attachWsBridge } from './ws.js';

/** Options for {@link startBrowserServer}. */
export interface BrowserServerOptions {
  host: Host;
  /** The built renderer (`dist/renderer`). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Extra origins allowed to open the bridge (the Vite dev server in `npm run dev`). */
  extraOrigins?: readonly string[];
  /** Fixed token (tests, dev); a random one otherwise. */
  token?: string;
}

/** A running browser-mode server. */
export interface BrowserServer {
  /** The page to open, token included. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

/** Starts the HTTP server and the bridge on 127.0.0.1. */
export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const root = path.resolve(options.rendererDir);
  let origins: string[] = [];
  let csp = contentSecurityPolicy();

  const server = createServer(hardenedServerOptions, (req, res) => {
    serveStatic(root, req, res, csp).catch((error: unknown) => {
      // Mid-body, an error message would be read as part of the file: cut the response instead.
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`Internal error: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  hardenHttpServer(server);
  const dispatch = createRpcDispatcher(options.host.handlers, {
    validateOutputs: true,
    onInternalError: (method, error) => console.error(`switchboard: ${method}:`, error),
  });
  const closeBridge = attachWsBridge({ server, dispatch, events: options.host.events, token, allowedOrigins: () => origins });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`, ...(options.extraOrigins ?? [])];
  csp = contentSecurityPolicy([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]);

  return {
    url: `http://127.0.0.1:${port}/?token=${encodeURIComponent(token)}`,
    port,
    token,
    close: async () => {
      await closeBridge();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse, csp: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const pathname = requestPathname(req.url);
  if (pathname === null) {
    res.writeHead(400, { 'Content-Type': 'text/plain' }).end('Bad request path');
    return;
  }
  let file = path.resolve(root, `.${pathname}`);
  if (file !== root && !file.startsWith(root + path.sep)) {
    res.writeHead(403).end();
    return;
  }
  let info = await stat(file).catch(() => null);
  if (!info?.isFile()) {
    // The renderer is a single page: unknown paths without an extension get the app.
    if (path.extname(pathname)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    file = path.join(root, 'index.html');
    info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      res.writeHead(503, { 'Content-Type': 'text/plain' }).end('The renderer is not built. Run `npm run build`.');
      return;
    }
  }
  const isHtml = file.endsWith('.html');
  res.writeHead(200, {
    'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    // Hashed assets never change; the page itself must always be fresh.
    'Cache-Control': isHtml ? 'no-store' : 'public, max-age=31536000, immutable',
    ...(isHtml && { 'Content-Security-Policy': csp }),
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  // pipeline, not pipe: a read error (the file replaced by a rebuild) or a client that goes away
  // mid-body closes both ends instead of throwing or leaving the file open.
  pipeline(createReadStream(file), res, () => undefined);
}
