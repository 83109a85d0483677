/**
 * An agent's tools during a replay. Tools that reach outside (MCP servers, scripted and other
 * backends) answer from the agent's recorded `tool.result`s — matched by name and arguments, in
 * order — so nothing outside is touched; the tools that ARE the bus (request_agent, delegate,
 * handoff, broadcast, blackboards…) run for real, so the other agents are really asked. A call the
 * record does not hold is a divergence. Once the replay has forked, every call runs for real.
 */
import { canonical } from '../../protocol/canonical-json.js';
import type { LlmTool, LlmToolCall } from '../../llm/provider.js';
import type { RuntimeEventBus } from '../../protocol/runtime-events.js';
import { IDEMPOTENCY_ARG } from '../../tools/gateway.js';
import type { ToolCallContext, ToolExecutor, ToolResult } from '../../tools/tool-executor.js';
import type { RecordedToolResult } from './recording.js';

/** A tool call the record does not hold. */
export interface ToolDivergence {
  agent: string;
  runId: string;
  call: number;
  expected: string;
  actual: string;
}

/** Options for {@link ReplayTools}. */
export interface ReplayToolsOptions {
  /** Tool names that run for real (the bus tools of this topology). */
  liveTools: ReadonlySet<string>;
  /** True once the replay forked: every call runs for real. */
  isLive: () => boolean;
  events: RuntimeEventBus;
  onDiverged: (divergence: ToolDivergence) => void;
}

/** Why a replayed tool call was refused (the run fails with it). */
export class ReplayDivergedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayDivergedError';
  }
}

/** One agent's tools, answered from its record where they reach outside. */
export class ReplayTools implements ToolExecutor {
  private readonly recorded: (RecordedToolResult & { key: string })[];
  private readonly used: boolean[];
  private made = 0;

  constructor(
    private readonly agent: string,
    private readonly inner: ToolExecutor,
    recorded: readonly RecordedToolResult[],
    private readonly options: ReplayToolsOptions,
  ) {
    this.recorded = recorded.filter((r) => r.agent === agent && !options.liveTools.has(r.tool)).map((r) => ({ ...r, key: `${r.tool}(${canonical(r.arguments)})` }));
    this.used = this.recorded.map(() => false);
  }

  tools(agent: string): LlmTool[] {
    return this.inner.tools(agent);
  }

  async call(call: LlmToolCall, context: ToolCallContext): Promise<ToolResult> {
    if (this.options.isLive() || this.options.liveTools.has(call.name)) return this.inner.call(call, context);
    const n = ++this.made;
    const { [IDEMPOTENCY_ARG]: _key, ...args } = call.arguments;
    const key = `${call.name}(${canonical(args)})`;
    const index = this.recorded.findIndex((r, i) => !this.used[i] && r.key === key);
    if (index < 0) {
      const next = this.recorded.find((_, i) => !this.used[i]);
      const expected = next ? `tool call ${next.key}` : `no more outside tool calls (the record holds ${this.recorded.length})`;
      this.options.onDiverged({ agent: this.agent, runId: context.runId, call: n, expected, actual: `tool call ${key}` });
      throw new ReplayDivergedError(`Replay diverged at ${this.agent}'s tool call ${n}: the record holds ${expected}; the replay asked ${key}.`);
    }
    this.used[index] = true;
    const recorded = this.recorded[index]!;
    const { events } = this.options;
    events.emit('tool.invoked', { agent: this.agent, runId: context.runId, tool: call.name, arguments: args, idempotencyKey: null });
    events.emit('tool.result', {
      agent: this.agent,
      runId: context.runId,
      tool: call.name,
      arguments: args,
      result: recorded.result,
      isError: recorded.isError,
      durationMs: 0,
      refused: recorded.refused,
      replayed: false,
    });
    return { content: recorded.result, isError: recorded.isError };
  }
}
