// Issue 13's replay scenario, black-box through the CLI: a run recorded against a model that answers
// differently every time (a random OpenAI-compatible server on 127.0.0.1) replays offline with that
// model stopped into the same conversation; a second live run differs and `trace diff` shows where;
// a fork at the coordinator's first decision changes what the specialists are asked and nothing
// before it; a replay against a changed topology stops at the divergence. Then the answers a random
// model gives and a scripted one never does, each of which must end in a clear failure, not a crash.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TraceHeaderSchema, TraceRecordSchema, type EventRecordOf, type TraceHeader, type TraceRecord } from '../../agents/trace/record.js';
import type { LlmRequest, OodaDecision } from '../../agents/protocol/llm.js';
import { OpenAiProvider } from '../../agents/llm/openai.js';
import { TraceComparisonSchema, type TraceComparison } from '../../agents/trace/diff-schema.js';
import { runCli, type CliOutcome } from '../helpers/cli.js';
import { startFakeLlmServer } from '../helpers/fake-llm-server.js';
import { startRandomOpenAi, type ChatRequest, type OddAnswers, type RandomOpenAi, type RandomOpenAiOptions } from '../helpers/random-openai.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

const FIXTURE = path.resolve('test/fixtures/replay-trio.yaml');
const FIXTURE_URL = 'http://127.0.0.1:1/v1';
const KEY = 'sk-random-0123456789';
const INPUT = "What's the weather in Paris?";
const COORDINATOR = 'task_coordinator';
const SPECIALISTS = ['weather_bot', 'general_assistant'];
/** With the key: what a live run needs. */
const liveEnv = { ...process.env, RANDOM_OPENAI_KEY: KEY };
/** Without it: a replay needs no key. */
const offlineEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'RANDOM_OPENAI_KEY'));

/** How many decisions an agent made so far in this conversation. */
const turnsSoFar = (request: ChatRequest) => (request.messages ?? []).filter((m) => m.role === 'assistant').length;

/**
 * The random model of the scenario: every agent calls a tool at its first decision (so the
 * coordinator always delegates, to a real specialist), maybe once more at its second, never at a
 * later one, so each run stays within the fixture's budget of four turns.
 */
const startModel = (extra: RandomOpenAiOptions = {}): Promise<RandomOpenAi> =>
  startRandomOpenAi({
    apiKey: KEY,
    toolCallChance: (request) => [1, 0.3][turnsSoFar(request)] ?? 0,
    choices: { request_agent: { agent: SPECIALISTS, timeout_ms: [undefined] } },
    ...extra,
  });

interface TraceFile {
  header: TraceHeader;
  records: TraceRecord[];
}

async function readTrace(file: string): Promise<TraceFile> {
  const [head, ...lines] = (await readFile(file, 'utf8')).trim().split('\n');
  return {
    header: TraceHeaderSchema.parse(JSON.parse(head ?? '')),
    records: lines.map((line) => TraceRecordSchema.parse(JSON.parse(line))),
  };
}

const events = <N extends 'llm.call' | 'message.received' | 'tool.result' | 'run.completed' | 'replay.forked' | 'replay.diverged'>(trace: TraceFile, name: N) =>
  trace.records.filter((r): r is EventRecordOf<N> => r.kind === 'event' && r.name === name);

/** What each agent was asked (the content of every message it received), by agent. */
const asked = (trace: TraceFile, agent: string) => events(trace, 'message.received').filter((r) => r.payload.agent === agent).map((r) => r.payload.message.content);

/** Each agent's model answers in order: what a replay must reproduce. */
const answers = (trace: TraceFile) =>
  events(trace, 'llm.call').map((r) => ({ agent: r.payload.agent, text: r.payload.response?.text ?? null, toolCalls: r.payload.response?.toolCalls ?? null, error: r.payload.error }));

/** The coordinator's first delegation (its first decision's first call, a request_agent by the model's set-up). */
function firstCall(trace: TraceFile): Record<string, unknown> {
  const call = events(trace, 'llm.call').find((r) => r.payload.agent === COORDINATOR)?.payload.response?.toolCalls[0];
  expect(call?.name).toBe('request_agent');
  return call?.arguments ?? {};
}
/** The coordinator's first decision's delegations: who it asked what. */
const firstDecision = (trace: TraceFile) =>
  (events(trace, 'llm.call').find((r) => r.payload.agent === COORDINATOR)?.payload.response?.toolCalls ?? []).map((c) => ({ agent: String(c.arguments['agent']), content: String(c.arguments['content']) }));
const firstDelegation = (trace: TraceFile) => String(firstCall(trace)['content']);
const firstDelegate = (trace: TraceFile) => String(firstCall(trace)['agent']);

/** `switchboard trace diff --json A B`: its exit code and the comparison it printed. */
async function diffJson(a: string, b: string): Promise<{ code: number | null; comparison: TraceComparison }> {
  const out = await runCli(['trace', 'diff', a, b, '--json']);
  expect(out.stderr).toBe('');
  return { code: out.code, comparison: TraceComparisonSchema.parse(JSON.parse(out.stdout)) };
}

const output = (out: CliOutcome) => `${out.stdout}\n${out.stderr}`;

/** `text` shows `value`, as it is or JSON-escaped (the random words hold quotes and backslashes). */
const shows = (text: string, value: string) => text.includes(value) || text.includes(JSON.stringify(value).slice(1, -1));

let tmp: string;
let topology: string;
let port: number;
let model: RandomOpenAi | null = null;

beforeAll(async () => {
  tmp = await makeTempDir('replay-scenario');
});
afterEach(async () => {
  await model?.stop();
  model = null;
});
afterAll(async () => {
  await removeTempDir(tmp);
});

/** Starts the random model (on `port` once it has one, where the topology points) and writes the topology for it. */
async function startScenarioModel(extra: Parameters<typeof startModel>[0] = {}): Promise<RandomOpenAi> {
  model = await startModel({ ...(port !== undefined && { port }), ...extra });
  if (port === undefined) {
    port = model.port;
    topology = path.join(tmp, 'replay-trio.yaml');
    await writeFile(topology, (await readFile(FIXTURE, 'utf8')).replace(FIXTURE_URL, model.baseUrl));
  }
  return model;
}

/** `switchboard run` of the scenario's request against the running model, recorded to `file`. */
async function recordLive(file: string): Promise<CliOutcome> {
  const out = await runCli(['run', topology, '--quiet', '--input', INPUT, '--to', COORDINATOR, '--trace', file], { env: liveEnv, timeoutMs: 60_000 });
  expect(out.code, out.stderr).toBe(0);
  return out;
}

describe('the random model', () => {
  const WEATHER = { name: 'get_current_weather', description: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { enum: ['C', 'F'] }, days: { type: 'integer', minimum: 1, maximum: 7 } }, required: ['city'] } };
  const request = (tools: LlmRequest['tools'] = []): LlmRequest => ({ model: 'random-gpt', system: 'Be random.', messages: [{ role: 'user', content: 'Say something.' }], tools });
  const ask = async (server: RandomOpenAi, times: number, tools: LlmRequest['tools'] = []) => {
    const provider = new OpenAiProvider({ baseUrl: server.baseUrl, apiKey: KEY });
    const out = [];
    for (let i = 0; i < times; i++) out.push(await provider.complete(request(tools)));
    return out;
  };

  it('answers differently every time, with usage, and counts its calls', async () => {
    const server = (model = await startModel());
    const replies = await ask(server, 5);
    expect(new Set(replies.map((r) => r.text)).size).toBe(5);
    for (const reply of replies) expect(reply).toMatchObject({ toolCalls: [], model: 'random-gpt', usage: { inputTokens: expect.any(Number), outputTokens: expect.any(Number) } });
    expect(server.calls()).toBe(5);
  });

  it('with a seed, answers the same requests the same way', async () => {
    const first = await ask((model = await startModel({ seed: 42 })), 4, [WEATHER]);
    await model.stop();
    const second = await ask((model = await startModel({ seed: 42 })), 4, [WEATHER]);
    expect(second).toEqual(first);
  });

  it("calls only the tools offered, with arguments that fit their schema, and refuses a wrong key", async () => {
    const server = (model = await startModel({ toolCallChance: () => 1 }));
    const calls = (await ask(server, 20, [WEATHER])).flatMap((r) => r.toolCalls);
    expect(calls.length).toBeGreaterThanOrEqual(20);
    for (const call of calls) {
      expect(call.name).toBe('get_current_weather');
      expect(call.arguments).toMatchObject({ city: expect.any(String) });
      if ('unit' in call.arguments) expect(['C', 'F']).toContain(call.arguments['unit']);
      if ('days' in call.arguments) expect(call.arguments['days']).toSatisfy((d: unknown) => Number.isInteger(d) && Number(d) >= 1 && Number(d) <= 7);
    }
    await expect(new OpenAiProvider({ baseUrl: server.baseUrl, apiKey: 'wrong' }).complete(request())).rejects.toMatchObject({ code: 'http', status: 401 });
  });
});

describe('replay scenario: a run recorded against a model that answers differently every time', () => {
  const A = () => path.join(tmp, 'A.ndjson');
  let recorded: TraceFile;
  let callsA: number;

  beforeAll(async () => {
    // Seeded, so a failure can be reproduced; each run below gets its own seed, so its answers differ.
    const live = await startScenarioModel({ seed: 13 });
    await recordLive(A());
    callsA = live.calls();
    await live.stop();
    model = null;
    recorded = await readTrace(A());
  });

  it('recorded a conversation in which the coordinator delegated to a specialist, with the key sent', () => {
    expect(callsA).toBeGreaterThanOrEqual(3); // the coordinator twice, a specialist at least once
    expect(answers(recorded)).toHaveLength(callsA);
    expect(SPECIALISTS.some((agent) => asked(recorded, agent).includes(firstDelegation(recorded)))).toBe(true);
  });

  it('replays offline, with the model stopped and no key, into the same model answers; trace diff calls the two the same', async () => {
    // The model is gone; a tripwire on its port counts any call a replay would make.
    const tripwire = await startFakeLlmServer({ port });
    try {
      const R = path.join(tmp, 'R.ndjson');
      const out = await runCli(['replay', A(), '--trace', R], { env: offlineEnv, timeoutMs: 60_000 });
      expect(out.code, output(out)).toBe(0);
      expect(tripwire.requests).toHaveLength(0);
      const replayed = await readTrace(R);
      expect(answers(replayed)).toEqual(answers(recorded));
      for (const agent of [COORDINATOR, ...SPECIALISTS]) expect(asked(replayed, agent)).toEqual(asked(recorded, agent));

      const diff = await runCli(['trace', 'diff', A(), R]);
      expect(diff.code, output(diff)).toBe(0);
      expect(diff.stdout).toMatch(/same/i);
    } finally {
      await tripwire.close();
    }
  });

  it('a second live run differs, and trace diff exits 1 showing the first divergence with both records and a summary', async () => {
    await startScenarioModel({ seed: 14 });
    const B = path.join(tmp, 'B.ndjson');
    await recordLive(B);
    const second = await readTrace(B);
    expect(firstDelegation(second)).not.toBe(firstDelegation(recorded));

    const diff = await runCli(['trace', 'diff', A(), B]);
    expect(diff.code, output(diff)).toBe(1);
    expect(diff.stdout).toMatch(/first divergence/i);
    // Both sides of the first divergence: what the coordinator delegated in each run.
    expect(shows(diff.stdout, firstDelegation(recorded))).toBe(true);
    expect(shows(diff.stdout, firstDelegation(second))).toBe(true);
    expect(diff.stdout).toMatch(/summary|same.*changed|changed.*same/is);
  });

  it("a fork at the coordinator's first decision changes what the specialists are asked, and nothing before it", async () => {
    await startScenarioModel({ seed: 15 }); // after the fork point the topology's own model answers
    // The same specialist as the recorded first delegation, asked something else: the diff pairs the two.
    const specialist = firstDelegate(recorded);
    const question = 'Forked: is it snowing in Reykjavik right now?';
    const decision: OodaDecision = { text: '', toolCalls: [{ id: 'call_fork_1', name: 'request_agent', arguments: { agent: specialist, content: question } }] };
    const D = path.join(tmp, 'D.json');
    await writeFile(D, JSON.stringify(decision));
    const F = path.join(tmp, 'F.ndjson');
    const out = await runCli(['replay', A(), '--fork', `${COORDINATOR}:1`, '--decision', D, '--trace', F], { env: liveEnv, timeoutMs: 60_000 });
    expect(out.code, output(out)).toBe(0);

    const fork = await readTrace(F);
    expect(asked(fork, specialist)[0]).toBe(question);
    expect(asked(recorded, specialist)).not.toContain(question);
    expect(events(fork, 'replay.forked').map((r) => ({ agent: r.payload.agent, turn: r.payload.turn }))).toEqual([{ agent: COORDINATOR, turn: 1 }]);

    const { code, comparison } = await diffJson(A(), F);
    expect(code).toBe(1);
    // The first divergence is the fork point: the recorded delegation against the forked one…
    const first = comparison.rows[comparison.firstDivergence ?? -1];
    expect(first).toMatchObject({ status: 'changed', a: { from: COORDINATOR, to: specialist, content: firstDelegation(recorded) }, b: { from: COORDINATOR, to: specialist, content: question } });
    // …and every message of the record before it (the request from outside) is the same in the fork.
    const before = comparison.rows.filter((row) => row.a && first?.a && row.a.seq < first.a.seq);
    expect(before.map((row) => [row.status, row.a?.to, row.a?.content])).toEqual([['same', COORDINATOR, INPUT]]);
  });

  it("a fork at the coordinator's second decision replays the first decision's delegations from the record, then answers with the fork", async () => {
    // No model at all: before the fork everything replays, and the fork's decision is the last one.
    const answer = 'Forked final answer: sunny everywhere.';
    const D = path.join(tmp, 'D2.json');
    await writeFile(D, JSON.stringify({ text: answer, toolCalls: [] } satisfies OodaDecision));
    const F = path.join(tmp, 'F2.ndjson');
    const out = await runCli(['replay', A(), '--fork', `${COORDINATOR}:2`, '--decision', D, '--trace', F], { env: offlineEnv, timeoutMs: 60_000 });
    expect(out.code, output(out)).toBe(0);

    // The specialists are asked what the coordinator's first decision asked them (replayed), nothing the recorded second one did.
    const fork = await readTrace(F);
    const firstTurn = firstDecision(recorded);
    for (const agent of SPECIALISTS) expect(asked(fork, agent)).toEqual(firstTurn.filter((c) => c.agent === agent).map((c) => c.content));
    const replies = events(fork, 'run.completed').filter((r) => r.payload.agent === COORDINATOR).map((r) => r.payload.reply);
    expect(replies).toEqual([answer]);

    const { code, comparison } = await diffJson(A(), F);
    expect(code).toBe(1);
    // Everything up to the fork point is the same: the request from outside, the first decision's delegations and their answers.
    const first = comparison.rows[comparison.firstDivergence ?? -1];
    const before = comparison.rows.filter((row) => row.a && first?.a && row.a.seq < first.a.seq);
    expect(before.map((row) => row.a?.content)).toEqual(expect.arrayContaining([INPUT, ...firstTurn.map((c) => c.content)]));
    expect(before).toHaveLength(1 + 2 * firstTurn.length);
    // The first divergence is what the coordinator did after its second decision; the fork's answer is its reply.
    expect(first?.a?.from).toBe(COORDINATOR);
    expect(comparison.rows).toContainEqual(expect.objectContaining({ b: expect.objectContaining({ from: COORDINATOR, type: 'response', content: answer }) }));
  });

  it.each([
    ["the coordinator's prompt", (yaml: string) => yaml.replace('a coordinator. Break', 'a grumpy coordinator. Break'), /system prompt/i],
    ["the coordinator's tool list", (yaml: string) => yaml.replace('      tools:\n        - request_agent\n', '      tools:\n        - request_agent\n        - broadcast\n'), /tools/i],
  ] as const)('a replay of the run with %s changed stops at the divergence with a clear message', async (_what, edit, detail) => {
    const edited = edit(recorded.header.topology ?? '');
    expect(edited).not.toBe(recorded.header.topology);
    const file = path.join(tmp, 'edited.ndjson');
    const [, ...lines] = (await readFile(A(), 'utf8')).trim().split('\n');
    await writeFile(file, `${[JSON.stringify({ ...recorded.header, topology: edited }), ...lines].join('\n')}\n`);

    const out = await runCli(['replay', file], { env: offlineEnv, timeoutMs: 60_000 });
    expect(out.code, output(out)).not.toBe(0);
    expect(out.signal).toBeNull();
    expect(output(out)).toMatch(/diverge/i);
    expect(output(out)).toContain(COORDINATOR);
    expect(output(out)).toMatch(detail);
  });
});

describe('what a random model does that a scripted one never did', () => {
  /** Records one run against a model giving only `odd` answers; it must end, with a clear outcome and a readable trace. */
  async function oddRun(odd: Partial<OddAnswers>, name: string, longTextChars?: number, choices?: RandomOpenAiOptions['choices']): Promise<{ out: CliOutcome; trace: TraceFile }> {
    await startScenarioModel({ odd, ...(longTextChars !== undefined && { longTextChars }), ...(choices && { choices }) });
    const file = path.join(tmp, `${name}.ndjson`);
    const out = await runCli(['run', topology, '--quiet', '--input', INPUT, '--to', COORDINATOR, '--trace', file], { env: liveEnv, timeoutMs: 60_000 });
    expect(out.signal).toBeNull();
    expect(out.stderr).not.toMatch(/^\s+at /m); // no stack trace: nothing crashed
    const trace = await readTrace(file);
    await model?.stop();
    model = null;
    // What went wrong replays too, offline: the same failures, the same conversation.
    const again = path.join(tmp, `${name}-replay.ndjson`);
    const replay = await runCli(['replay', file, '--quiet', '--trace', again], { env: offlineEnv, timeoutMs: 60_000 });
    expect(replay.code, output(replay)).toBe(0);
    expect(answers(await readTrace(again))).toEqual(answers(trace));
    expect((await runCli(['trace', 'diff', file, again])).code).toBe(0);
    return { out, trace };
  }

  it('calls of a tool it was not offered come back as tool errors until the budget ends the run with a failed reply', async () => {
    const { out, trace } = await oddRun({ unknownTool: 1 }, 'unknown-tool');
    expect(out.code).toBe(3);
    expect(out.stderr).toMatch(/task_coordinator failed: Budget exceeded: max_turns/);
    const results = events(trace, 'tool.result');
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((r) => r.payload.isError && r.payload.tool.startsWith('no_such_tool_'))).toBe(true);
  });

  it('arguments that break the schema come back as tool errors, not a crash', async () => {
    const { out, trace } = await oddRun({ badArguments: 1 }, 'bad-arguments');
    expect(out.code).toBe(3);
    expect(out.stderr).toMatch(/Budget exceeded: max_turns/);
    const results = events(trace, 'tool.result').filter((r) => r.payload.agent === COORDINATOR);
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((r) => r.payload.isError)).toBe(true);
  });

  it('tool arguments that are not JSON fail the call, recorded, with a failed reply naming it', async () => {
    const { out, trace } = await oddRun({ invalidJson: 1 }, 'invalid-json');
    expect(out.code).toBe(3);
    expect(out.stderr).toMatch(/task_coordinator failed: .*not valid JSON/);
    expect(events(trace, 'llm.call').map((r) => r.payload.error)).toEqual([expect.stringMatching(/request_agent.*not valid JSON/)]);
    expect(events(trace, 'run.completed').map((r) => r.payload.status)).toEqual(['failed']);
  });

  it('an answer with no text and no tool call is an empty reply', async () => {
    const { out, trace } = await oddRun({ emptyText: 1 }, 'empty');
    expect(out.code).toBe(0);
    expect(out.stdout).toBe('\n');
    expect(events(trace, 'run.completed').map((r) => [r.payload.status, r.payload.reply])).toEqual([['completed', '']]);
  });

  it('a long answer (200,000 characters) is the reply, whole', async () => {
    const { out, trace } = await oddRun({ longText: 1 }, 'long', 200_000);
    expect(out.code).toBe(0);
    expect(out.stdout.length).toBeGreaterThan(200_000);
    expect(events(trace, 'run.completed')[0]?.payload.reply).toBe(out.stdout.trimEnd());
  });

  it('an agent asking itself is refused (a tool error the model sees), not a recursion only a timeout ends', async () => {
    const { out, trace } = await oddRun({}, 'self-request', undefined, { request_agent: { agent: [COORDINATOR], timeout_ms: [undefined] } });
    expect(out.stderr).not.toMatch(/did not answer/); // no timeout: the run ended by itself
    const refused = events(trace, 'tool.result').filter((r) => r.payload.tool === 'request_agent');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((r) => r.payload.isError && r.payload.result.includes('cannot ask itself'))).toBe(true);
    // One coordinator run, nothing nested: every model call is one of its turns.
    expect(events(trace, 'llm.call').every((r) => r.payload.agent === COORDINATOR)).toBe(true);
    expect(events(trace, 'run.completed')).toHaveLength(1);
  });

  it('a request_agent timeout_ms that is not a whole number of milliseconds up to ten minutes is a tool error', async () => {
    const { out, trace } = await oddRun({}, 'bad-timeout', undefined, { request_agent: { agent: SPECIALISTS, timeout_ms: [1e12] } });
    const results = events(trace, 'tool.result').filter((r) => r.payload.tool === 'request_agent');
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((r) => r.payload.isError && r.payload.result.includes('"timeout_ms" must be a whole number'))).toBe(true);
    expect(out.stderr).not.toMatch(/TimeoutOverflowWarning/);
  });

  // A reply over NATS' max_payload (1 MB) used to throw in Agent.respond, uncaught: the CLI died with a
  // stack trace and an empty --trace file. Now the asker gets a failed reply that says why.
  it('an answer over the bus limit (2 MB) ends in a failed reply, not a crash', async () => {
    const { out, trace } = await oddRun({ longText: 1 }, 'too-long', 2_000_000);
    expect(out.code).toBe(3);
    expect(out.stderr).toMatch(/max_payload/);
    expect(out.stderr).not.toMatch(/^\s+at /m);
    expect(events(trace, 'run.completed').length).toBeGreaterThan(0);
  });
});
