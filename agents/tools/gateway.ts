/**
 * The tool gateway (seed 004, part 2): every tool call of an agent passes it. It enforces the
 * agent's allowlist, a token-bucket rate limit, idempotency keys (a repeated call with the same
 * key returns the first result) and a timeout, and reports `tool.invoked` / `tool.result` with
 * arguments, result, duration and errors, so the trace shows every call. Backends (built-ins,
 * scripted tools, MCP servers) only execute.
 */
import type { LlmTool, LlmToolCall } from '../llm/provider.js';
import { canonical } from '../protocol/canonical-json.js';
import type { RuntimeEventBus } from '../protocol/runtime-events.js';
import type { ToolCallContext, ToolExecutor, ToolResult } from './tool-executor.js';

/** Something that executes tools: it lists them once (at start) and runs calls. */
export interface ToolBackend {
  /** The tools it offers, with the names the model sees. */
  list(): Promise<LlmTool[]>;
  call(name: string, args: Record<string, unknown>, context: ToolCallContext): Promise<ToolResult>;
}

/** Limits for one tool (from the topology). */
export interface ToolPolicy {
  /** Token bucket: refills `perMinute` tokens a minute, holds at most `burst`. */
  rateLimit?: { perMinute: number; burst: number };
  timeoutMs?: number;
  /** Calls with identical arguments in one run are the same call (retries return the first result). */
  idempotent?: boolean;
}

/** The argument that carries an explicit idempotency key; the gateway strips it before calling. */
export const IDEMPOTENCY_ARG = 'idempotency_key';
const DEFAULT_TIMEOUT_MS = 60_000;
const IDEMPOTENCY_CACHE = 1000;

/** Options for {@link ToolGateway}. */
export interface GatewayOptions {
  agent: string;
  /** Which backend serves which tool, by the name the model sees. */
  backends: ToolBackend[];
  /** Tool names this agent may call: exact names, or `prefix*` for every tool of a server. */
  allow: readonly string[];
  /** The limits of a tool, by the name the model sees. */
  policy?: (tool: string) => ToolPolicy | undefined;
  events: RuntimeEventBus;
  /** Injected in tests; Date.now otherwise. */
  now?: () => number;
}

/** One agent's gateway; create with {@link ToolGateway.create} (it lists the backends' tools). */
export class ToolGateway implements ToolExecutor {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly results = new Map<string, Promise<ToolResult>>();
  private readonly now: () => number;

  private constructor(
    private readonly opts: GatewayOptions,
    private readonly offered: LlmTool[],
    private readonly route: Map<string, ToolBackend>,
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** Lists every backend's tools and keeps those the agent may call. */
  static async create(options: GatewayOptions): Promise<ToolGateway> {
    const route = new Map<string, ToolBackend>();
    const offered: LlmTool[] = [];
    for (const backend of options.backends) {
      for (const tool of await backend.list()) {
        if (route.has(tool.name)) continue; // first backend wins; the topology validator reports clashes
        route.set(tool.name, backend);
        if (isAllowed(options.allow, tool.name)) offered.push(tool);
      }
    }
    return new ToolGateway(options, offered, route);
  }

  tools(): LlmTool[] {
    return this.offered;
  }

  async call(call: LlmToolCall, context: ToolCallContext): Promise<ToolResult> {
    const { [IDEMPOTENCY_ARG]: explicitKey, ...args } = call.arguments;
    const policy = this.opts.policy?.(call.name) ?? {};
    const key =
      typeof explicitKey === 'string' ? `${call.name}:${explicitKey}` : policy.idempotent ? `${context.runId}:${call.name}:${canonical(args)}` : null;
    this.opts.events.emit('tool.invoked', { agent: this.opts.agent, runId: context.runId, tool: call.name, arguments: args, idempotencyKey: key });
    const started = performance.now();
    const finish = (result: ToolResult, refused: 'not_allowed' | 'rate_limited' | 'timeout' | null, replayed = false): ToolResult => {
      this.opts.events.emit('tool.result', {
        agent: this.opts.agent,
        runId: context.runId,
        tool: call.name,
        arguments: args,
        result: result.content,
        isError: result.isError,
        durationMs: performance.now() - started,
        refused,
        replayed,
      });
      return result;
    };

    const backend = this.route.get(call.name);
    if (!backend || !isAllowed(this.opts.allow, call.name)) {
      return finish({ content: `${this.opts.agent} is not allowed to call "${call.name}".`, isError: true }, 'not_allowed');
    }
    if (key) {
      const first = this.results.get(key);
      if (first) return finish(await first, null, true);
    }
    if (policy.rateLimit && !this.take(call.name, policy.rateLimit)) {
      return finish({ content: `Rate limit: "${call.name}" allows ${policy.rateLimit.perMinute} calls a minute (burst ${policy.rateLimit.burst}). Try again later.`, isError: true }, 'rate_limited');
    }

    const timeoutMs = policy.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const execution = this.execute(backend, call.name, args, context, timeoutMs);
    if (key) {
      this.results.set(key, execution);
      if (this.results.size > IDEMPOTENCY_CACHE) this.results.delete(this.results.keys().next().value!);
    }
    const result = await execution;
    const timedOut = result.isError && result.content.startsWith(TIMEOUT_PREFIX);
    // A timed-out call did not happen as far as the caller knows: let a retry run it again.
    if (key && timedOut) this.results.delete(key);
    return finish(result, timedOut ? 'timeout' : null);
  }

  private async execute(backend: ToolBackend, name: string, args: Record<string, unknown>, context: ToolCallContext, timeoutMs: number): Promise<ToolResult> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([context.signal, timeout]);
    const aborted = new Promise<ToolResult>((resolve) =>
      signal.addEventListener('abort', () => resolve({ content: timeout.aborted ? `${TIMEOUT_PREFIX} after ${timeoutMs} ms.` : 'The run was stopped.', isError: true }), { once: true }),
    );
    try {
      return await Promise.race([backend.call(name, args, { ...context, signal }), aborted]);
    } catch (error) {
      return { content: error instanceof Error ? error.message : String(error), isError: true };
    }
  }

  /** Token bucket per tool: refill continuously, spend one per call. */
  private take(tool: string, limit: { perMinute: number; burst: number }): boolean {
    const now = this.now();
    const bucket = this.buckets.get(tool) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 60_000) * limit.perMinute);
    bucket.at = now;
    this.buckets.set(tool, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

const TIMEOUT_PREFIX = 'Tool call timed out';

/** `*` at the end of an allowlist entry matches any suffix (`github__*`). */
function isAllowed(allow: readonly string[], tool: string): boolean {
  return allow.some((entry) => (entry.endsWith('*') ? tool.startsWith(entry.slice(0, -1)) : entry === tool));
}
