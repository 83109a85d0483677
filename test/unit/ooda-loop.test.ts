// The OODA loop without NATS: a fake agent behind the narrow interface tools and handlers see
// (agents/tools/agent-handle.ts), the scripted provider, and a test clock for budgets and pauses.
import { describe, expect, it } from 'vitest';
import { ScriptedProvider, type ScriptedConfig } from '../../agents/llm/scripted.js';
import type { RuntimeEvents } from '../../agents/protocol/runtime-events.js';
import { createOodaHandler, type OodaOptions } from '../../agents/runtime/ooda.js';
import { StepController } from '../../agents/runtime/step-controller.js';
import { newMessage } from '../../agents/runtime/wire.js';
import type { AgentHandle } from '../../agents/tools/agent-handle.js';
import { FunctionTools, type FunctionTool } from '../../agents/tools/tool-executor.js';
import { fakeAgent } from '../helpers/fake-agent.js';
import { TestClock } from '../helpers/test-clock.js';

function record<E extends keyof RuntimeEvents>(agent: AgentHandle, name: E): RuntimeEvents[E][] {
  const seen: RuntimeEvents[E][] = [];
  agent.events.on(name, (p) => seen.push(p));
  return seen;
}

const weatherScript: ScriptedConfig = {
  rules: [
    { matches: 'weather in (\\w+)', tool_calls: [{ name: 'get_current_weather', arguments: { city: '{{match.1}}' } }] },
    { after_tool: 'get_current_weather', reply: 'It is {{tool_result}}.' },
  ],
};
const loopingScript: ScriptedConfig = {
  rules: [
    { contains: '', tool_calls: [{ name: 'get_current_weather', arguments: { city: 'X' } }] },
    { after_tool: 'get_current_weather', tool_calls: [{ name: 'get_current_weather', arguments: { city: 'Y' } }] },
  ],
};

const weatherTool = (run: FunctionTool['run']): FunctionTools =>
  new FunctionTools([{ name: 'get_current_weather', description: 'Current weather for a city', parameters: { type: 'object' }, run }]);

function run(agent: AgentHandle, content: string, options: Partial<OodaOptions> & { script: ScriptedConfig }) {
  const { script, ...rest } = options;
  const handler = createOodaHandler({ llm: new ScriptedProvider(script), model: 'scripted', prompt: 'You are {{agent_name}}.', ...rest });
  return handler(newMessage({ message_type: 'request', from_agent: 'user', to_agent: agent.name, content }), { agent, subject: `agents.${agent.name}.requests` });
}

describe('the OODA loop on a fake agent', () => {
  it('observes, orients, decides and acts through the tool loop to a reply', async () => {
    const agent = fakeAgent('weather');
    const phases = record(agent, 'ooda.phase');
    const callers: AgentHandle[] = [];
    const tools = weatherTool((args, context) => {
      callers.push(context.agent);
      return `sunny in ${String(args['city'])}`;
    });
    await expect(run(agent, 'weather in Oslo', { script: weatherScript, tools })).resolves.toBe('It is sunny in Oslo.');
    expect(phases.map((p) => `${p.turn}:${p.phase}`)).toEqual(['1:observe', '1:orient', '1:decide', '1:act', '2:observe', '2:orient', '2:decide', '2:act']);
    expect(callers).toEqual([agent]); // tools see the agent they work for
  });

  it('gives a failing tool\'s error back to the model, and the run goes on', async () => {
    const agent = fakeAgent('asker');
    const completed = record(agent, 'run.completed');
    const tools = weatherTool(async (_args, context) => (await context.agent.request('other', 'hi')).content);
    await expect(run(agent, 'weather in Oslo', { script: { ...weatherScript, rules: [weatherScript.rules![0]!, { after_tool: 'get_current_weather', reply: '{{tool_result}}' }] }, tools })).resolves.toBe(
      'asker has no network in this test.',
    );
    expect(completed).toEqual([expect.objectContaining({ status: 'completed', turns: 2 })]);
  });
});

describe('budgets on a test clock', () => {
  it('ends a run past its timeout while a tool still works, at the budget and not before', async () => {
    const agent = fakeAgent('sleeper');
    const clock = new TestClock();
    const exceeded = record(agent, 'budget.exceeded');
    let toolStarted!: () => void;
    const started = new Promise<void>((resolve) => (toolStarted = resolve));
    // A slow tool: done after 10 s of clock time, or when the run is stopped.
    const tools = weatherTool(
      (_args, { signal }) =>
        new Promise<string>((resolve, reject) => {
          toolStarted();
          void clock.sleep(10_000).then(() => resolve('late'));
          signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
        }),
    );
    let outcome: 'pending' | 'settled' = 'pending';
    const result = run(agent, 'go', { script: loopingScript, tools, budget: { timeoutMs: 100 }, clock });
    const settled = () => (outcome = 'settled');
    result.then(settled, settled);
    await started;
    expect(clock.pending).toBe(2); // the run's deadline and the tool's sleep, both on the test clock
    await clock.advance(99);
    expect(outcome).toBe('pending');
    await clock.advance(1);
    await expect(result).rejects.toMatchObject({ name: 'BudgetExceededError', budget: 'timeout', limit: 100 });
    expect(exceeded).toEqual([expect.objectContaining({ agent: 'sleeper', budget: 'timeout', limit: 100 })]);
    expect(clock.pending).toBe(1); // only the tool's own sleep: the run's timer is cleared
  });

  it('does not count time paused at a breakpoint', async () => {
    const agent = fakeAgent('paused');
    const clock = new TestClock();
    const controller = new StepController(agent.events);
    controller.setBreakpoint('paused', 'decide');
    const pausedAt = new Promise<string>((resolve) => agent.events.on('ooda.paused', (p) => resolve(p.runId)));
    const result = run(agent, 'weather in Rome', { script: weatherScript, tools: weatherTool(() => 'warm'), budget: { timeoutMs: 100 }, clock, controller });
    const runId = await pausedAt;
    await clock.advance(60_000); // a long look in the debugger
    controller.setBreakpoint('paused', 'decide', false);
    controller.resume(runId);
    await expect(result).resolves.toBe('It is warm.');
  });

  it('ends a run past max_turns', async () => {
    const agent = fakeAgent('looper');
    await expect(run(agent, 'go', { script: loopingScript, tools: weatherTool(() => 'again'), budget: { maxTurns: 3 } })).rejects.toThrow(/max_turns \(limit 3, used 4\)/);
  });
});
