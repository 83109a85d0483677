// `switchboard replay` as a user runs it, on the seed-000 trio recorded with `switchboard run
// --trace` (embedded nats-server): the replay follows the record (exit 0, the same reply, no model
// asked), a fork of the coordinator's first decision changes who is asked and the answer, a replay
// of an edited topology stops at the divergence and says where, and bad input gets a short error.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { echoMcpTopology } from '../helpers/mcp-echo-topology.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

const trio = path.resolve('templates/seed-000-trio.yaml');
const QUESTION = "What's the weather in Paris?";
const ANSWER = 'Weather-Bot: It is 18°C and partly cloudy in Paris.';
let tmp: string;
let recorded: string;

type Line = { seq: number; kind: string; name?: string; agent?: string; subject?: string; payload?: Record<string, unknown>; parsed?: { ok: boolean; message?: { from_agent: string; to_agent: string | null; content: string; message_type: string } } };
const readTrace = (file: string) => {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  return { header: JSON.parse(header!) as Record<string, unknown>, records: lines.map((l) => JSON.parse(l) as Line) };
};
const events = (records: Line[], name: string) => records.filter((r) => r.kind === 'event' && r.name === name);
const requests = (records: Line[], to: string) =>
  records.filter((r) => r.kind === 'message' && r.parsed?.message?.message_type === 'request' && r.parsed.message.to_agent === to).map((r) => r.parsed!.message!.content);

beforeAll(async () => {
  tmp = await makeTempDir('replay-cli');
  recorded = path.join(tmp, 'recorded.ndjson');
  const out = await runCli(['run', trio, '--quiet', '--trace', recorded, '--input', QUESTION, '--to', 'task_coordinator']);
  expect(out.code).toBe(0);
  expect(out.stdout).toBe(`${ANSWER}\n`);
}, 60_000);
afterAll(async () => {
  await removeTempDir(tmp);
});

describe('switchboard replay', () => {
  it('follows the record to its end: exit 0, the same reply, every model answer and outside tool result from the record', async () => {
    const out = path.join(tmp, 'replay.ndjson');
    const replay = await runCli(['replay', recorded, '--quiet', '--trace', out]);
    expect(replay.stderr).toBe('the replay followed the record to its end.\n');
    expect(replay.code).toBe(0);
    expect(replay.stdout).toBe(`${ANSWER}\n`);
    const original = readTrace(recorded);
    const { header, records } = readTrace(out);
    expect(header).toMatchObject({ replayOf: original.header['run'], topology: original.header['topology'] });
    expect(header['fork']).toBeUndefined();
    // Every decision came from the record (provider replay), the same ones in the same order.
    const calls = events(records, 'llm.call');
    expect(calls.map((c) => c.payload!['provider'])).toEqual(['replay', 'replay', 'replay', 'replay']);
    expect(calls.map((c) => [c.agent, c.payload!['response']])).toEqual(events(original.records, 'llm.call').map((c) => [c.agent, c.payload!['response']]));
    // The bus really carried the coordinator's request to the specialist (a bus tool runs for real).
    expect(requests(records, 'weather_bot')).toEqual([QUESTION]);
    // The weather tool (a scripted backend: outside) answered from the record.
    expect(events(records, 'tool.result').find((r) => r.payload!['tool'] === 'get_current_weather')?.payload).toMatchObject({ result: 'It is 18°C and partly cloudy in Paris.', durationMs: 0 });
    expect(events(records, 'replay.diverged')).toEqual([]);
    // {{peers}} lists the other agents, not the client that sent the request (it is not someone to delegate to).
    const system = String((calls[0]!.payload!['request'] as { system: string }).system);
    expect(system).toMatch(/- weather_bot: Weather information specialist/);
    expect(system).not.toMatch(/switchboard_cli|switchboard_app/);
  }, 60_000);

  it('forks the coordinator’s first decision: the given decision, then the topology’s own providers answer', async () => {
    const decision = path.join(tmp, 'decision.json');
    writeFileSync(decision, JSON.stringify({ text: '', toolCalls: [{ id: 'call_1_0', name: 'request_agent', arguments: { agent: 'general_assistant', content: 'Tell me about Paris.' } }] }));
    const out = path.join(tmp, 'fork.ndjson');
    const fork = await runCli(['replay', recorded, '--quiet', '--trace', out, '--fork', 'task_coordinator:1', '--decision', decision]);
    expect(fork.stderr).toBe('the fork ran to its end.\n');
    expect(fork.code).toBe(0);
    expect(fork.stdout).not.toContain('Weather-Bot');
    expect(fork.stdout.trim().length).toBeGreaterThan(0);
    const { header, records } = readTrace(out);
    expect(header).toMatchObject({ replayOf: readTrace(recorded).header['run'], fork: { agent: 'task_coordinator', turn: 1 } });
    expect(events(records, 'replay.forked').map((r) => r.payload)).toEqual([expect.objectContaining({ agent: 'task_coordinator', turn: 1 })]);
    // The specialist the edited decision names is asked; the one the record asked is not.
    expect(requests(records, 'general_assistant')).toEqual(['Tell me about Paris.']);
    expect(requests(records, 'weather_bot')).toEqual([]);
    // After the fork the scripted provider answers (the coordinator's second decision is not the record's).
    expect(events(records, 'llm.call').map((c) => `${c.agent}:${String(c.payload!['provider'])}`)).toEqual(['task_coordinator:replay', 'general_assistant:scripted', 'task_coordinator:scripted']);
  }, 60_000);

  it('stops at the first divergence when the topology was edited, and says where (exit 6)', async () => {
    const { header, records } = readTrace(recorded);
    const topology = String(header['topology']).replace('You are {{agent_name}}, a coordinator.', 'You are {{agent_name}}, a careful coordinator.');
    expect(topology).not.toBe(header['topology']);
    const edited = path.join(tmp, 'edited.ndjson');
    writeFileSync(edited, [JSON.stringify({ ...header, topology }), ...records.map((r) => JSON.stringify(r))].join('\n') + '\n');
    const out = await runCli(['replay', edited, '--quiet']);
    expect(out.code).toBe(6);
    expect(out.stderr).toMatch(/^switchboard replay: diverged: task_coordinator, decision 1: the record holds the system prompt at character \d+: ".*a coordinator.*"; the replay asked ".*a careful coordinator.*"\.\n$/);
  }, 60_000);

  it('replays a run recorded on another day: a prompt’s {{date}} is the recorded day, not today', async () => {
    const dated = path.join(tmp, 'dated.yaml');
    writeFileSync(dated, readFileSync(trio, 'utf8').replace('You are {{agent_name}}, a coordinator.', 'You are {{agent_name}}, a coordinator. Today is {{date}}.'));
    const live = path.join(tmp, 'dated.ndjson');
    expect((await runCli(['run', dated, '--quiet', '--trace', live, '--input', QUESTION, '--to', 'task_coordinator'])).code).toBe(0);
    // Move the recording to 2020-01-02: its header and the day its prompts were built with.
    const { header, records } = readTrace(live);
    const today = String(header['startedAt']).slice(0, 10);
    const moved = path.join(tmp, 'dated-2020.ndjson');
    const text = [JSON.stringify({ ...header, startedAt: `2020-01-02${String(header['startedAt']).slice(10)}` }), ...records.map((r) => JSON.stringify(r))].join('\n');
    expect(text).toContain(`Today is ${today}.`);
    writeFileSync(moved, `${text.replaceAll(`Today is ${today}.`, 'Today is 2020-01-02.')}\n`);
    const out = await runCli(['replay', moved, '--quiet']);
    expect(out.stderr).toBe('the replay followed the record to its end.\n');
    expect(out.code).toBe(0);
  }, 60_000);

  it('starts no MCP server in a replay: its tools are offered and answered from the record', async () => {
    const mcpTopology = (command: string) => echoMcpTopology({ command });
    const file = path.join(tmp, 'mcp.yaml');
    writeFileSync(file, mcpTopology(process.execPath));
    const mcpTrace = path.join(tmp, 'mcp.ndjson');
    const live = await runCli(['run', file, '--quiet', '--trace', mcpTrace, '--input', 'say hi', '--to', 'helper']);
    expect(live.code).toBe(0);
    expect(live.stdout).toBe('MCP said: hi\n');
    // The recorded topology now names a server command that does not exist: a replay that started it would fail.
    const { header, records } = readTrace(mcpTrace);
    const gone = path.join(tmp, 'mcp-gone.ndjson');
    writeFileSync(gone, [JSON.stringify({ ...header, topology: mcpTopology(path.join(tmp, 'no-such-node')) }), ...records.map((r) => JSON.stringify(r))].join('\n') + '\n');
    const out = path.join(tmp, 'mcp-replay.ndjson');
    const replayed = await runCli(['replay', gone, '--quiet', '--trace', out]);
    expect(replayed.stderr).toBe('the replay followed the record to its end.\n');
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toBe('MCP said: hi\n');
    expect(events(readTrace(out).records, 'tool.result').map((r) => r.payload)).toEqual([expect.objectContaining({ tool: 'echo__echo', result: 'hi', durationMs: 0 })]);
  }, 60_000);

  it('refuses bad input with one short error each', async () => {
    const noTopology = path.join(tmp, 'no-topology.ndjson');
    const { header, records } = readTrace(recorded);
    writeFileSync(noTopology, [JSON.stringify({ ...header, topology: null }), ...records.map((r) => JSON.stringify(r))].join('\n') + '\n');
    const decision = path.join(tmp, 'decision-ok.json');
    writeFileSync(decision, JSON.stringify({ text: 'hi', toolCalls: [] }));
    const badDecision = path.join(tmp, 'decision-bad.json');
    writeFileSync(badDecision, JSON.stringify({ text: 'hi', tool_calls: [] }));
    const cases: [string[], number, RegExp][] = [
      [['replay'], 2, /give exactly one trace file/],
      [['replay', path.join(tmp, 'missing.ndjson')], 2, /cannot read .*missing\.ndjson: no such file/],
      [['replay', trio], 2, /not a Switchboard trace/],
      [['replay', noTopology], 2, /its header holds no topology/],
      [['replay', recorded, '--fork', 'task_coordinator'], 2, /--fork and --decision go together/],
      [['replay', recorded, '--fork', 'task_coordinator:0', '--decision', decision], 2, /--fork: "task_coordinator:0" is not AGENT:TURN/],
      [['replay', recorded, '--fork', 'task_coordinator:1', '--decision', path.join(tmp, 'nope.json')], 2, /--decision: cannot read .*nope\.json: no such file/],
      [['replay', recorded, '--fork', 'task_coordinator:1', '--decision', badDecision], 2, /--decision: .* is not a decision/],
      [['replay', recorded, '--fork', 'nobody:1', '--decision', decision], 2, /no agent named nobody/],
      [['replay', recorded, '--fork', 'general_assistant:1', '--decision', decision], 2, /holds no model calls of general_assistant/],
      [['replay', recorded, '--fork', 'weather_bot:3', '--decision', decision], 2, /weather_bot made 2 decision\(s\).*no decision 3/],
    ];
    for (const [args, code, message] of cases) {
      const out = await runCli(args);
      expect({ args, code: out.code }).toEqual({ args, code });
      expect(out.stderr.split('\n')[0]).toMatch(message);
      expect(out.stdout).toBe('');
    }
  }, 60_000);

  it('explains itself with --help', async () => {
    const out = await runCli(['replay', '--help']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/Usage: switchboard replay TRACE\.ndjson/);
    expect(out.stdout).toMatch(/--fork AGENT:TURN/);
    // The same unit as run's --timeout: seconds.
    expect(out.stdout).toMatch(/--timeout SECONDS/);
    expect((await runCli(['run', '--help'])).stdout).toMatch(/--timeout SECONDS/);
  });
});
