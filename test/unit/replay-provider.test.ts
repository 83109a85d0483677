// The replay provider: recorded answers in order, the first differing call refused with where it
// differs, a fork's decision at its turn and the live provider after it; tools answered from the record.
import { describe, expect, it, vi } from 'vitest';
import type { LlmProvider, LlmRequest, LlmResponse } from '../../agents/llm/provider.js';
import { ReplayProvider, type LlmDivergence, type RecordedLlmCall } from '../../agents/llm/replay.js';
import { requestDifference } from '../../agents/llm/replay-match.js';
import { RuntimeEventBus } from '../../agents/protocol/runtime-events.js';
import { CONSOLIDATION_SYSTEM, ConversationMemory } from '../../agents/runtime/memory.js';
import { withRecordedConsolidations } from '../../agents/runtime/replay/replay-memory.js';
import { ReplayTools } from '../../agents/runtime/replay/replay-tools.js';
import { FunctionTools } from '../../agents/tools/tool-executor.js';

const ask = (content: string, extra: Partial<LlmRequest> = {}): LlmRequest => ({ model: 'm', system: 'You are a.', messages: [{ role: 'user', content }], tools: [], ...extra });
const answer = (text: string): LlmResponse => ({ text, toolCalls: [], usage: { inputTokens: 1, outputTokens: 1 }, stopReason: 'stop', model: 'm' });
const recording: RecordedLlmCall[] = [
  { agent: 'a', request: ask('one'), response: answer('first') },
  { agent: 'b', request: ask('other'), response: answer('not a’s') },
  { agent: 'a', request: ask('two'), response: answer('second') },
];

describe('ReplayProvider', () => {
  it('answers an agent’s calls from its own recorded calls, and says when none is left', async () => {
    const provider = new ReplayProvider('a', recording);
    expect((await provider.complete(ask('one'))).text).toBe('first');
    expect((await provider.complete(ask('two'))).text).toBe('second');
    expect(provider.remaining).toBe(0);
    await expect(provider.complete(ask('three'))).rejects.toThrow(/no more calls \(the record holds 2\)/);
  });

  it('answers calls of concurrent runs in whatever order they come', async () => {
    const provider = new ReplayProvider('a', recording);
    expect((await provider.complete(ask('two'))).text).toBe('second');
    expect((await provider.complete(ask('one'))).text).toBe('first');
  });

  it('refuses a call the record does not hold and reports where it differs', async () => {
    const diverged = vi.fn<(d: LlmDivergence) => void>();
    const provider = new ReplayProvider('a', recording, { onDiverged: diverged });
    await expect(provider.complete(ask('one', { system: 'You are b.' }), { runId: 'r1' })).rejects.toThrow(/call 1/);
    expect(diverged).toHaveBeenCalledWith({ agent: 'a', runId: 'r1', call: 1, expected: 'the system prompt at character 9: "You are a."', actual: '"You are b."' });
  });

  it('uses the fork’s decision at its turn, then the live provider for every call', async () => {
    let live = false;
    const forked = vi.fn();
    const real: LlmProvider = { kind: 'scripted', complete: async () => answer('live') };
    const provider = new ReplayProvider('a', recording, {
      fork: { turn: 2, decision: { text: 'edited', toolCalls: [] } },
      live: () => real,
      isLive: () => live,
      onForked: (fork) => ((live = true), forked(fork)),
    });
    expect((await provider.complete(ask('one'))).text).toBe('first');
    expect(provider.kind).toBe('replay');
    const edited = await provider.complete(ask('two'), { runId: 'r2' });
    expect(edited).toMatchObject({ text: 'edited', toolCalls: [], stopReason: 'stop' });
    expect(forked).toHaveBeenCalledWith({ runId: 'r2', turn: 2, decision: { text: 'edited', toolCalls: [] } });
    expect((await provider.complete(ask('anything new'))).text).toBe('live');
    expect(provider.kind).toBe('scripted');
  });

  it('replays a recorded failure as a failure', async () => {
    const provider = new ReplayProvider('a', [{ agent: 'a', request: ask('one'), response: null, error: 'HTTP 500' }]);
    await expect(provider.complete(ask('one'))).rejects.toThrow('HTTP 500');
  });
});

describe('requestDifference', () => {
  it('names the first part that differs: model, tools, a message, then the tool schemas', () => {
    expect(requestDifference(ask('x'), ask('x'))).toBeNull();
    expect(requestDifference(ask('x'), ask('x', { model: 'n' }))).toEqual({ expected: 'model m', actual: 'model n' });
    const tool = { name: 't', description: 'd', parameters: {} };
    expect(requestDifference(ask('x', { tools: [tool] }), ask('x'))).toEqual({ expected: 'tools [t]', actual: 'tools [none]' });
    expect(requestDifference(ask('hello'), ask('help'))).toEqual({ expected: 'message 1 (user) at character 4: "hello"', actual: '"help"' });
    expect(requestDifference(ask('x', { tools: [tool] }), ask('x', { tools: [{ ...tool, description: 'e' }] }))?.expected).toMatch(/^the tool schemas/);
  });
});

describe('ReplayTools', () => {
  const recorded = [
    { agent: 'a', tool: 'lookup', arguments: { city: 'Paris', units: 'metric' }, result: 'sunny', isError: false, refused: null },
    { agent: 'a', tool: 'request_agent', arguments: { agent: 'b', content: 'hi' }, result: 'bus reply', isError: false, refused: null },
  ];
  const setup = (live = false) => {
    const run = vi.fn(() => 'for real');
    const inner = new FunctionTools([
      { name: 'lookup', description: '', parameters: {}, run },
      { name: 'request_agent', description: '', parameters: {}, run },
    ]);
    const events = new RuntimeEventBus();
    const seen: string[] = [];
    events.onAny((name) => seen.push(name));
    const diverged = vi.fn();
    const tools = new ReplayTools('a', inner, recorded, { liveTools: new Set(['request_agent']), isLive: () => live, events, onDiverged: diverged });
    const context = { agent: {} as never, runId: 'r', signal: new AbortController().signal };
    return { tools, run, seen, diverged, context };
  };

  it('answers an outside tool from the record (any key order), without calling it, and traces the call', async () => {
    const { tools, run, seen, context } = setup();
    expect(await tools.call({ id: '1', name: 'lookup', arguments: { units: 'metric', city: 'Paris' } }, context)).toEqual({ content: 'sunny', isError: false });
    expect(run).not.toHaveBeenCalled();
    expect(seen).toEqual(['tool.invoked', 'tool.result']);
  });

  it('runs the bus tools for real', async () => {
    const { tools, run, context } = setup();
    expect((await tools.call({ id: '1', name: 'request_agent', arguments: { agent: 'b', content: 'hi' } }, context)).content).toBe('for real');
    expect(run).toHaveBeenCalledOnce();
  });

  it('refuses an outside call the record does not hold, as a divergence', async () => {
    const { tools, diverged, context } = setup();
    await expect(tools.call({ id: '1', name: 'lookup', arguments: { city: 'Lyon' } }, context)).rejects.toThrow(/tool call 1/);
    expect(diverged).toHaveBeenCalledWith(expect.objectContaining({ agent: 'a', call: 1, expected: 'tool call lookup({"city":"Paris","units":"metric"})', actual: 'tool call lookup({"city":"Lyon"})' }));
  });

  it('calls every tool for real once the replay has forked', async () => {
    const { tools, run, context } = setup(true);
    expect((await tools.call({ id: '1', name: 'lookup', arguments: { city: 'Lyon' } }, context)).content).toBe('for real');
    expect(run).toHaveBeenCalledOnce();
  });
});

describe('memory consolidation in a replay', () => {
  const overBudget = () => {
    const memory = new ConversationMemory(20); // 20 tokens (80 characters): this exchange is over it
    memory.remember('c', { role: 'user', content: 'a long question about Paris and Lyon, '.repeat(2) }, { role: 'assistant', content: 'a long answer about both cities' });
    return memory;
  };
  const decisions: LlmProvider = { kind: 'replay', complete: async () => answer('a decision') };

  it('answers a consolidation with the recorded summary, and decisions as before', async () => {
    const provider = withRecordedConsolidations(decisions, { summaries: ['About Paris.'], isLive: () => false, onMissing: vi.fn() });
    const memory = overBudget();
    const done = await memory.consolidate('c', provider, 'm', new AbortController().signal);
    expect(done).toMatchObject({ summarized: true, summary: 'About Paris.' });
    expect(memory.history('c')[0]!.content).toBe('[Summary of the earlier conversation] About Paris.');
    expect((await provider.complete(ask('one'))).text).toBe('a decision');
  });

  it('reports a consolidation the record holds no summary of as a divergence', async () => {
    const missing = vi.fn();
    const provider = withRecordedConsolidations(decisions, { summaries: [undefined], isLive: () => false, onMissing: missing });
    await expect(provider.complete({ model: 'm', system: CONSOLIDATION_SYSTEM, messages: [{ role: 'user', content: 't' }], tools: [] }, { runId: 'r' })).rejects.toThrow(/without its summary/);
    expect(missing).toHaveBeenCalledWith('r', 1, expect.stringMatching(/consolidation 1 without its summary/));
  });

  it('fails a consolidation that failed in the record, so memory drops the older half again', async () => {
    const provider = withRecordedConsolidations(decisions, { summaries: [null], isLive: () => false, onMissing: vi.fn() });
    expect(await overBudget().consolidate('c', provider, 'm', new AbortController().signal)).toMatchObject({ summarized: false, summary: null });
  });
});
