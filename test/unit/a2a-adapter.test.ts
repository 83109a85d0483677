// The A2A adapter (agents/interop/a2a/client.ts) against peers built with @a2a-js/sdk
// (test/helpers/a2a-servers.ts, HTTP on 127.0.0.1 only): a message answer, a completed task,
// streamed artifacts assembled in order, a task polled until done, a failed task, a peer asking for input, a peer that
// hangs (the call's signal ends it), credential headers passed on, and an unreachable card.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A2aAdapter } from '../../agents/interop/a2a/client.js';
import type { AdapterCall } from '../../agents/interop/gateway/types.js';
import { A2A_TEST_AGENTS, startA2aServers, type A2aTestServers } from '../helpers/a2a-servers.js';
import { freePort } from '../helpers/ports.js';

let peers: A2aTestServers;
let adapter: A2aAdapter;

let gone: string;

beforeAll(async () => {
  peers = await startA2aServers();
  gone = `http://127.0.0.1:${await freePort()}/`;
  adapter = new A2aAdapter([...A2A_TEST_AGENTS.map((name) => ({ name, card: peers.url(name) })), { name: 'gone', card: gone }], { pollIntervalMs: 50 });
});
afterAll(() => peers?.close());

const call = (peer: string, text: string, extra: Partial<AdapterCall> = {}) =>
  adapter.call({ peer, text, headers: {}, signal: AbortSignal.timeout(10_000), ...extra });

describe('A2aAdapter', () => {
  it('gets a message answer, with data both ways and the credential header passed on', async () => {
    const result = await call('echo', 'hello', { data: { n: 1 }, headers: { Authorization: 'Bearer t0ken' } });
    expect(result).toMatchObject({ text: 'echo: hello', data: { n: 1 }, state: 'completed' });
    const seen = peers.received.find((r) => r.agent === 'echo');
    expect(seen).toMatchObject({ text: 'hello', data: { n: 1 } });
    expect(seen!.headers['authorization']).toBe('Bearer t0ken');
  });

  it("reads a completed task's artifacts", async () => {
    expect(await call('task', 'job')).toMatchObject({ text: 'done: job', state: 'completed', metadata: { artifacts: 1 } });
  });

  it('polls a task returned still working until it completes', async () => {
    expect(await call('later', 'soon')).toMatchObject({ text: 'later: soon', state: 'completed' });
  });

  it('assembles streamed artifacts in order (append continues the text)', async () => {
    const result = await call('stream', 'go');
    expect(result.state).toBe('completed');
    expect(result.text).toBe('Hello, world\n(3 chunks for: go)');
    expect(result.metadata).toMatchObject({ artifacts: 2 });
  });

  it("fails a failed task with the peer's words, and an input request clearly", async () => {
    expect(await call('fail', 'x')).toEqual(expect.objectContaining({ state: 'failed', text: 'the peer broke: x' }));
    const input = await call('input', 'pay it');
    expect(input.state).toBe('input-required');
    expect(input.text).toBe('it asked for more input: "Which account do you mean?"; a delegated request cannot answer back, so the task was left input-required.');
  });

  it('ends a call to a peer that hangs when its signal aborts', async () => {
    const started = Date.now();
    await expect(call('hang', 'wait', { signal: AbortSignal.timeout(300) })).rejects.toThrow(/abort|timeout/i);
    console.log(`hanging peer: call ended after ${Date.now() - started} ms`);
  });

  it('says why an unreachable card or an unknown peer cannot be called', async () => {
    await expect(call('gone', 'hi')).rejects.toThrow(`Cannot reach the agent card at ${gone}.well-known/agent-card.json: connection refused`);
    await expect(call('nobody', 'hi')).rejects.toThrow(/"nobody" is not a declared A2A agent/);
  });
});

describe('A2aAdapter: answers larger than the gateway allows', () => {
  it('cuts an answer off while it is read, past the wire cap of maxResponseBytes, and says so', async () => {
    const big = await startA2aServers({ chunks: Array.from({ length: 40 }, () => 'x'.repeat(8 * 1024)) });
    try {
      const capped = new A2aAdapter([{ name: 'echo', card: big.url('echo') }, { name: 'stream', card: big.url('stream') }], { maxResponseBytes: 32 * 1024 });
      const at = (peer: string, text: string) => capped.call({ peer, text, headers: {}, signal: AbortSignal.timeout(10_000) });
      await expect(at('stream', 'go')).rejects.toThrow(/passed 131072 bytes .*larger than spec\.protocolGateway\.maxResponseBytes allows, so it was cut off/);
      expect(await at('echo', 'small')).toMatchObject({ text: 'echo: small', state: 'completed' });
    } finally {
      await big.close();
    }
  });
});
