/** The topology's declared `scripted` tools as a gateway backend: answers filled from a template. */
import type { LlmTool } from '../llm/provider.js';
import type { Topology } from '../topology/schema.js';
import type { ToolBackend } from './gateway.js';
import type { ToolResult } from './tool-executor.js';

/** Serves every tool declared in `spec.tools`. */
export class ScriptedToolsBackend implements ToolBackend {
  private readonly byName: Map<string, Topology['spec']['tools'][number]>;

  constructor(tools: Topology['spec']['tools']) {
    this.byName = new Map(tools.map((t) => [t.name, t]));
  }

  async list(): Promise<LlmTool[]> {
    return [...this.byName.values()].map(({ name, description, parameters }) => ({ name, description, parameters }));
  }

  async call(name: string, args: Record<string, unknown>): Promise<ToolResult> {
    const tool = this.byName.get(name);
    if (!tool) return { content: `Unknown tool "${name}".`, isError: true };
    // `{{arg}}` takes the call's argument; a missing one is left empty.
    const content = tool.result.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, key: string) => (args[key] === undefined ? '' : String(args[key])));
    return { content, isError: false };
  }
}
