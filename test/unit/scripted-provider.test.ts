// The offline provider: first matching rule wins, tool results matched by tool, fills, streaming.
import { describe, expect, it } from 'vitest';
import type { LlmRequest } from '../../agents/llm/provider.js';
import { ScriptedProvider } from '../../agents/llm/scripted.js';

const ask = (content: string, extra: Partial<LlmRequest> = {}): LlmRequest => ({ model: 'm', system: 's', messages: [{ role: 'user', content }], tools: [], ...extra });

describe('ScriptedProvider', () => {
  const provider = new ScriptedProvider({
    rules: [
      { contains: 'hello', reply: 'Hi! You said: {{input}}' },
      { matches: 'weather in (\\w+)', tool_calls: [{ name: 'get_weather', arguments: { city: '{{match.1}}', units: 'metric' } }] },
      { after_tool: 'get_weather', reply: 'Forecast: {{tool_result}}' },
    ],
    fallback: 'No idea about "{{input}}".',
  });

  it('answers the first matching rule, case-insensitively', async () => {
    expect((await provider.complete(ask('HELLO there'))).text).toBe('Hi! You said: HELLO there');
  });
  it('calls tools with filled arguments, deterministically', async () => {
    const a = await provider.complete(ask('weather in Paris?'));
    const b = await provider.complete(ask('weather in Paris?'));
    expect(a.toolCalls).toEqual([{ id: 'call_1_0', name: 'get_weather', arguments: { city: 'Paris', units: 'metric' } }]);
    expect(b).toEqual(a);
    expect(a.stopReason).toBe('tool_calls');
  });
  it('answers a tool result by the tool’s name, and not with text rules', async () => {
    const response = await provider.complete({
      ...ask('weather in Paris?'),
      messages: [
        { role: 'user', content: 'hello weather in Paris?' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 'get_weather', arguments: {} }] },
        { role: 'tool', toolCallId: 'c', name: 'get_weather', content: 'sunny' },
      ],
    });
    expect(response.text).toBe('Forecast: sunny');
  });
  it('falls back when nothing matches', async () => {
    expect((await provider.complete(ask('quantum?'))).text).toBe('No idea about "quantum?".');
  });
  it('streams in pieces that add up to the text', async () => {
    const streaming = new ScriptedProvider({ fallback: 'one two three four five six', stream_chunks: 3 });
    const pieces: string[] = [];
    const response = await streaming.complete(ask('x'), { onText: (d) => pieces.push(d) });
    expect(pieces).toHaveLength(3);
    expect(pieces.join('')).toBe(response.text);
  });
  it('refuses a rule with neither reply nor tool calls', () => {
    expect(() => new ScriptedProvider({ rules: [{ contains: 'x' }] })).toThrow(/reply or tool_calls/);
  });
  it('honours an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stopped'));
    await expect(provider.complete(ask('hello'), { signal: controller.signal })).rejects.toThrow('stopped');
  });
});
