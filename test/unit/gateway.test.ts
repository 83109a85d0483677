// The tool gateway: allowlist, token-bucket rate limit, idempotency keys, timeouts, and the
// tool.invoked / tool.result events the trace shows. Backends here are plain functions.
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../agents/runtime/agent.js';
import { RuntimeEventBus, type RuntimeEvents } from '../../agents/protocol/runtime-events.js';
import { implementedBuiltIns } from '../../agents/tools/builtin-backend.js';
import { IDEMPOTENCY_ARG, ToolGateway, type ToolBackend, type ToolPolicy } from '../../agents/tools/gateway.js';
import { BUILT_IN_TOOLS } from '../../agents/topology/validate.js';

/** A backend whose tools count their calls and can be slow. */
function backend(): ToolBackend & { calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  return {
    calls,
    list: async () => ['lookup', 'github__search', 'github__delete_repo', 'slow'].map((name) => ({ name, description: name, parameters: { type: 'object' } })),
    call: async (name, args, context) => {
      calls[name] = (calls[name] ?? 0) + 1;
      if (name === 'slow') await new Promise((resolve) => context.signal.addEventListener('abort', resolve, { once: true }));
      return { content: `${name}#${calls[name]}(${JSON.stringify(args)})`, isError: false };
    },
  };
}

async function gateway(allow: string[], policies: Record<string, ToolPolicy> = {}, now = () => 0) {
  const events = new RuntimeEventBus();
  const results: RuntimeEvents['tool.result'][] = [];
  const invoked: RuntimeEvents['tool.invoked'][] = [];
  events.on('tool.result', (e) => results.push(e));
  events.on('tool.invoked', (e) => invoked.push(e));
  const b = backend();
  const g = await ToolGateway.create({ agent: 'a', backends: [b], allow, policy: (t) => policies[t], events, now });
  const context = (runId = 'run1') => ({ agent: {} as Agent, runId, signal: new AbortController().signal });
  const call = (name: string, args: Record<string, unknown> = {}, runId?: string) => g.call({ id: 'c', name, arguments: args }, context(runId));
  return { g, b, call, results, invoked };
}

describe('ToolGateway', () => {
  it('offers only allowed tools, with `server__*` covering a whole server', async () => {
    const { g } = await gateway(['lookup', 'github__*']);
    expect(g.tools().map((t) => t.name)).toEqual(['lookup', 'github__search', 'github__delete_repo']);
  });

  it('refuses a tool outside the allowlist without calling it, and records the refusal', async () => {
    const { call, b, results } = await gateway(['github__search']);
    const result = await call('github__delete_repo', { repo: 'x' });
    expect(result).toEqual({ content: 'a is not allowed to call "github__delete_repo".', isError: true });
    expect(b.calls['github__delete_repo']).toBeUndefined();
    expect(results[0]).toMatchObject({ tool: 'github__delete_repo', refused: 'not_allowed', isError: true, arguments: { repo: 'x' } });
  });

  it('rate-limits with a token bucket that refills over time', async () => {
    let now = 0;
    const { call, b, results } = await gateway(['lookup'], { lookup: { rateLimit: { perMinute: 60, burst: 2 } } }, () => now);
    expect((await call('lookup')).isError).toBe(false);
    expect((await call('lookup')).isError).toBe(false);
    const refused = await call('lookup');
    expect(refused.content).toMatch(/^Rate limit: "lookup" allows 60 calls a minute \(burst 2\)/);
    expect(b.calls['lookup']).toBe(2);
    now += 1000; // one token a second
    expect((await call('lookup')).isError).toBe(false);
    expect(results.map((r) => r.refused)).toEqual([null, null, 'rate_limited', null]);
  });

  it('returns the first result for a repeated idempotency key, and strips the key from the arguments', async () => {
    const { call, b, results, invoked } = await gateway(['lookup']);
    const first = await call('lookup', { q: 'x', [IDEMPOTENCY_ARG]: 'k1' });
    const again = await call('lookup', { q: 'x', [IDEMPOTENCY_ARG]: 'k1' });
    const other = await call('lookup', { q: 'x', [IDEMPOTENCY_ARG]: 'k2' });
    expect(first).toEqual(again);
    expect(first.content).toBe('lookup#1({"q":"x"})');
    expect(other.content).toBe('lookup#2({"q":"x"})');
    expect(b.calls['lookup']).toBe(2);
    expect(results.map((r) => r.replayed)).toEqual([false, true, false]);
    expect(invoked[0]).toMatchObject({ arguments: { q: 'x' }, idempotencyKey: 'lookup:k1' });
  });

  it('treats identical calls of an idempotent tool in one run as one, but not across runs', async () => {
    const { call, b } = await gateway(['lookup'], { lookup: { idempotent: true } });
    await call('lookup', { a: 1, b: 2 }, 'r1');
    await call('lookup', { b: 2, a: 1 }, 'r1'); // same arguments, other key order
    await call('lookup', { a: 1, b: 2 }, 'r2');
    expect(b.calls['lookup']).toBe(2);
  });

  it('times a slow call out as an error result, aborting it', async () => {
    const { call, results } = await gateway(['slow'], { slow: { timeoutMs: 20 } });
    const result = await call('slow');
    expect(result).toEqual({ content: 'Tool call timed out after 20 ms.', isError: true });
    expect(results[0]).toMatchObject({ refused: 'timeout', isError: true });
  });
});

describe('built-in tools', () => {
  it('implements exactly the names the validator accepts', () => {
    expect(implementedBuiltIns().sort()).toEqual([...BUILT_IN_TOOLS].sort());
  });
});
