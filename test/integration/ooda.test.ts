// The OODA loop on a real nats-server with the scripted provider: phases and their events, the
// tool loop, breakpoints that pause one agent while others answer, an edited decision at Act,
// stepping, budgets, streaming, memory consolidation, and a recorded run replayed.
import { connect } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedLlmCall } from '../../agents/llm/replay.js';
import type { AgentMessage } from '../../agents/protocol/agent-message.js';
import { type AgentRequestError } from '../../agents/runtime/agent.js';
import type { RuntimeEvents } from '../../agents/protocol/runtime-events.js';
import { AgentNetwork, type AgentSpec } from '../../agents/runtime/network.js';
import { FunctionTools } from '../../agents/tools/tool-executor.js';
import { startTestServer, type TestServer } from '../helpers/nats-server.js';
import { TestClock } from '../helpers/test-clock.js';

let nats: TestServer;
const networks: AgentNetwork[] = [];
beforeAll(async () => {
  nats = await startTestServer();
});
afterAll(async () => {
  await nats.stop();
});
afterEach(async () => {
  await Promise.all(networks.splice(0).map((n) => n.stop()));
});

let counter = 0;
const unique = (base: string) => `${base}_${++counter}`;

async function network(agents: AgentSpec[], clock?: TestClock): Promise<AgentNetwork> {
  const net = new AgentNetwork({ connection: nats.connection, agents: [...agents, { name: unique('user'), handler: async () => undefined }], heartbeatMs: 0, ...(clock && { clock }) });
  networks.push(net);
  await net.start();
  return net;
}

/** The network's caller agent (the last one). */
const user = (net: AgentNetwork) => net.agents.at(-1)!;

function record<E extends keyof RuntimeEvents>(net: AgentNetwork, name: E): RuntimeEvents[E][] {
  const seen: RuntimeEvents[E][] = [];
  net.events.on(name, (p) => seen.push(p));
  return seen;
}

const nextEvent = <E extends keyof RuntimeEvents>(net: AgentNetwork, name: E, match: (p: RuntimeEvents[E]) => boolean = () => true) =>
  new Promise<RuntimeEvents[E]>((resolve) => {
    const off = net.events.on(name, (p) => {
      if (match(p)) {
        off();
        resolve(p);
      }
    });
  });

const weatherTools = new FunctionTools([
  {
    name: 'get_current_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    run: (args) => `sunny and 21°C in ${String(args['city'])}`,
  },
]);

const weatherBot = (name: string): AgentSpec => ({
  name,
  capabilities: ['weather_lookup'],
  prompt: 'You are {{agent_name}}, a weather specialist.',
  tools: weatherTools,
  llm: {
    provider: 'scripted',
    scripted: {
      rules: [
        { matches: 'weather in (\\w+)', tool_calls: [{ name: 'get_current_weather', arguments: { city: '{{match.1}}' } }] },
        { after_tool: 'get_current_weather', reply: 'It is {{tool_result}}.' },
      ],
      fallback: 'Ask me about the weather.',
    },
  },
});

describe('an OODA agent', () => {
  it('answers through observe, orient, decide, act, with tool calls in between', async () => {
    const bot = unique('weather_bot');
    const net = await network([weatherBot(bot)]);
    const phases = record(net, 'ooda.phase');
    const calls = record(net, 'llm.call');
    const reply = await user(net).request(bot, "What's the weather in Paris?");
    expect(reply.content).toBe('It is sunny and 21°C in Paris.');

    expect(phases.map((p) => `${p.turn}:${p.phase}`)).toEqual(['1:observe', '1:orient', '1:decide', '1:act', '2:observe', '2:orient', '2:decide', '2:act']);
    const orient = phases.find((p) => p.phase === 'orient')!.output as { system: string };
    expect(orient.system).toBe(`You are ${bot}, a weather specialist.`);
    const act1 = phases.find((p) => p.phase === 'act')!;
    expect(act1.output).toMatchObject({ reply: null, toolResults: [{ name: 'get_current_weather', content: 'sunny and 21°C in Paris', isError: false }] });
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ provider: 'scripted', error: null, request: { tools: [{ name: 'get_current_weather' }] } });
    expect(calls[1]!.request.messages.at(-1)).toMatchObject({ role: 'tool', name: 'get_current_weather' });
  });

  it('pauses at a breakpoint while another agent keeps answering, then continues', async () => {
    const slow = unique('paused_bot');
    const other = unique('other_bot');
    const net = await network([{ ...weatherBot(slow), breakpoints: ['decide'] }, weatherBot(other)]);
    const paused = nextEvent(net, 'ooda.paused');
    const pending = user(net).request(slow, 'weather in Oslo', { timeoutMs: 10_000 });
    const stop = await paused;
    expect(stop).toMatchObject({ agent: slow, phase: 'decide', turn: 1 });
    expect(net.controller.paused()).toHaveLength(1);

    // The broker and the other agent are not held up by the pause.
    expect((await user(net).request(other, 'weather in Rome')).content).toBe('It is sunny and 21°C in Rome.');

    net.controller.setBreakpoint(slow, 'decide', false);
    net.controller.resume(stop.runId);
    expect((await pending).content).toBe('It is sunny and 21°C in Oslo.');
  });

  it('acts on an edited decision at Act, and refuses an edit that is not a decision', async () => {
    const bot = unique('edited_bot');
    const net = await network([{ ...weatherBot(bot), breakpoints: ['act'] }]);
    const resumed = record(net, 'ooda.resumed');
    const paused = nextEvent(net, 'ooda.paused');
    const pending = user(net).request(bot, 'weather in Paris', { timeoutMs: 10_000 });
    const stop = await paused;
    expect(stop.payload).toMatchObject({ toolCalls: [{ name: 'get_current_weather' }] });

    expect(() => net.controller.resume(stop.runId, { replace: { text: 42 } })).toThrow();
    expect(net.controller.paused()).toHaveLength(1); // still waiting after a bad edit

    net.controller.resume(stop.runId, { replace: { text: 'Bring an umbrella.', toolCalls: [] } });
    expect((await pending).content).toBe('Bring an umbrella.');
    expect(resumed).toEqual([expect.objectContaining({ phase: 'act', edited: true })]);
  });

  it('steps phase by phase', async () => {
    const bot = unique('stepped_bot');
    const net = await network([{ ...weatherBot(bot), breakpoints: ['observe'] }]);
    net.controller.setBreakpoint(bot, 'observe', true);
    const stops: string[] = [];
    net.events.on('ooda.paused', (p) => {
      stops.push(`${p.turn}:${p.phase}`);
      // Step through the first turn, then let it run.
      setImmediate(() => net.controller.resume(p.runId, { mode: stops.length < 4 ? 'step' : 'continue' }));
    });
    net.controller.setBreakpoint(bot, 'observe', false);
    net.controller.pause(bot);
    expect((await user(net).request(bot, 'weather in Lima')).content).toBe('It is sunny and 21°C in Lima.');
    expect(stops).toEqual(['1:observe', '1:orient', '1:decide', '1:act']);
  });

  it('streams the reply as begin, chunks and end with a checksum', async () => {
    const bot = unique('streamer');
    const net = await network([
      { name: bot, llm: { provider: 'scripted', scripted: { rules: [{ contains: 'poem', reply: 'roses are red violets are blue' }], stream_chunks: 3 } } },
    ]);
    const frames: AgentMessage[] = [];
    const reply = await user(net).request(bot, 'a poem please', { stream: (f) => frames.push(f) });
    expect(reply.content).toBe('roses are red violets are blue');
    expect(frames.map((f) => f.message_type)).toEqual(['stream.begin', 'stream.chunk', 'stream.chunk', 'stream.chunk', 'stream.end']);
    const chunks = frames.filter((f) => f.message_type === 'stream.chunk');
    expect(chunks.map((f) => f.metadata['seq_no'])).toEqual([0, 1, 2]);
    expect(chunks.map((f) => f.content).join('')).toBe(reply.content);
    const { createHash } = await import('node:crypto');
    expect(frames.at(-1)!.metadata['checksum']).toBe(`sha256:${createHash('sha256').update(reply.content).digest('hex')}`);
  });

  it('consolidates memory when a conversation outgrows its context budget', async () => {
    const bot = unique('chatty');
    const net = await network([{ name: bot, contextTokens: 30, llm: { provider: 'scripted', scripted: { fallback: 'noted: {{input}}' } } }]);
    const consolidated = record(net, 'memory.consolidated');
    for (let i = 0; i < 4; i++) await user(net).request(bot, `fact number ${i} is worth remembering`, { metadata: { conversation_id: 'c1' } });
    expect(consolidated.length).toBeGreaterThan(0);
    expect(consolidated[0]!.after).toBeLessThan(consolidated[0]!.before);
    const calls = record(net, 'llm.call');
    await user(net).request(bot, 'and one more', { metadata: { conversation_id: 'c1' } });
    expect(calls.at(-1)!.request.messages[0]!.content).toMatch(/^\[Summary of the earlier conversation\]/);
  });
});

describe('budgets', () => {
  const looping = (name: string, budget: AgentSpec['budget'], tools = weatherTools): AgentSpec => ({
    name,
    tools,
    budget,
    // Always asks for the tool again: only a budget can stop it.
    llm: { provider: 'scripted', scripted: { rules: [{ contains: '', tool_calls: [{ name: 'get_current_weather', arguments: { city: 'X' } }] }, { after_tool: 'get_current_weather', tool_calls: [{ name: 'get_current_weather', arguments: { city: 'Y' } }] }] } },
  });

  it('ends a run past max_turns with a failed reply, and keeps serving', async () => {
    const bot = unique('looper');
    const net = await network([looping(bot, { maxTurns: 3 })]);
    const exceeded = record(net, 'budget.exceeded');
    const error = (await user(net).request(bot, 'go').catch((e: unknown) => e)) as AgentRequestError;
    expect(error.code).toBe('failed');
    expect(error.reply?.metadata).toMatchObject({ status: 'failed', error_code: 'budget_exceeded' });
    expect(error.message).toMatch(/max_turns \(limit 3, used 4\)/);
    expect(exceeded).toEqual([expect.objectContaining({ agent: bot, budget: 'max_turns', limit: 3 })]);
    await expect(user(net).request(bot, 'again')).rejects.toThrow(/max_turns/); // still answering
  });

  it('ends a run past max_tokens', async () => {
    const bot = unique('spender');
    const net = await network([looping(bot, { maxTokens: 60 })]);
    await expect(user(net).request(bot, 'go')).rejects.toThrow(/max_tokens \(limit 60/);
  });

  it('ends a run past its timeout, even inside a slow tool', async () => {
    const bot = unique('sleeper');
    const clock = new TestClock();
    let toolStarted!: () => void;
    const started = new Promise<void>((resolve) => (toolStarted = resolve));
    // Answers after 10 s of clock time, unless the run's deadline stops it first.
    const slow = (_args: unknown, { signal }: { signal: AbortSignal }) =>
      new Promise<string>((resolve, reject) => {
        toolStarted();
        void clock.sleep(10_000).then(() => resolve('late'));
        signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      });
    const slowTools = new FunctionTools([{ name: 'get_current_weather', description: 'slow', parameters: { type: 'object' }, run: slow }]);
    const net = await network([looping(bot, { timeoutMs: 100 }, slowTools)], clock);
    const exceeded = record(net, 'budget.exceeded');
    const failure = user(net)
      .request(bot, 'go', { timeoutMs: 5000 })
      .then(() => null, (error: unknown) => error);
    await started;
    expect(clock.pending).toBe(2); // the run's deadline and the tool's sleep: both on the test clock
    await clock.advance(100);
    expect(await failure).toMatchObject({ code: 'failed', message: expect.stringMatching(/timeout \(limit 100, used 100\)/) });
    expect(exceeded[0]).toMatchObject({ budget: 'timeout', limit: 100 });
  });
});

describe('requests to an agent that left, while a trace tap listens to everything', () => {
  // With a `>` subscriber NATS never answers "no responders"; the registry knows better.
  it('fail at once instead of waiting for the timeout', { timeout: 8000 }, async () => {
    const gone = unique('leaving');
    const net = await network([{ name: gone, handler: async (m) => m.content }]);
    const tap = await connect({ ...nats.connection, name: 'test-tap' });
    tap.subscribe('>', { callback: () => undefined });
    await tap.flush();
    try {
      await net.registry.waitFor((r) => r.get(gone)?.status === 'available');
      await net.agent(gone).stop();
      await net.registry.waitFor((r) => r.get(gone)?.status === 'offline');
      await expect(user(net).request(gone, 'hi', { timeoutMs: 20_000 })).rejects.toMatchObject({ code: 'no_responders', message: expect.stringContaining('has left') });
    } finally {
      await tap.close();
    }
  });
});

describe('replay', () => {
  it('re-runs a recorded run to the same messages without the original model', async () => {
    const bot = unique('weather_bot');
    const live = await network([weatherBot(bot)]);
    const recording: RecordedLlmCall[] = [];
    live.events.on('llm.call', (c) => c.response && recording.push({ agent: c.agent, request: c.request, response: c.response }));
    const sent: AgentMessage[] = [];
    live.events.on('message.sent', (e) => e.agent === bot && sent.push(e.message));
    const liveReply = await user(live).request(bot, 'weather in Paris');
    const liveRun = [...sent]; // what the run sent, not the goodbye at stop()
    await live.stop();

    const net = new AgentNetwork({
      connection: nats.connection,
      agents: [{ ...weatherBot(bot), llm: { provider: 'replay' } }, { name: unique('user'), handler: async () => undefined }],
      heartbeatMs: 0,
      recording,
    });
    networks.push(net);
    await net.start();
    const replaySent: AgentMessage[] = [];
    net.events.on('message.sent', (e) => e.agent === bot && replaySent.push(e.message));
    const reply = await user(net).request(bot, 'weather in Paris');
    expect(reply.content).toBe(liveReply.content);
    const shape = (m: AgentMessage) => ({ type: m.message_type, content: m.content, status: m.metadata['status'] });
    expect(replaySent.map(shape)).toEqual(liveRun.map(shape));
    expect(liveRun.length).toBeGreaterThan(0);

    // A different conversation is not in the recording: refused, not guessed.
    await expect(user(net).request(bot, 'weather in Rome')).rejects.toThrow(/no more calls|differs from the recording/);
  });
});
