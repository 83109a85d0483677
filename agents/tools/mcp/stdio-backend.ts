/**
 * A stdio MCP server as a tool backend: starts the topology's command with the official SDK's
 * Client over StdioClientTransport, lists its tools once, offers each as `server__tool`, and runs
 * calls. The gateway in front of it does allowlists, rate limits, idempotency and timeouts.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { DEFAULT_INHERITED_ENV_VARS, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { LlmTool } from '../../llm/provider.js';
import type { Topology } from '../../topology/schema.js';
import type { ToolBackend } from '../gateway.js';
import type { ToolResult } from '../tool-executor.js';
import { isAlive, resolveCommand } from '../process/executable.js';
import { tiedToParent } from '../process/parent-death.js';

/** One `mcpServers` entry of a topology. */
export type McpServerSpec = Topology['spec']['mcpServers'][number];

/** What an MCP backend needs of a call: the signal, and who calls (when known). */
export interface McpCallContext {
  signal: AbortSignal;
  agent?: { name: string };
}

/** Between a server's name and its tool's in the names the model sees. */
export const MCP_SEPARATOR = '__';
/** The longest tool name the common LLM APIs accept. */
const MAX_TOOL_NAME = 64;
const HASH_CHARS = 8;
/** A server name leaves room for at least this much of each tool's name. */
const MIN_TOOL_PART = 16;
/** The longest MCP server name that still leaves room for its tools' names. */
const MAX_MCP_SERVER_NAME = MAX_TOOL_NAME - MCP_SEPARATOR.length - MIN_TOOL_PART;

/** `server__`: the start of every name a server's tools get; throws when the server name cannot be one. */
function mcpToolPrefix(server: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(server) || server.length > MAX_MCP_SERVER_NAME) {
    throw new Error(`MCP server name "${server}" must be 1-${MAX_MCP_SERVER_NAME} letters, digits, "_" or "-" (its tools are offered as ${server}${MCP_SEPARATOR}<tool>, at most ${MAX_TOOL_NAME} characters).`);
  }
  return `${server}${MCP_SEPARATOR}`;
}

/**
 * The name the model sees for `tool` of `server`. A tool name outside [A-Za-z0-9_-] or too long
 * is cleaned and cut, and gets a hash of the original so two such names never collide.
 */
export function mcpToolName(server: string, tool: string): string {
  const prefix = mcpToolPrefix(server);
  const clean = tool.replace(/[^A-Za-z0-9_-]/g, '_');
  const room = MAX_TOOL_NAME - prefix.length;
  if (clean === tool && clean.length > 0 && clean.length <= room) return prefix + tool;
  const suffix = `_${createHash('sha256').update(tool).digest('hex').slice(0, HASH_CHARS)}`;
  return prefix + clean.slice(0, room - suffix.length) + suffix;
}

/** A topology tool entry as a gateway allowlist entry: `server/tool` → `server__tool`, `server/*` → `server__*`; others unchanged. */
export function mcpAllowEntry(entry: string): string {
  const slash = entry.indexOf('/');
  if (slash < 0) return entry;
  const server = entry.slice(0, slash);
  const tool = entry.slice(slash + 1);
  return tool === '*' ? `${mcpToolPrefix(server)}*` : mcpToolName(server, tool);
}

/** An agent's `tools` list as the gateway's `allow`. */
export const toGatewayAllowlist = (entries: readonly string[]): string[] => entries.map(mcpAllowEntry);

/**
 * The child's environment: the few variables commands need to resolve (PATH, HOME, … as the SDK
 * picks them) plus each reference `childVar: HOST_VAR` copied from the host. Throws naming every
 * referenced host variable that is not set, before anything starts.
 */
function mcpServerEnv(spec: Pick<McpServerSpec, 'name' | 'env'>, hostEnv: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of DEFAULT_INHERITED_ENV_VARS) {
    const value = hostEnv[key];
    if (value !== undefined) env[key] = value;
  }
  const missing: string[] = [];
  for (const [childVar, hostVar] of Object.entries(spec.env)) {
    const value = hostEnv[hostVar];
    if (value === undefined) missing.push(childVar === hostVar ? hostVar : `${hostVar} (for the server's ${childVar})`);
    else env[childVar] = value;
  }
  if (missing.length > 0) {
    throw new Error(`MCP server "${spec.name}" needs the environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: set ${missing.length > 1 ? 'them' : 'it'} before starting.`);
  }
  return env;
}

/** An MCP tool result as the model gets it: text blocks joined, other blocks described. */
export function toToolResult(result: CallToolResult): ToolResult {
  const parts = result.content.map(describeBlock);
  if (parts.length === 0 && result.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent));
  return { content: parts.join('\n'), isError: result.isError === true };
}

function describeBlock(block: CallToolResult['content'][number]): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'image':
    case 'audio':
      return `[${block.type}: ${block.mimeType}, ${Buffer.byteLength(block.data, 'base64')} bytes]`;
    case 'resource':
      return 'text' in block.resource
        ? `[resource: ${block.resource.uri}]\n${block.resource.text}`
        : `[resource: ${block.resource.uri}, ${block.resource.mimeType ?? 'binary'}, ${Buffer.byteLength(block.resource.blob, 'base64')} bytes]`;
    case 'resource_link':
      return `[resource link: ${block.uri}${block.mimeType ? `, ${block.mimeType}` : ''}]`;
    default:
      // A block type newer than this SDK: say what it is rather than drop it silently.
      return `[${(block as { type: string }).type} block]`;
  }
}

/** Options for {@link McpStdioBackend.start}. */
export interface McpStdioOptions {
  /** Where the references in `env` are read; process.env otherwise. */
  hostEnv?: NodeJS.ProcessEnv;
  /** A relative `cwd` is relative to this (the topology file's folder); process.cwd() otherwise. */
  baseDir?: string;
  /** Limit for starting and listing tools (calls are limited by the gateway). */
  startTimeoutMs?: number;
}

const DEFAULT_START_TIMEOUT_MS = 30_000;
// The gateway owns call timeouts (the topology's policy); the SDK's own 60 s default would cut
// calls the policy lets run longer, so calls get the longest timer Node allows.
const NO_SDK_TIMEOUT_MS = 2_147_483_647;
const STDERR_TAIL = 4000;
const EXIT_WAIT_MS = 6000;
const CLIENT_INFO = { name: 'switchboard', version: '0.1.0' };

/** A running stdio MCP server; create with {@link McpStdioBackend.start}, end with {@link McpStdioBackend.close}. */
export class McpStdioBackend implements ToolBackend {
  private readonly byName = new Map<string, string>();
  private tools: Tool[] = [];
  private stderrTail = '';
  private exited = false;
  private readonly exit: Promise<void>;
  private closing: Promise<void> | null = null;

  private constructor(
    readonly server: string,
    private readonly client: Client,
    private readonly transport: PidKeepingTransport,
  ) {
    this.exit = new Promise((resolve) => {
      client.onclose = () => {
        this.exited = true;
        resolve();
      };
    });
    // Errors also surface on the calls they break; keep the process alive and quiet here.
    client.onerror = () => {};
    transport.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
  }

  /** Starts `spec`'s server, connects and lists its tools; a failure leaves no process behind. */
  static async start(spec: McpServerSpec, options: McpStdioOptions = {}): Promise<McpStdioBackend> {
    mcpToolPrefix(spec.name); // a name its tools cannot carry is a configuration error: fail first
    const env = mcpServerEnv(spec, options.hostEnv);
    const cwd = spec.cwd !== undefined ? path.resolve(options.baseDir ?? process.cwd(), spec.cwd) : process.cwd();
    const command = resolveCommand(spec.command, { ...process.env, ...env }, cwd);
    if (!command) throw new Error(`MCP server "${spec.name}": command "${spec.command}" not found${spec.command.includes('/') ? '' : ' on the PATH'}.`);
    // Tied to this process: a host killed with SIGKILL must not leave MCP servers behind.
    const launch = tiedToParent(command, spec.args);
    const transport = new PidKeepingTransport({
      command: launch.command,
      args: launch.args,
      env,
      stderr: 'pipe',
      ...(spec.cwd !== undefined && { cwd: path.resolve(options.baseDir ?? process.cwd(), spec.cwd) }),
    });
    const backend = new McpStdioBackend(spec.name, new Client(CLIENT_INFO, { capabilities: {} }), transport);
    const timeout = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    try {
      await backend.client.connect(transport, { timeout });
      await backend.listAll(timeout);
      return backend;
    } catch (error) {
      await backend.close().catch(() => {});
      throw new Error(`MCP server "${spec.name}" (${[spec.command, ...spec.args].join(' ')}) did not start: ${messageOf(error)}${backend.stderrNote()}`, { cause: error });
    }
  }

  /** The child's process id (null before it started). */
  get pid(): number | null {
    return this.transport.startedPid;
  }

  /** The tools, named `server__tool` for the model. */
  async list(): Promise<LlmTool[]> {
    return this.tools.map((tool) => ({
      name: mcpToolName(this.server, tool.name),
      description: tool.description ?? tool.title ?? '',
      parameters: tool.inputSchema,
    }));
  }

  /** The tools as the server describes them (MCP's shape; MCP over NATS serves these). */
  mcpTools(): Tool[] {
    return this.tools;
  }

  /** Runs the tool the model knows as `name`; server-side failures are error results, an abort rejects. */
  async call(name: string, args: Record<string, unknown>, context: McpCallContext): Promise<ToolResult> {
    const tool = this.byName.get(name);
    if (tool === undefined) return { content: `MCP server "${this.server}" has no tool "${name}".`, isError: true };
    try {
      return toToolResult(await this.callMcpTool(tool, args, context.signal));
    } catch (error) {
      if (context.signal.aborted) throw error;
      return { content: messageOf(error), isError: true };
    }
  }

  /** Calls `tool` (the server's own name) and returns MCP's result as is. */
  async callMcpTool(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult> {
    if (this.exited) throw new Error(`MCP server "${this.server}" is not running.${this.stderrNote()}`);
    try {
      const result = await this.client.callTool({ name: tool, arguments: args }, undefined, { signal, timeout: NO_SDK_TIMEOUT_MS });
      // Servers of the 2024-10-07 protocol answer `{ toolResult }`; say it as text.
      if ('toolResult' in result) return { content: [{ type: 'text', text: JSON.stringify(result.toolResult) }] };
      return result;
    } catch (error) {
      if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : error;
      throw new Error(`MCP server "${this.server}" could not run "${tool}": ${messageOf(error)}${this.exited ? this.stderrNote() : ''}`, { cause: error });
    }
  }

  /** Stops the child (stdin closed, then SIGTERM, then SIGKILL) and waits until its process is gone. */
  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    await this.client.close().catch(() => {});
    const pid = this.transport.startedPid;
    if (pid === null) return; // never spawned
    // The SDK sends SIGKILL last without waiting; wait for the exit it causes.
    await Promise.race([this.exit, sleep(EXIT_WAIT_MS)]);
    if (isAlive(pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
      await Promise.race([this.exit, sleep(EXIT_WAIT_MS)]);
    }
    if (isAlive(pid)) throw new Error(`MCP server "${this.server}" (pid ${pid}) did not exit.`);
  }

  /** Lists every page of tools (servers may paginate) and builds the name map. */
  private async listAll(timeout: number): Promise<void> {
    if (!this.client.getServerCapabilities()?.tools) return; // a server without tools
    const tools: Tool[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await this.client.listTools(cursor === undefined ? undefined : { cursor }, { timeout });
      tools.push(...page.tools);
      cursor = page.nextCursor;
      if (cursor !== undefined && seen.has(cursor)) throw new Error(`tools/list repeated the cursor "${cursor}".`);
      if (cursor !== undefined) seen.add(cursor);
    } while (cursor !== undefined);
    this.tools = tools;
    this.byName.clear();
    for (const tool of tools) this.byName.set(mcpToolName(this.server, tool.name), tool.name);
  }

  private stderrNote(): string {
    const tail = this.stderrTail.trim();
    return tail ? `\nThe server's last output on stderr:\n${tail}` : '';
  }
}

/**
 * Keeps the child's pid after close: the SDK's transport forgets it as soon as closing starts (and
 * the SDK's Client starts closing by itself when the handshake fails), so close() could not check.
 */
class PidKeepingTransport extends StdioClientTransport {
  startedPid: number | null = null;

  override async start(): Promise<void> {
    try {
      await super.start();
    } finally {
      this.startedPid = this.pid;
    }
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
