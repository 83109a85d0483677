/**
 * MCP over NATS (seed 002). A server declared with `exposeOnNats` answers JSON-RPC 2.0 requests on
 * `agents.{env}.mcp.{server}.requests` (queue group: the server's name, so copies share the load);
 * {@link McpNatsBackend} is the client side for agents elsewhere.
 *
 * Responses go to the NATS reply subject, and also to seed 002's
 * `agents.{env}.mcp.{agent}.responses.{request_id}` when the request names its caller in
 * `params._meta.agent` (MCP's own place for request metadata); `{request_id}` is the JSON-RPC `id`.
 * The copy is skipped when either is not a single subject token. So the trace shows seed 002's
 * response subject, and a caller without a reply subject can listen there instead.
 */
import { randomUUID } from 'node:crypto';
import { errors, type Msg, type NatsConnection } from '@nats-io/transport-node';
import {
  CallToolRequestParamsSchema,
  CallToolResultSchema,
  ErrorCode,
  LATEST_PROTOCOL_VERSION,
  ListToolsResultSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { LlmTool } from '../../llm/provider.js';
import { DEFAULT_STOP_MS, deadlineIn, isConnected, settledBy } from '../../runtime/close-connection.js';
import { isSubjectToken, renderSubject } from '../../protocol/subjects.js';
import type { ToolBackend } from '../gateway.js';
import type { ToolResult } from '../tool-executor.js';
import { mcpToolName, toToolResult, type McpCallContext } from './stdio-backend.js';
import { raceAbort } from '../../runtime/race-abort.js';

/** Seed 002: where an MCP server takes requests. */
const MCP_REQUEST_SUBJECT = 'agents.{env}.mcp.{server}.requests';
/** Seed 002: where the response to an agent's request is published. */
const MCP_RESPONSE_SUBJECT = 'agents.{env}.mcp.{agent}.responses.{request}';

/** The request subject of `server` in `environment`. */
export const mcpRequestSubject = (environment: string, server: string): string => renderSubject(MCP_REQUEST_SUBJECT, { env: environment, server });

/** The response subject of `agent`'s request `requestId` in `environment`. */
const mcpResponseSubject = (environment: string, agent: string, requestId: string): string =>
  renderSubject(MCP_RESPONSE_SUBJECT, { env: environment, agent, request: requestId });

/** What an exposure serves: a server's tools and results in MCP's own shapes ({@link McpStdioBackend} is one). */
export interface McpToolSource {
  mcpTools(): Tool[];
  callMcpTool(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult>;
}

/** Options for {@link exposeMcpOnNats}. */
export interface McpExposureOptions {
  /** Seed 002's `{env}` (the topology's `spec.environment`). */
  environment: string;
  /** The server's name: subject token and queue group. */
  server: string;
  backend: McpToolSource;
}

/** A server being served on the bus. */
export interface McpNatsExposure {
  subject: string;
  /**
   * Stops taking requests, cancels calls in flight (they answer with an error) and waits for them;
   * what asks the server is done by `deadline` (the caller's stop's), or as soon as the server is lost.
   */
  stop(deadline?: number): Promise<void>;
}

/** A JSON-RPC 2.0 error, as MCP uses them. */
interface RpcError {
  code: number;
  message: string;
}

type RpcId = string | number | null;
type RpcResponse = { jsonrpc: '2.0'; id: RpcId; result: unknown } | { jsonrpc: '2.0'; id: RpcId; error: RpcError };

class RpcFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const SERVER_VERSION = '0.1.0';

/** Serves `backend` on seed 002's request subject until `stop()`. */
export async function exposeMcpOnNats(connection: NatsConnection, options: McpExposureOptions): Promise<McpNatsExposure> {
  const { environment, server, backend } = options;
  const subject = mcpRequestSubject(environment, server);
  const stopping = new AbortController();
  const inFlight = new Set<Promise<void>>();

  const handle = async (msg: Msg): Promise<void> => {
    const { response, agent } = await answer(msg.data, backend, server, stopping.signal);
    if (!response) return; // a notification: JSON-RPC sends nothing back
    const data = JSON.stringify(response);
    try {
      const id = response.id === null ? null : String(response.id);
      if (agent !== null && id !== null && isSubjectToken(agent) && isSubjectToken(id)) {
        connection.publish(mcpResponseSubject(environment, agent, id), data);
      }
      if (msg.reply) msg.respond(data);
    } catch {
      // The connection closed under us: nobody is left to answer.
    }
  };

  const sub = connection.subscribe(subject, {
    queue: server,
    callback: (error, msg) => {
      if (error) return;
      const done: Promise<void> = handle(msg).finally(() => inFlight.delete(done));
      inFlight.add(done);
    },
  });
  // Requests sent right after this returns must find the subscription at the server.
  await connection.flush();

  let stopped: Promise<void> | null = null;
  return {
    subject,
    stop: (deadline = deadlineIn(DEFAULT_STOP_MS)) =>
      (stopped ??= (async () => {
        // Draining asks the server: with none reachable it would wait for one (close-connection.ts).
        if (isConnected(connection)) await settledBy(sub.drain().catch(() => sub.unsubscribe()), deadline, connection);
        if (!connection.isClosed() && !sub.isClosed()) sub.unsubscribe();
        stopping.abort(new Error(`MCP server "${server}" stopped serving on NATS.`));
        await Promise.allSettled([...inFlight]);
      })()),
  };
}

/** The response to one request (null for a notification) and the caller named in it. */
async function answer(data: Uint8Array, backend: McpToolSource, server: string, stopping: AbortSignal): Promise<{ response: RpcResponse | null; agent: string | null }> {
  let request: unknown;
  try {
    request = JSON.parse(new TextDecoder().decode(data));
  } catch {
    return { response: failure(null, ErrorCode.ParseError, 'Parse error: the request is not JSON.'), agent: null };
  }
  if (!isRecord(request) || request['jsonrpc'] !== '2.0' || typeof request['method'] !== 'string' || !isRpcId(request['id'])) {
    const id = isRecord(request) && isRpcId(request['id']) ? (request['id'] ?? null) : null;
    return { response: failure(id, ErrorCode.InvalidRequest, 'Invalid request: expected a JSON-RPC 2.0 request with a method.'), agent: null };
  }
  const params = request['params'];
  const meta = isRecord(params) && isRecord(params['_meta']) ? params['_meta'] : {};
  const agent = typeof meta['agent'] === 'string' ? meta['agent'] : null;
  const id = request['id'];
  if (id === undefined) return { response: null, agent }; // notifications (initialized, cancelled) need no answer here
  try {
    return { response: { jsonrpc: '2.0', id, result: await dispatch(request['method'], params, backend, server, stopping) }, agent };
  } catch (error) {
    return error instanceof RpcFailure
      ? { response: failure(id, error.code, error.message), agent }
      : { response: failure(id, ErrorCode.InternalError, error instanceof Error ? error.message : String(error)), agent };
  }
}

async function dispatch(method: string, params: unknown, backend: McpToolSource, server: string, stopping: AbortSignal): Promise<unknown> {
  switch (method) {
    case 'initialize': {
      // Stateless over NATS: each request stands alone, so the handshake only reports what is here.
      const asked = isRecord(params) ? params['protocolVersion'] : undefined;
      const protocolVersion = typeof asked === 'string' && SUPPORTED_PROTOCOL_VERSIONS.includes(asked) ? asked : LATEST_PROTOCOL_VERSION;
      return { protocolVersion, capabilities: { tools: {} }, serverInfo: { name: server, version: SERVER_VERSION } };
    }
    case 'ping':
      return {};
    case 'tools/list':
      return { tools: backend.mcpTools() };
    case 'tools/call': {
      const parsed = CallToolRequestParamsSchema.safeParse(params);
      if (!parsed.success) throw new RpcFailure(ErrorCode.InvalidParams, `Invalid params for tools/call: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(params)'} ${i.message}`).join('; ')}`);
      const { name, arguments: args = {} } = parsed.data;
      if (!backend.mcpTools().some((tool) => tool.name === name)) throw new RpcFailure(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
      return backend.callMcpTool(name, args, stopping);
    }
    default:
      throw new RpcFailure(ErrorCode.MethodNotFound, `Method not found: ${method}`);
  }
}

const failure = (id: RpcId, code: number, message: string): RpcResponse => ({ jsonrpc: '2.0', id, error: { code, message } });
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isRpcId = (value: unknown): value is string | number | undefined => value === undefined || typeof value === 'string' || typeof value === 'number';

/** Options for {@link McpNatsBackend}. */
export interface McpNatsBackendOptions {
  environment: string;
  /** The remote server's name (as the topology declares it). */
  server: string;
  /** How long a call may wait for its answer; keep it at least the gateway's timeout for this server. */
  timeoutMs?: number;
}

/** A JSON-RPC error answer from a remote MCP server. */
class McpNatsError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'McpNatsError';
  }
}

const DEFAULT_NATS_TIMEOUT_MS = 60_000;

/** The tools of an MCP server served on the bus by another process, as `server__tool`. */
export class McpNatsBackend implements ToolBackend {
  readonly subject: string;
  private readonly byName = new Map<string, string>();
  private readonly timeoutMs: number;

  constructor(
    private readonly connection: NatsConnection,
    private readonly options: McpNatsBackendOptions,
  ) {
    this.subject = mcpRequestSubject(options.environment, options.server);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_NATS_TIMEOUT_MS;
  }

  /** Asks the remote server for its tools (every page). */
  async list(): Promise<LlmTool[]> {
    const tools: Tool[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = ListToolsResultSchema.parse(await this.request('tools/list', cursor === undefined ? {} : { cursor }));
      tools.push(...page.tools);
      cursor = page.nextCursor;
      if (cursor !== undefined && seen.has(cursor)) throw new Error(`MCP server "${this.options.server}" repeated the tools/list cursor "${cursor}".`);
      if (cursor !== undefined) seen.add(cursor);
    } while (cursor !== undefined);
    this.byName.clear();
    return tools.map((tool) => {
      const name = mcpToolName(this.options.server, tool.name);
      this.byName.set(name, tool.name);
      return { name, description: tool.description ?? tool.title ?? '', parameters: tool.inputSchema };
    });
  }

  /** Calls a remote tool; remote failures and no answer are error results, an abort rejects. */
  async call(name: string, args: Record<string, unknown>, context: McpCallContext): Promise<ToolResult> {
    try {
      if (this.byName.size === 0) await this.list();
      const tool = this.byName.get(name);
      if (tool === undefined) return { content: `MCP server "${this.options.server}" has no tool "${name}".`, isError: true };
      const meta = context.agent ? { _meta: { agent: context.agent.name } } : {};
      const result = CallToolResultSchema.parse(await this.request('tools/call', { name: tool, arguments: args, ...meta }, context.signal));
      return toToolResult(result);
    } catch (error) {
      if (context.signal.aborted) throw error;
      return { content: error instanceof Error ? error.message : String(error), isError: true };
    }
  }

  /** Nothing to release: the connection belongs to the caller. */
  async close(): Promise<void> {}

  /** One JSON-RPC request over NATS; the `result`, or throws the error it got. */
  private async request(method: string, params: Record<string, unknown>, signal?: AbortSignal): Promise<unknown> {
    signal?.throwIfAborted();
    const pending = this.connection.request(this.subject, JSON.stringify({ jsonrpc: '2.0', id: randomUUID(), method, params }), { timeout: this.timeoutMs });
    // NATS requests cannot be cancelled: an aborted caller stops waiting, the late answer is dropped.
    pending.catch(() => {});
    let msg: Msg;
    try {
      msg = await (signal ? raceAbort(pending, signal) : pending);
    } catch (error) {
      if (signal?.aborted) throw error;
      throw this.transportError(error);
    }
    const reply: unknown = msg.json();
    if (!isRecord(reply)) throw new McpNatsError(ErrorCode.InternalError, `MCP server "${this.options.server}" answered with something other than JSON-RPC.`);
    if (isRecord(reply['error'])) {
      const { code, message } = reply['error'];
      throw new McpNatsError(typeof code === 'number' ? code : ErrorCode.InternalError, `MCP server "${this.options.server}": ${typeof message === 'string' ? message : 'error'}`);
    }
    return reply['result'];
  }

  private transportError(error: unknown): Error {
    if (error instanceof errors.NoRespondersError || (error instanceof errors.RequestError && error.isNoResponders())) {
      return new Error(`No MCP server answers on ${this.subject}: is "${this.options.server}" exposed on NATS?`);
    }
    if (error instanceof errors.TimeoutError || (error instanceof errors.RequestError && /timeout/i.test(error.message))) {
      return new Error(`MCP server "${this.options.server}" did not answer on ${this.subject} within ${this.timeoutMs} ms.`);
    }
    return new Error(`MCP request to "${this.options.server}" failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
