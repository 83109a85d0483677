/**
 * How the OODA loop reaches tools: Decide offers `tools(agent)` to the model, Act runs each call
 * through `call`. The tool gateway (allowlists, rate limits, idempotency, audit) implements this.
 */
import type { LlmTool, LlmToolCall } from '../llm/provider.js';
import type { AgentHandle } from './agent-handle.js';

/** What a tool call knows about who is calling. */
export interface ToolCallContext {
  agent: AgentHandle;
  runId: string;
  signal: AbortSignal;
}

/** A tool's answer; `isError` results go back to the model as errors, they do not end the run. */
export interface ToolResult {
  content: string;
  isError: boolean;
}

/** The tools an agent may use. */
export interface ToolExecutor {
  tools(agent: string): LlmTool[];
  call(call: LlmToolCall, context: ToolCallContext): Promise<ToolResult>;
}

/** A tool as a plain function, for tests and simple built-ins. */
export interface FunctionTool extends LlmTool {
  run(args: Record<string, unknown>, context: ToolCallContext): Promise<string> | string;
}

/** Tools from plain functions: an unknown tool or a throwing one is an error result, not a crash. */
export class FunctionTools implements ToolExecutor {
  private readonly byName: Map<string, FunctionTool>;

  constructor(tools: readonly FunctionTool[]) {
    this.byName = new Map(tools.map((t) => [t.name, t]));
  }

  tools(): LlmTool[] {
    return [...this.byName.values()].map(({ name, description, parameters }) => ({ name, description, parameters }));
  }

  async call(call: LlmToolCall, context: ToolCallContext): Promise<ToolResult> {
    const tool = this.byName.get(call.name);
    if (!tool) return { content: `Unknown tool "${call.name}".`, isError: true };
    try {
      return { content: await tool.run(call.arguments, context), isError: false };
    } catch (error) {
      return { content: error instanceof Error ? error.message : String(error), isError: true };
    }
  }
}

/** No tools at all. */
export const NO_TOOLS: ToolExecutor = {
  tools: () => [],
  call: async (call) => ({ content: `No tools are available (asked for "${call.name}").`, isError: true }),
};
