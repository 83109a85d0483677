// Fault: a model provider that hangs, errors, answers garbage or streams forever. For each, a
// request to the agent gets a failed reply within its budget (or the provider's own timeout), the
// reason is clear in the reply and in the trace's llm.call, the provider's connection is closed
// (nothing still being streamed to us), and the agent then answers a healthy request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentRequestError } from '../../agents/runtime/agent.js';
import { OPENAI_PATH, httpError, openAiTextStream, startFakeLlmServer, type CannedResponse, type FakeLlmServer } from '../helpers/fake-llm-server.js';
import { startTestServer, type TestServer } from '../helpers/nats-server.js';
import { eventsNamed, runTemplate, type TemplateRun } from '../helpers/template-network.js';
import { until } from '../helpers/until.js';

/** The agent's run budget; the provider has no timeout of its own below it (its default is 10 min). */
const BUDGET_MS = 2500;
/** The second agent's provider times out first. */
const PROVIDER_TIMEOUT_MS = 1500;
/** A failed reply must come within the limit plus this (generous: a loaded 2-core machine). */
const MARGIN_MS = 3000;

const SSE = { 'content-type': 'text/event-stream; charset=utf-8' };
const chunk = (content: string) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', model: 'fake-gpt', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
const answer = (a: Omit<CannedResponse, 'path'>): CannedResponse => ({ ...a, path: OPENAI_PATH });

interface Fault {
  name: string;
  answer: CannedResponse;
  /** What the failed reply and the llm.call error say. */
  reason: RegExp;
  /** The agent whose provider answers (the quick one has its own timeout below the budget). */
  agent?: 'quick';
}

const FAULTS: Fault[] = [
  { name: 'hangs before answering', answer: answer({ status: 200, headers: SSE, pieces: [], delayMs: 600_000 }), reason: /Budget exceeded: timeout/ },
  { name: 'hangs after the headers', answer: answer({ status: 200, headers: SSE, pieces: [], hang: true }), reason: /Budget exceeded: timeout/ },
  { name: 'hangs (provider timeout first)', answer: answer({ status: 200, headers: SSE, pieces: [], delayMs: 600_000 }), reason: /no complete answer within 1500 ms \(timeout\)/, agent: 'quick' },
  { name: 'HTTP 500', answer: httpError(500, 'the model fell over', OPENAI_PATH), reason: /HTTP 500.*the model fell over/ },
  { name: 'HTTP 429 with retry-after', answer: { ...httpError(429, 'slow down', OPENAI_PATH), headers: { 'content-type': 'application/json', 'retry-after': '30' } }, reason: /HTTP 429.*slow down/ },
  { name: 'connection reset mid-body', answer: answer({ status: 200, headers: SSE, pieces: [chunk('Hel')], reset: true }), reason: /dropped mid-answer: .*other side closed/ },
  { name: 'HTTP 500 with an endless body', answer: answer({ status: 500, headers: { 'content-type': 'application/json' }, pieces: ['{"error": {"message": "overloaded"'], forever: { piece: ' '.repeat(4096), everyMs: 0 } }), reason: /HTTP 500.*overloaded/ },
  { name: 'JSON body forever', answer: answer({ status: 200, headers: { 'content-type': 'application/json' }, pieces: ['{"choices": ['], forever: { piece: '{"index": 0},'.repeat(256), everyMs: 0 } }), reason: /Budget exceeded: timeout|answer passed/ },
  { name: 'non-JSON body', answer: answer({ status: 200, headers: { 'content-type': 'application/json' }, pieces: ['<html>502 Bad Gateway</html>'] }), reason: /neither an event stream nor JSON/ },
  { name: 'JSON of the wrong shape', answer: answer({ status: 200, headers: { 'content-type': 'application/json' }, pieces: ['{"result": 42}'] }), reason: /no choices/ },
  { name: 'SSE of junk', answer: answer({ status: 200, headers: SSE, pieces: ['data: {not json at all\n\n'] }), reason: /malformed JSON in the stream/ },
  { name: 'SSE that ends unfinished', answer: answer({ status: 200, headers: SSE, pieces: ['data: {"unexpected": true}\n\n'] }), reason: /ended before the answer was complete/ },
  { name: 'SSE keep-alives forever', answer: answer({ status: 200, headers: SSE, pieces: [chunk('Hel')], forever: { piece: ': keep-alive\n\n', everyMs: 100 } }), reason: /Budget exceeded: timeout/ },
  { name: 'SSE trickling one byte at a time', answer: answer({ status: 200, headers: SSE, pieces: [], forever: { piece: 'd', everyMs: 50 } }), reason: /Budget exceeded: timeout/ },
  { name: 'SSE text deltas forever, full speed', answer: answer({ status: 200, headers: SSE, pieces: [], forever: { piece: chunk('x'.repeat(4096)), everyMs: 0 } }), reason: /Budget exceeded: timeout|stream (line|event) passed|stream passed/ },
  { name: 'SSE one endless line, full speed', answer: answer({ status: 200, headers: SSE, pieces: ['data: '], forever: { piece: 'y'.repeat(65_536), everyMs: 0 } }), reason: /Budget exceeded: timeout|stream (line|event) passed|stream passed/ },
];

let nats: TestServer;
let fake: FakeLlmServer;
let run: TemplateRun;

beforeAll(async () => {
  nats = await startTestServer();
  fake = await startFakeLlmServer();
  run = await runTemplate(nats.connection, 'seed-000-trio', {
    only: ['general_assistant', 'weather_bot'],
    change: (t) => {
      t.spec.llms['faulty'] = { provider: 'openai', model: 'fake-gpt', baseUrl: `${fake.url}/v1` };
      t.spec.llms['quick'] = { provider: 'openai', model: 'fake-gpt', baseUrl: `${fake.url}/v1`, timeoutMs: PROVIDER_TIMEOUT_MS };
      for (const agent of t.spec.agents) {
        agent.llm = agent.name === 'weather_bot' ? 'quick' : 'faulty';
        agent.tools = [];
        agent.budget = { timeoutMs: agent.name === 'weather_bot' ? 20_000 : BUDGET_MS };
      }
    },
  });
}, 60_000);

afterAll(async () => {
  await run?.stop();
  await fake?.close();
  await nats?.stop();
});

describe('a model provider that misbehaves', () => {
  it('gets a failed reply within the budget for each fault, says why, closes the stream, and keeps serving', async () => {
    for (const fault of FAULTS) {
      const agent = fault.agent === 'quick' ? 'weather_bot' : 'general_assistant';
      const limit = fault.agent === 'quick' ? PROVIDER_TIMEOUT_MS : BUDGET_MS;
      const calls = eventsNamed(run, 'llm.call').length;
      fake.enqueue(fault.answer);
      const started = performance.now();
      const failure = await run.user.request(agent, 'hello', { timeoutMs: 30_000 }).then(
        (reply) => new Error(`${fault.name}: answered "${reply.content.slice(0, 100)}"`),
        (error: unknown) => error as Error,
      );
      const ms = performance.now() - started;
      console.log(`[faults] provider ${fault.name}: failed reply in ${Math.round(ms)} ms (limit ${limit} ms): ${failure.message.slice(0, 160)}`);
      expect(failure, fault.name).toBeInstanceOf(AgentRequestError);
      expect((failure as AgentRequestError).code, fault.name).toBe('failed');
      expect(failure.message, fault.name).toMatch(fault.reason);
      expect(ms, fault.name).toBeLessThan(limit + MARGIN_MS);
      // The trace's llm.call says why too.
      const call = eventsNamed(run, 'llm.call').slice(calls).find((c) => c.agent === agent);
      expect(call?.error ?? null, fault.name).toMatch(fault.reason);
      // The provider's answer is no longer being written to anyone: the socket was closed.
      await until(() => fake.inFlight() === 0, `${fault.name}: the provider's answer closed`, 5000);
      // And the agent keeps serving.
      fake.enqueue(openAiTextStream(['Hello ', 'again.']));
      const reply = await run.user.request(agent, 'hello', { timeoutMs: 15_000 });
      expect(reply.content, fault.name).toBe('Hello again.');
    }
    await until(() => fake.inFlight() === 0, 'every answer closed', 5000);
  });
});
