// The live canvas's pure rules: which line a record travelled on (requests, their replies,
// reporting back, broadcasts, subscribe patterns, tool calls), designed-vs-observed findings as
// canvas overlays (counts, unused lines, undeclared lines from an "outside" node, unanswered
// requests), and each agent's state from the run's events.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AgentMessage } from '../../agents/protocol/agent-message.js';
import { loadTopology } from '../../agents/topology/load.js';
import type { Topology } from '../../agents/topology/schema.js';
import { toDesignCheck, type DesignCheck } from '../../agents/trace/design-check.js';
import { designedVsObserved } from '../../agents/trace/designed-vs-observed.js';
import type { TraceRecord } from '../../agents/trace/record.js';
import type { RunStatus } from '../../preload/contract.js';
import { listConnections } from '../../renderer/src/design/model/connections.js';
import { listNodes } from '../../renderer/src/design/model/node-kinds.js';
import { agentStates, EMPTY_TALLY, tallyRecords } from '../../renderer/src/live/agent-states.js';
import { canvasOverlays, OUTSIDE_NODE } from '../../renderer/src/live/overlays.js';
import { edgeLookup, edgesOfRecord, undeclaredLineOfRecord, undeclaredLookup } from '../../renderer/src/live/record-edges.js';
import { eventRecord, messageRecord, sampleMessage } from '../helpers/trace-events.js';

const trio = loadTopology(readFileSync('templates/seed-000-trio.yaml', 'utf8')).topology!;

/** The trio with more kinds of line: a direct edge, a broadcast, a subscribe pattern. */
const wide: Topology = {
  ...trio,
  spec: {
    ...trio.spec,
    edges: [
      ...trio.spec.edges,
      { from: 'weather_bot', to: 'general_assistant', kind: 'direct' },
      { from: 'general_assistant', to: 'weather_bot', kind: 'broadcast' },
      { from: 'weather_bot', to: 'general_assistant', kind: 'subscribe', subject: 'metrics.>' },
    ],
  },
};

let seq = 0;
const base = () => ({ seq: ++seq, time: '2026-01-01T00:00:00.000Z', mono: seq });
const message = (subject: string, fields: Partial<AgentMessage>, reply: string | null = null): TraceRecord => {
  const m = sampleMessage({ message_id: `m${seq + 1}`, ...fields });
  return messageRecord(base(), subject, JSON.stringify(m), { reply, parsed: { ok: true, message: m } });
};
const raw = (subject: string, reply: string | null = null): TraceRecord => messageRecord(base(), subject, 'x', { reply });

describe('the line a record travelled on', () => {
  const lookup = edgeLookup(wide);
  const lines = (record: TraceRecord) => [...edgesOfRecord(lookup, record)];

  it('finds a request on its request line, and its reply on the same line', () => {
    expect(lines(message('agents.request.weather_bot', { message_type: 'request', from_agent: 'task_coordinator', to_agent: 'weather_bot' }, '_INBOX_task_coordinator.a.1'))).toEqual(['request:task_coordinator->weather_bot']);
    expect(lines(message('_INBOX_task_coordinator.a.1', { message_type: 'response', from_agent: 'weather_bot', to_agent: 'task_coordinator' }))).toEqual(['request:task_coordinator->weather_bot']);
    // seed 001-style: a request that is not an AgentMessage, named by its subject and inbox.
    expect(lines(raw('agents.request.general_assistant', '_INBOX_task_coordinator.b.1'))).toEqual(['request:task_coordinator->general_assistant']);
  });

  it('finds direct messages both ways, broadcasts, subscribe patterns and tool calls', () => {
    expect(lines(message('agents.direct.general_assistant', { message_type: 'direct', from_agent: 'weather_bot', to_agent: 'general_assistant' }))).toEqual(['direct:weather_bot->general_assistant']);
    // The receiver reporting back travels the same line.
    expect(lines(message('agents.direct.weather_bot', { message_type: 'direct', from_agent: 'general_assistant', to_agent: 'weather_bot' }))).toEqual(['direct:weather_bot->general_assistant']);
    expect(lines(message('agents.all', { message_type: 'broadcast', from_agent: 'general_assistant', to_agent: null }))).toEqual(['broadcast:general_assistant->weather_bot']);
    expect(lines(raw('metrics.cpu.load'))).toEqual(['subscribe:weather_bot->general_assistant']);
    expect(lines(eventRecord(base(), 'tool.invoked', 'weather_bot', { tool: 'get_current_weather' }))).toEqual(['tool:weather_bot->get_current_weather']);
  });

  it('finds no line for traffic no edge declares, presence or other events', () => {
    expect(lines(message('agents.request.task_coordinator', { message_type: 'request', from_agent: 'weather_bot', to_agent: 'task_coordinator' }, '_INBOX_weather_bot.c.1'))).toEqual([]);
    expect(lines(message('agents.all', { message_type: 'heartbeat', from_agent: 'weather_bot', to_agent: null }))).toEqual([]);
    expect(lines(raw('orders.created'))).toEqual([]);
    expect(lines(eventRecord(base(), 'llm.call', 'weather_bot'))).toEqual([]);
  });
});

describe('designed vs observed on the canvas', () => {
  const names = new Set(listNodes(trio).map((n) => n.name));
  const overlaysOf = (records: TraceRecord[], topology: Topology = trio): ReturnType<typeof canvasOverlays> => {
    const check: DesignCheck = toDesignCheck('run-1', designedVsObserved(topology, records), records.length, records.length);
    return canvasOverlays(check, topology, listConnections(topology), names);
  };

  it('counts each line, dims the unused one, and draws undeclared traffic from outside as a dashed line to its agent', () => {
    const o = overlaysOf([
      message('agents.request.weather_bot', { message_type: 'request', from_agent: 'task_coordinator', to_agent: 'weather_bot' }, '_INBOX_task_coordinator.a.1'),
      message('_INBOX_task_coordinator.a.1', { message_type: 'response', from_agent: 'weather_bot', to_agent: 'task_coordinator' }),
      raw('agents.direct.weather_bot'),
      raw('agents.direct.weather_bot'),
      raw('orders.created'),
      // Service discovery (the Agents on the bus panel's listing) is plumbing, not traffic.
      raw('$SRV.PING.agents', '_INBOX.x.1'),
      raw('$SRV.INFO'),
    ]);
    expect(o.lines['request:task_coordinator->weather_bot']).toEqual({ count: 1, unused: false, noResponder: 0 });
    expect(o.lines['request:task_coordinator->general_assistant']).toEqual({ count: 0, unused: true, noResponder: 0 });
    expect(o.undeclared.map((l) => [l.source, l.target, l.count, l.labels])).toEqual([
      [OUTSIDE_NODE, 'weather_bot', 2, ['agents.direct.weather_bot']],
      [OUTSIDE_NODE, 'live:subject:orders.created', 1, ['orders.created']],
    ]);
    expect(o.nodes.map((n) => [n.id, n.kind])).toEqual([
      [OUTSIDE_NODE, 'outside'],
      ['live:subject:orders.created', 'subject'],
    ]);
    expect(o.findings.map((f) => [f.kind, f.count, f.line])).toEqual([
      ['unused-edge', null, 'request:task_coordinator->general_assistant'],
      ['undeclared-subject', 2, `undeclared:${OUTSIDE_NODE}->weather_bot`],
      ['undeclared-subject', 1, `undeclared:${OUTSIDE_NODE}->live:subject:orders.created`],
    ]);
    expect(o.findings[1]!.filter).toEqual({ subject: 'agents.direct.weather_bot' });
  });

  it('reads a Synadia prompt to a declared external agent as a request on its line; its heartbeats are designed, an undeclared agent’s not', () => {
    const reviewer = { name: 'code_reviewer', description: '', capabilities: [], answers: true, synadia: { agent: 'claude-code', owner: 'acme', name: 'reviewer' } };
    const withReviewer: Topology = { ...trio, spec: { ...trio.spec, externalAgents: [reviewer], edges: [...trio.spec.edges, { from: 'task_coordinator', to: 'code_reviewer', kind: 'request' }] } };
    const prompt = raw('agents.prompt.claude-code.acme.reviewer', '_INBOX_task_coordinator.p.1');
    expect([...edgesOfRecord(edgeLookup(withReviewer), prompt)]).toEqual(['request:task_coordinator->code_reviewer']);
    const o = overlaysOf([raw('agents.hb.claude-code.acme.reviewer'), raw('agents.hb.wx.acme.weather'), prompt], withReviewer);
    expect(o.lines['request:task_coordinator->code_reviewer']).toMatchObject({ count: 1, unused: false });
    expect(o.undeclared.map((l) => l.labels)).toEqual([['agents.hb.wx.acme.weather']]);
    // From an agent no request edge lets ask it: an undeclared flow, as for any request.
    const stray = overlaysOf([raw('agents.prompt.claude-code.acme.reviewer', '_INBOX_weather_bot.p.2')], withReviewer);
    expect(stray.findings.find((f) => f.kind === 'undeclared-flow')?.text).toBe('request weather_bot → code_reviewer: no request edge declares it');
  });

  it('merges an undeclared flow and its subject into one line between the two agents', () => {
    const o = overlaysOf([message('agents.request.task_coordinator', { message_type: 'request', from_agent: 'weather_bot', to_agent: 'task_coordinator' }, '_INBOX_weather_bot.c.1')]);
    expect(o.undeclared.map((l) => [l.id, l.count, l.labels])).toEqual([['undeclared:weather_bot->task_coordinator', 1, ['request', 'agents.request.task_coordinator']]]);
    expect(o.nodes).toEqual([]);
    expect(o.findings.find((f) => f.kind === 'undeclared-flow')).toMatchObject({ text: 'request weather_bot → task_coordinator: no request edge declares it', filter: { subject: 'agents.request.task_coordinator', agent: 'weather_bot' } });
  });

  it('flags requests nobody answered on their line, or on the agent asked when no line carries them', () => {
    const o = overlaysOf([
      message('agents.request.weather_bot', { message_type: 'request', from_agent: 'task_coordinator', to_agent: 'weather_bot' }, '_INBOX_task_coordinator.a.1'),
      message('agents.request.general_assistant', { message_type: 'request', from_agent: 'switchboard_app', to_agent: 'general_assistant' }, '_INBOX_switchboard_app.a.2'),
    ]);
    expect(o.lines['request:task_coordinator->weather_bot']!.noResponder).toBe(1);
    expect(o.flaggedNodes).toEqual({ general_assistant: 1 });
    expect(o.findings.filter((f) => f.kind === 'no-responder').map((f) => f.text)).toEqual([
      'request switchboard_app → general_assistant: no reply (general_assistant never appeared on the bus)',
      'request task_coordinator → weather_bot: no reply (weather_bot never appeared on the bus)',
    ]);
  });

  it('finds the dashed line of each record the host found undeclared, as the overlays draw it', () => {
    const records = [
      raw('agents.direct.weather_bot'),
      raw('orders.created'),
      message('agents.request.task_coordinator', { message_type: 'request', from_agent: 'weather_bot', to_agent: 'task_coordinator' }, '_INBOX_weather_bot.c.1'),
      message('agents.request.weather_bot', { message_type: 'request', from_agent: 'task_coordinator', to_agent: 'weather_bot' }, '_INBOX_task_coordinator.a.1'),
    ];
    const check = toDesignCheck('run-1', designedVsObserved(trio, records), records.length, records.length);
    const drawn = canvasOverlays(check, trio, listConnections(trio), names).undeclared.map((l) => l.id);
    const found = records.map((r) => undeclaredLineOfRecord(edgeLookup(trio), undeclaredLookup(check), r));
    expect(found).toEqual([`undeclared:${OUTSIDE_NODE}->weather_bot`, `undeclared:${OUTSIDE_NODE}->live:subject:orders.created`, 'undeclared:weather_bot->task_coordinator', null]);
    expect(new Set(drawn)).toEqual(new Set(found.filter((id) => id !== null)));
  });

  it('draws nothing for a run recorded without its topology', () => {
    const check = toDesignCheck('run-1', null, 5, 5);
    expect(canvasOverlays(check, trio, listConnections(trio), names)).toEqual({ lines: {}, undeclared: [], nodes: [], flaggedNodes: {}, findings: [] });
  });
});

describe('agent states', () => {
  const running: RunStatus = { state: 'running', runId: 'r', topology: 'seed-000-trio', agents: ['task_coordinator', 'weather_bot', 'general_assistant'].map((name) => ({ name, instances: 1 })), startedAt: null, error: null };

  it('is busy inside a run, failed after a failed run, paused at a breakpoint, idle otherwise', () => {
    let tally = tallyRecords(EMPTY_TALLY, [eventRecord(base(), 'run.started', 'task_coordinator'), eventRecord(base(), 'run.started', 'weather_bot'), eventRecord(base(), 'llm.call', 'weather_bot')]);
    expect(agentStates(tally, running, [])).toEqual({ task_coordinator: 'busy', weather_bot: 'busy', general_assistant: 'idle' });
    tally = tallyRecords(tally, [eventRecord(base(), 'run.completed', 'weather_bot', { status: 'failed', error: 'boom' })]);
    expect(agentStates(tally, running, [{ agent: 'task_coordinator', runId: 'x', turn: 1, phase: 'decide', payload: null, pausedAt: '2026-01-01T00:00:00.000Z', reason: 'breakpoint', detail: null }])).toEqual({ task_coordinator: 'paused', weather_bot: 'failed', general_assistant: 'idle' });
    tally = tallyRecords(tally, [eventRecord(base(), 'run.started', 'weather_bot'), eventRecord(base(), 'run.completed', 'weather_bot')]);
    expect(agentStates(tally, running, []).weather_bot).toBe('idle');
    // Nothing runs: no states (the canvas draws them offline).
    expect(agentStates(tally, { ...running, state: 'idle' }, [])).toEqual({});
  });

  it('keeps the same tally when a batch has no run events', () => {
    const tally = tallyRecords(EMPTY_TALLY, [eventRecord(base(), 'run.started', 'weather_bot')]);
    expect(tallyRecords(tally, [raw('orders.created')])).toBe(tally);
  });
});
