/**
 * A2A peers for tests, built with the official SDK (`@a2a-js/sdk/server` + express): one HTTP
 * listener on 127.0.0.1 serving several agents, each with its card at
 * `/{agent}/.well-known/agent-card.json` and its JSON-RPC endpoint at `/{agent}/rpc`:
 * - `echo`: answers with a message `echo: {text}` (data parts echoed back as data);
 * - `stream`: streams `chunks` as artifact updates (appending to one artifact, plus a second one), then completes;
 * - `task`: answers with a completed task whose artifact is `done: {text}` (no streaming);
 * - `hang`: says it is working and never finishes (until cancelled or the server closes);
 * - `fail`: a failed task whose status message says `the peer broke: {text}`;
 * - `input`: a task that asks for input (`input-required`);
 * - `later`: returns its task still working; it completes (`later: {text}`) 150 ms after, for `getTask` to find.
 * Also `/html` (a web page, not a card), `/nameless/.well-known/agent-card.json` (JSON without a
 * name) and `/grpc-only/.well-known/agent-card.json` (a card whose only interface is gRPC).
 * Every message an agent receives is kept in `received` (its text, data and request headers), so a
 * test proves what the peer saw and what it never saw.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { AGENT_CARD_PATH, TaskState, type AgentCard, type Task } from '@a2a-js/sdk';
import {
  AgentEvent,
  DefaultRequestHandler,
  InMemoryTaskStore,
  type AgentExecutor,
  type ExecutionEventBus,
  type RequestContext,
  type TaskStore,
} from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler, UserBuilder } from '@a2a-js/sdk/server/express';
import { a2aAgentMessage, messagePayload, textPart } from '../../agents/interop/a2a/translate.js';

/** The test agents one server serves. */
export const A2A_TEST_AGENTS = ['echo', 'stream', 'task', 'hang', 'fail', 'input', 'later'] as const;
export type A2aTestAgent = (typeof A2A_TEST_AGENTS)[number];

/** One message a test agent received. */
export interface A2aReceived {
  agent: A2aTestAgent;
  text: string;
  data?: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** A running set of test peers. */
export interface A2aTestServers {
  /** `http://127.0.0.1:{port}`. */
  base: string;
  /** The base URL of one agent (its card is at `{url}/.well-known/agent-card.json`). */
  url(agent: A2aTestAgent): string;
  received: A2aReceived[];
  /** How many `hang` tasks are still held open. */
  hanging(): number;
  close(): Promise<void>;
}

/** Options for {@link startA2aServers}. */
export interface A2aServersOptions {
  /** The chunks `stream` sends (default: `['Hel', 'lo, ', 'world']`). */
  chunks?: string[];
}

/** Starts the test peers on a free port of 127.0.0.1. */
export async function startA2aServers(options: A2aServersOptions = {}): Promise<A2aTestServers> {
  const received: A2aReceived[] = [];
  const held = new Set<() => void>();
  const app = express();
  let base = '';
  for (const agent of A2A_TEST_AGENTS) {
    const card = (): AgentCard => cardOf(agent, `${base}/${agent}/rpc`);
    const store = new InMemoryTaskStore();
    const executor = executorOf(agent, options, (ctx) => received.push({ agent, ...messagePayload(ctx.userMessage), headers: headersOf(ctx) }), held, store);
    const handler = new DefaultRequestHandler(card(), store, executor);
    app.use(`/${agent}/${AGENT_CARD_PATH}`, agentCardHandler({ agentCardProvider: async () => card() }));
    app.use(`/${agent}/rpc`, jsonRpcHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication }));
  }
  app.get('/html', (_req, res) => void res.type('html').send('<!doctype html><html><body><h1>Welcome</h1></body></html>'));
  app.get(`/html/${AGENT_CARD_PATH}`, (_req, res) => void res.type('html').send('<!doctype html><html><body>Not here</body></html>'));
  app.get(`/nameless/${AGENT_CARD_PATH}`, (_req, res) => void res.json({ description: 'no name', version: '1' }));
  app.get(`/grpc-only/${AGENT_CARD_PATH}`, (_req, res) =>
    void res.json({ ...cardOf('echo', ''), name: 'grpc-only', supportedInterfaces: [{ url: 'grpc://127.0.0.1:1', protocolBinding: 'GRPC', protocolVersion: '1.0' }] }),
  );
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    url: (agent) => `${base}/${agent}`,
    received,
    hanging: () => held.size,
    async close() {
      for (const release of held) release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The card of one test agent (JSON-RPC at `rpcUrl`; only `stream` says it streams). */
function cardOf(agent: A2aTestAgent, rpcUrl: string): AgentCard {
  return {
    name: `${agent}-agent`,
    description: `Test A2A agent: ${agent}`,
    version: '1.0.0',
    supportedInterfaces: [{ url: rpcUrl, protocolBinding: 'JSONRPC', protocolVersion: '1.0', tenant: '' }],
    provider: undefined,
    capabilities: { streaming: agent === 'stream', pushNotifications: false, extensions: [] },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['text/plain', 'application/json'],
    defaultOutputModes: ['text/plain', 'application/json'],
    skills: [{ id: agent, name: `${agent} skill`, description: `Does ${agent}`, tags: [agent], examples: [], inputModes: [], outputModes: [], securityRequirements: [] }],
    signatures: [],
  };
}

/** The HTTP headers of the request `ctx` serves (the SDK's default context keeps them in its state under 'headers'). */
const headersOf = (ctx: RequestContext): A2aReceived['headers'] => ({ ...(ctx.context.state.get('headers') as A2aReceived['headers'] | undefined) });

const taskOf = (ctx: RequestContext, state: TaskState, text?: string): Task => ({
  id: ctx.taskId,
  contextId: ctx.contextId,
  status: { state, message: text === undefined ? undefined : a2aAgentMessage({ text, contextId: ctx.contextId, taskId: ctx.taskId }), timestamp: new Date().toISOString() },
  artifacts: [],
  history: [ctx.userMessage],
  metadata: undefined,
});

function status(bus: ExecutionEventBus, ctx: RequestContext, state: TaskState, text?: string): void {
  bus.publish(AgentEvent.statusUpdate({ taskId: ctx.taskId, contextId: ctx.contextId, status: taskOf(ctx, state, text).status, metadata: undefined }));
}

function artifact(bus: ExecutionEventBus, ctx: RequestContext, artifactId: string, text: string, append: boolean, lastChunk: boolean): void {
  bus.publish(
    AgentEvent.artifactUpdate({
      taskId: ctx.taskId,
      contextId: ctx.contextId,
      artifact: { artifactId, name: artifactId, description: '', parts: [textPart(text)], metadata: undefined, extensions: [] },
      append,
      lastChunk,
      metadata: undefined,
    }),
  );
}

function executorOf(agent: A2aTestAgent, options: A2aServersOptions, receive: (ctx: RequestContext) => void, held: Set<() => void>, store: TaskStore): AgentExecutor {
  const cancels = new Map<string, () => void>();
  return {
    async execute(ctx, bus) {
      receive(ctx);
      const { text, data } = messagePayload(ctx.userMessage);
      if (agent === 'echo') {
        bus.publish(AgentEvent.message(a2aAgentMessage({ text: `echo: ${text}`, ...(data !== undefined && { data }), contextId: ctx.contextId })));
      } else if (agent === 'task') {
        const task = taskOf(ctx, TaskState.TASK_STATE_COMPLETED);
        bus.publish(AgentEvent.task({ ...task, artifacts: [{ artifactId: 'answer', name: 'answer', description: '', parts: [textPart(`done: ${text}`)], metadata: undefined, extensions: [] }] }));
      } else if (agent === 'stream') {
        bus.publish(AgentEvent.task(taskOf(ctx, TaskState.TASK_STATE_SUBMITTED)));
        status(bus, ctx, TaskState.TASK_STATE_WORKING);
        const chunks = options.chunks ?? ['Hel', 'lo, ', 'world'];
        chunks.forEach((chunk, i) => artifact(bus, ctx, 'main', chunk, i > 0, i === chunks.length - 1));
        artifact(bus, ctx, 'notes', `(${chunks.length} chunks for: ${text})`, false, true);
        status(bus, ctx, TaskState.TASK_STATE_COMPLETED);
      } else if (agent === 'fail') {
        bus.publish(AgentEvent.task(taskOf(ctx, TaskState.TASK_STATE_SUBMITTED)));
        status(bus, ctx, TaskState.TASK_STATE_FAILED, `the peer broke: ${text}`);
      } else if (agent === 'later') {
        const working = taskOf(ctx, TaskState.TASK_STATE_WORKING);
        bus.publish(AgentEvent.task(working));
        const done = { ...working, status: taskOf(ctx, TaskState.TASK_STATE_COMPLETED).status, artifacts: [{ artifactId: 'answer', name: 'answer', description: '', parts: [textPart(`later: ${text}`)], metadata: undefined, extensions: [] }] };
        setTimeout(() => void store.save(done, ctx.context), 150);
      } else if (agent === 'input') {
        bus.publish(AgentEvent.task(taskOf(ctx, TaskState.TASK_STATE_SUBMITTED)));
        status(bus, ctx, TaskState.TASK_STATE_INPUT_REQUIRED, 'Which account do you mean?');
      } else {
        bus.publish(AgentEvent.task(taskOf(ctx, TaskState.TASK_STATE_WORKING)));
        // Held until cancelled or the server closes: a peer that hangs.
        await new Promise<void>((resolve) => {
          const release = () => {
            held.delete(release);
            cancels.delete(ctx.taskId);
            resolve();
          };
          held.add(release);
          cancels.set(ctx.taskId, release);
        });
        status(bus, ctx, TaskState.TASK_STATE_CANCELED, 'released');
      }
      bus.finished();
    },
    async cancelTask(taskId) {
      cancels.get(taskId)?.();
    },
  };
}
