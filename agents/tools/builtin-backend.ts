/**
 * The built-in tools, as a gateway backend: talk to other agents (send, request, hand off,
 * broadcast), delegate sub-tasks by capability (the coordinator pattern), and read and write the
 * blackboards the agent may use (JetStream KV).
 */
import type { KV } from '@nats-io/kv';
import type { LlmTool } from '../llm/provider.js';
import { defaultBuckets, type JetStreamBuckets } from '../runtime/jetstream-buckets.js';
import type { CapabilityLookup } from './agent-handle.js';
import { NEGOTIATE_TOOL, runNegotiateTool } from './negotiate-tool.js';
import type { ToolBackend } from './gateway.js';
import type { ToolCallContext, ToolResult } from './tool-executor.js';

type BuiltIn = LlmTool & { run(args: Record<string, unknown>, context: ToolCallContext, access: AgentAccess): Promise<string> };

/** What one agent may reach through the built-ins. */
export interface AgentAccess {
  /** Blackboard name → KV bucket. */
  blackboards: Map<string, string>;
  /** Finds agents by capability (coordinators). */
  registry: CapabilityLookup | null;
  /** Limits of delegated sub-tasks. */
  delegation: { timeoutMs: number; maxParallel: number };
  /** Opens blackboards with the topology's replicas (the network's); default replicas otherwise. */
  buckets?: JetStreamBuckets;
  /** Seed 002's `{env}` (spec.environment): where `negotiate` proposes. */
  environment?: string;
}

const str = (args: Record<string, unknown>, key: string): string => {
  const value = args[key];
  if (typeof value !== 'string' || value.length === 0) throw new Error(`"${key}" must be a non-empty string.`);
  return value;
};

/** The longest a request_agent call may wait (ten minutes, as `run.send` allows). */
const MAX_REQUEST_TIMEOUT_MS = 600_000;

const object = (properties: Record<string, unknown>, required: string[]) => ({ type: 'object', properties, required });
const text = (description: string) => ({ type: 'string', description });

const BUILT_INS: Record<string, BuiltIn> = {
  send_message: {
    name: 'send_message',
    description: "Send a fire-and-forget message to another agent's direct subject.",
    parameters: object({ agent: text('the receiving agent'), content: text('the message') }, ['agent', 'content']),
    run: async (args, { agent }) => {
      const sent = await agent.send(str(args, 'agent'), str(args, 'content'));
      return `Sent to ${sent.to_agent} (message ${sent.message_id}).`;
    },
  },
  request_agent: {
    name: 'request_agent',
    description: 'Ask another agent and wait for its reply.',
    parameters: object({ agent: text('the agent to ask'), content: text('the request'), timeout_ms: { type: 'integer', minimum: 1, maximum: MAX_REQUEST_TIMEOUT_MS } }, ['agent', 'content']),
    run: async (args, { agent }) => {
      const to = str(args, 'agent');
      // Asking itself nests a run inside its own until a timeout ends it (a model's slip, at a model's price).
      if (to === agent.name) throw new Error(`${agent.name} cannot ask itself: answer directly, or ask another agent.`);
      const timeout = args['timeout_ms'];
      if (timeout !== undefined && !(Number.isInteger(timeout) && (timeout as number) >= 1 && (timeout as number) <= MAX_REQUEST_TIMEOUT_MS)) {
        throw new Error(`"timeout_ms" must be a whole number of milliseconds from 1 to ${MAX_REQUEST_TIMEOUT_MS} (got ${JSON.stringify(timeout)}).`);
      }
      const reply = await agent.request(to, str(args, 'content'), { ...(timeout !== undefined && { timeoutMs: timeout as number }) });
      return reply.content;
    },
  },
  handoff: {
    name: 'handoff',
    description: 'Hand the task over to another agent (high priority); it reports back when done.',
    parameters: object({ agent: text('the agent taking over'), content: text('the task') }, ['agent', 'content']),
    run: async (args, { agent }) => {
      const sent = await agent.handoff(str(args, 'agent'), str(args, 'content'));
      return `Handed off to ${sent.to_agent} (message ${sent.message_id}).`;
    },
  },
  broadcast: {
    name: 'broadcast',
    description: 'Tell every agent.',
    parameters: object({ content: text('the message') }, ['content']),
    run: async (args, { agent }) => {
      const sent = await agent.broadcast(str(args, 'content'));
      return `Broadcast (message ${sent.message_id}).`;
    },
  },
  delegate: {
    name: 'delegate',
    description:
      'Delegate sub-tasks by capability: each goes as a request to an agent offering it (found in the capability registry; replicas share the load). Returns every result, and every failure.',
    parameters: object(
      {
        subtasks: {
          type: 'array',
          items: object(
            {
              capability: text('the capability needed'),
              task: text('what to do'),
              budget: object({ maxTurns: { type: 'integer' }, maxMessages: { type: 'integer' }, timeoutMs: { type: 'integer' } }, []),
            },
            ['capability', 'task'],
          ),
          minItems: 1,
        },
      },
      ['subtasks'],
    ),
    run: async (args, context, access) => delegate(args, context, access),
  },
  negotiate: { ...NEGOTIATE_TOOL, run: async (args, { agent }, access) => runNegotiateTool(args, agent, access.environment ?? 'dev') },
  blackboard_read: {
    name: 'blackboard_read',
    description: 'Read one entry of a blackboard.',
    parameters: object({ blackboard: text('the blackboard'), key: text('the entry') }, ['blackboard', 'key']),
    run: async (args, context, access) => {
      const entry = await onBoard(context, access, str(args, 'blackboard'), (kv) => kv.get(str(args, 'key')));
      return entry && entry.operation === 'PUT' ? entry.string() : `(no entry "${str(args, 'key')}")`;
    },
  },
  blackboard_write: {
    name: 'blackboard_write',
    description: 'Write one entry of a blackboard.',
    parameters: object({ blackboard: text('the blackboard'), key: text('the entry'), value: text('the value') }, ['blackboard', 'key', 'value']),
    run: async (args, context, access) => {
      const revision = await onBoard(context, access, str(args, 'blackboard'), (kv) => kv.put(str(args, 'key'), str(args, 'value')));
      return `Wrote ${str(args, 'key')} (revision ${revision}).`;
    },
  },
  blackboard_list: {
    name: 'blackboard_list',
    description: 'List the entries of a blackboard.',
    parameters: object({ blackboard: text('the blackboard') }, ['blackboard']),
    run: async (args, context, access) => {
      const keys = await onBoard(context, access, str(args, 'blackboard'), async (kv) => {
        const found: string[] = [];
        for await (const key of await kv.keys()) found.push(key);
        return found;
      });
      return keys.sort().join('\n') || '(empty)';
    },
  },
};

/** Runs `op` on blackboard `name`, retried through a leader election (a node was just lost). */
async function onBoard<T>(context: ToolCallContext, access: AgentAccess, name: string, op: (kv: KV) => Promise<T>): Promise<T> {
  const bucketName = access.blackboards.get(name);
  if (!bucketName) throw new Error(`${context.agent.name} has no access to blackboard "${name}".`);
  const buckets = access.buckets ?? defaultBuckets;
  const kv = await buckets.open(context.agent.connection, bucketName, { history: 5 });
  return buckets.retry(() => op(kv));
}

/** The built-ins an agent lists, as one backend. */
export class BuiltInBackend implements ToolBackend {
  constructor(
    private readonly names: readonly string[],
    private readonly access: AgentAccess,
  ) {}

  async list(): Promise<LlmTool[]> {
    return this.names.flatMap((name) => {
      const tool = BUILT_INS[name];
      return tool ? [{ name: tool.name, description: tool.description, parameters: tool.parameters }] : [];
    });
  }

  async call(name: string, args: Record<string, unknown>, context: ToolCallContext): Promise<ToolResult> {
    const tool = BUILT_INS[name];
    if (!tool) return { content: `Unknown built-in tool "${name}".`, isError: true };
    try {
      return { content: await tool.run(args, context, this.access), isError: false };
    } catch (error) {
      return { content: error instanceof Error ? error.message : String(error), isError: true };
    }
  }
}

/** The names the implementation serves (a test checks they are the validator's BUILT_IN_TOOLS). */
export const implementedBuiltIns = (): string[] => Object.keys(BUILT_INS);

/** The coordinator's fan-out: all sub-tasks at once (up to maxParallel), each result or failure reported. */
async function delegate(args: Record<string, unknown>, { agent, signal }: ToolCallContext, access: AgentAccess): Promise<string> {
  const subtasks = args['subtasks'];
  if (!Array.isArray(subtasks) || subtasks.length === 0) throw new Error('"subtasks" must be a non-empty list of {capability, task}.');
  if (!access.registry) throw new Error('No capability registry is running: delegate needs one.');
  const registry = access.registry;
  const results: string[] = new Array<string>(subtasks.length);
  let next = 0;
  const worker = async () => {
    while (next < subtasks.length && !signal.aborted) {
      const i = next++;
      const sub = subtasks[i] as { capability?: unknown; task?: unknown; budget?: unknown };
      const capability = String(sub.capability ?? '');
      const task = String(sub.task ?? '');
      const [target] = registry.lookup(capability);
      if (!target) {
        results[i] = `${i + 1}. [${capability}] FAILED: no available agent offers "${capability}" (offline or unknown).`;
        continue;
      }
      try {
        // A budget envelope travels with the sub-task (a swarm honours it: the hybrid pattern).
        const budget = sub.budget && typeof sub.budget === 'object' ? { budget: sub.budget } : {};
        const reply = await agent.request(target.agent, task, { timeoutMs: access.delegation.timeoutMs, metadata: { capability, ...budget } });
        results[i] = `${i + 1}. [${capability} → ${target.agent}] ${reply.content}`;
      } catch (error) {
        results[i] = `${i + 1}. [${capability} → ${target.agent}] FAILED: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(access.delegation.maxParallel, subtasks.length) }, worker));
  return results.join('\n');
}
