/**
 * One HTTP listener serving Switchboard agents over A2A (spec v1.0) with the official SDK: per
 * agent a DefaultRequestHandler (in-memory task store) behind `jsonRpcHandler` at `/a2a/{agent}`
 * and its card at `/a2a/{agent}/.well-known/agent-card.json`; when exactly one agent is served,
 * its card is also the root card (`/.well-known/agent-card.json`), so a client given only the
 * base URL finds it. Any other path is a JSON 404 naming what is served.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { AGENT_CARD_PATH, AgentCard } from '@a2a-js/sdk';
import { DefaultRequestHandler, InMemoryTaskStore } from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler, UserBuilder } from '@a2a-js/sdk/server/express';
import express, { type ErrorRequestHandler } from 'express';
import type { RuntimeEventBus } from '../../../protocol/runtime-events.js';
import { a2aAgentPath } from '../../../topology/a2a-exposure.js';
import type { AgentHandle } from '../../../tools/agent-handle.js';
import type { InboundPayload } from '../../gateway/sanitize.js';
import { servedAgentCard, type ServedAgent } from './card.js';
import { requireCallerCredential, securityOfCard, type CallerCredential } from './caller-auth.js';
import { ServedAgentExecutor } from './executor.js';

/** What a stop tells the callers of tasks still in flight. */
export const A2A_STOPPED_REASON = 'stopped: the Switchboard run stopped before the agent answered';

/** Where one served agent is reached. */
export interface A2aServedCard {
  agent: string;
  /** Its JSON-RPC endpoint (the card's interface URL). */
  url: string;
  /** Its agent card. */
  cardUrl: string;
}

/** Options of {@link A2aServer.start}. */
export interface A2aServerOptions {
  host: string;
  /** 0: any free port. */
  port: number;
  agents: readonly ServedAgent[];
  /** Asks the agents on callers' behalf. */
  client: Pick<AgentHandle, 'request'>;
  /** The version every card declares (Switchboard's). */
  version: string;
  /** Inbound cleaning of a call to `agent` (the protocol gateway's), or throws why the message is refused. */
  sanitize?: (payload: InboundPayload, agent: string) => InboundPayload;
  requestTimeoutMs?: number;
  /** Where served calls are recorded (`protocol.a2a.request/response`, inbound). */
  events?: RuntimeEventBus;
  /** The largest request body taken (default 1 MiB; the SDK's own parser stops at 100 kB). */
  maxRequestBytes?: number;
  /** Where a listener failure after start is said (default: stderr). */
  warn?: (text: string) => void;
  /** What callers must send; without it every call is taken. */
  credential?: CallerCredential;
}

/** The listener; stop it with {@link A2aServer.stop}. */
export class A2aServer {
  private constructor(
    private readonly server: Server,
    private readonly open: OpenCalls,
    private readonly executors: readonly ServedAgentExecutor[],
    /** `http://host:port`. */
    readonly baseUrl: string,
    readonly cards: readonly A2aServedCard[],
  ) {}

  /** Listens on host:port; a port in use or an address not on this machine is a clear error. */
  static async start(options: A2aServerOptions): Promise<A2aServer> {
    const app = express();
    const server = createServer(app);
    // Calls being answered: a stop waits for them (they end at once: their tasks fail), not for idle keep-alive sockets.
    const open = new OpenCalls();
    app.use((_req, res, next) => (open.add(res), next()));
    // A caller without the credential is refused before its body is read; the cards stay public.
    if (options.credential) app.use(requireCallerCredential(options.credential));
    // Parsed here, so the SDK's own parser (100 kB) leaves it be; too large is a JSON-RPC error, not an HTML page.
    const maxBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    app.use(express.json({ limit: maxBytes }), bodyErrors(maxBytes));
    const port = await listen(server, options.host, options.port);
    const baseUrl = `http://${urlHost(options.host)}:${port}`;
    // Past listen, a server error (EMFILE, a socket error) is said, never an uncaught crash of the run.
    server.on('error', (error) => (options.warn ?? console.error)(`A2A: the listener on ${baseUrl} failed: ${error.message}`));
    const executors: ServedAgentExecutor[] = [];
    const cards: A2aServedCard[] = [];
    const sanitize = options.sanitize;
    for (const agent of options.agents) {
      const executor = new ServedAgentExecutor({
        agent: agent.name,
        client: options.client,
        ...(sanitize && { sanitize: (payload: InboundPayload) => sanitize(payload, agent.name) }),
        ...(options.events && { events: options.events }),
        ...(options.requestTimeoutMs !== undefined && { requestTimeoutMs: options.requestTimeoutMs }),
      });
      executors.push(executor);
      const card = servedAgentCard(agent, baseUrl, options.version, options.credential && securityOfCard(options.credential));
      const handler = new DefaultRequestHandler(card, new InMemoryTaskStore(), executor);
      const path = a2aAgentPath(agent.name);
      const published = publishedCard(card);
      app.use(`${path}/${AGENT_CARD_PATH}`, agentCardHandler({ agentCardProvider: published }));
      if (options.agents.length === 1) app.use(`/${AGENT_CARD_PATH}`, agentCardHandler({ agentCardProvider: published }));
      app.use(path, jsonRpcHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication }));
      cards.push({ agent: agent.name, url: `${baseUrl}${path}`, cardUrl: `${baseUrl}${path}/${AGENT_CARD_PATH}` });
    }
    const paths = options.agents.map((agent) => a2aAgentPath(agent.name));
    const served = paths.join(', ');
    app.use((req, res) => {
      // A served endpoint asked with another method than JSON-RPC's POST: say so, not that nothing is served there.
      if (paths.includes(req.path.replace(/\/$/, ''))) return void res.status(405).set('Allow', 'POST').json({ error: 'method_not_allowed', message: `${req.path} takes JSON-RPC requests by POST (its agent card: ${req.path.replace(/\/$/, '')}/${AGENT_CARD_PATH})` });
      res.status(404).json({ error: 'not_found', message: `no A2A agent is served at ${req.path} (served: ${served})` });
    });
    return new A2aServer(server, open, executors, baseUrl, cards);
  }

  /** Refuses new calls, fails the tasks in flight ("stopped"), and closes the port by `deadline`. */
  async stop(deadline: number): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const executor of this.executors) executor.abandon(A2A_STOPPED_REASON);
    let timer: NodeJS.Timeout | undefined;
    // Streams and blocking calls got their failed status; whatever is still open goes at the deadline.
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))));
    await Promise.race([this.open.drained(), late]);
    clearTimeout(timer);
    this.server.closeAllConnections();
    await closed;
  }
}

/**
 * The card as the listener sends it: the SDK writes its objects as they are, so a security scheme (a
 * oneof, `{scheme: {$case, value}}` in memory) is put as spec v1.0's JSON says
 * (`{"httpAuthSecurityScheme": {...}}`), which the SDK clients and other runtimes read.
 */
function publishedCard(card: AgentCard): () => Promise<AgentCard> {
  const securitySchemes = (AgentCard.toJSON(card) as { securitySchemes?: unknown }).securitySchemes ?? {};
  const published = { ...card, securitySchemes } as unknown as AgentCard;
  return () => Promise.resolve(published);
}

/** The request body limit when the caller gives none (the protocol gateway's default size limit). */
export const DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;

/**
 * Answers a body the parser refused as JSON-RPC: one that is not JSON is a parse error (-32700, HTTP
 * 200, as the SDK's own parser answers it: parsed here, its handler never sees the error), one over
 * the limit an error (HTTP 413) that says the limit; never express's HTML error page.
 */
function bodyErrors(maxBytes: number): ErrorRequestHandler {
  return (error: { type?: string; length?: number }, _req, res, next) => {
    if (error.type === 'entity.parse.failed') return void res.status(200).json({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Invalid JSON payload.' } });
    if (error.type !== 'entity.too.large') return next(error);
    const size = error.length === undefined ? 'the request is' : `the request is ${error.length} bytes,`;
    res.status(413).json({ jsonrpc: '2.0', id: null, error: { code: -32600, message: `${size} more than the limit of ${maxBytes} bytes (spec.protocolGateway.maxResponseBytes)` } });
  };
}

/** Binds `server`; resolves with the port bound. */
function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      if (error.code === 'EADDRINUSE') reject(new Error(`A2A: ${where} is in use (spec.a2a.port): choose another port, or 0 for any free one.`));
      else if (error.code === 'EADDRNOTAVAIL') reject(new Error(`A2A: cannot listen on ${where}: ${host} is not an address of this machine (spec.a2a.host).`));
      else if (error.code === 'EACCES') reject(new Error(`A2A: not allowed to listen on ${where} (a port below 1024 needs privileges; spec.a2a.port).`));
      else reject(new Error(`A2A: cannot listen on ${where}: ${error.message}`));
    };
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** The host as a URL spells it: a wildcard bind is reached on loopback, an IPv6 address in brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** The responses not yet finished, and a wait until there are none. */
class OpenCalls {
  private readonly responses = new Set<ServerResponse>();
  private waiters: (() => void)[] = [];

  add(res: ServerResponse): void {
    this.responses.add(res);
    res.once('close', () => {
      this.responses.delete(res);
      if (this.responses.size === 0) for (const resolve of this.waiters.splice(0)) resolve();
    });
  }

  /** Resolves once every response has finished (or its connection closed). */
  drained(): Promise<void> {
    return this.responses.size === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}
