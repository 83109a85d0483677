// The sequence view's geometry: lanes, each row's shape, arrows and activation bars. (Which rows are
// on screen, paging and the keys are the table's: trace-viewport.ts and the trace store, tested there.)
import { describe, expect, it } from 'vitest';
import type { RowFacts } from '../../agents/trace/row-facts.js';
import type { TraceRecord } from '../../agents/trace/record.js';
import { activationBars, arrowGeometry, GUTTER, LANE_MIN_WIDTH, laneNames, layoutLanes, rowShape, withRowAgents, type SequenceRow } from '../../renderer/src/trace/sequence-layout.js';
import { ROW_HEIGHT } from '../../renderer/src/trace/trace-viewport.js';
import { eventRecord, messageRecord, sampleMessage } from '../helpers/trace-events.js';

const at = (seq: number, mono = seq * 10) => ({ seq, time: new Date(Date.UTC(2026, 0, 1) + mono).toISOString(), mono });
const facts = (seq: number, fields: Partial<RowFacts> = {}): RowFacts => ({ seq, from: null, to: null, type: null, status: 'ok', error: null, replySeq: null, requestSeq: null, latencyMs: null, ...fields });
/** A message record carrying an AgentMessage. */
const agentMessage = (seq: number, fields: Parameters<typeof sampleMessage>[0], mono?: number): TraceRecord => {
  const message = sampleMessage(fields);
  return messageRecord(at(seq, mono), `agents.${message.message_type}.${message.to_agent ?? 'all'}`, JSON.stringify(message), { parsed: { ok: true, message } });
};
const phase = (seq: number, agent: string, name: 'observe' | 'orient' | 'decide' | 'act', mono: number, durationMs: number): SequenceRow => ({ record: eventRecord(at(seq, mono), 'ooda.phase', agent, { phase: name, durationMs }), facts: null });
const row = (record: TraceRecord, f: Partial<RowFacts> | null = {}): SequenceRow => ({ record, facts: f === null ? null : facts(record.seq, f) });

describe('sequence lanes', () => {
  it('puts the workbench first, then the declared agents in their order, then the others by name', () => {
    expect(laneNames(['zeta', 'weather_bot', 'switchboard_app', 'alpha', 'task_coordinator'], ['task_coordinator', 'weather_bot', 'absent'])).toEqual(['switchboard_app', 'task_coordinator', 'weather_bot', 'alpha', 'zeta']);
    // No workbench lane when the run has no workbench traffic.
    expect(laneNames(['b', 'a'])).toEqual(['a', 'b']);
  });

  it('adds the agents rows name that the list lacks, after it, in the order met', () => {
    const rows = [row(agentMessage(1, { from_agent: 'a', to_agent: 'outsider' })), undefined, row(eventRecord(at(2), 'llm.call', 'late'), null)];
    expect(withRowAgents(['a'], rows)).toEqual(['a', 'outsider', 'late']);
  });

  it('spreads lanes across the width, never narrower than the minimum, and marks undeclared ones external', () => {
    const wide = layoutLanes(['switchboard_app', 'a', 'b'], GUTTER + 900, ['a']);
    expect(wide.laneWidth).toBe(300);
    expect(wide.lanes.map((l) => l.x)).toEqual([GUTTER + 150, GUTTER + 450, GUTTER + 750]);
    expect(wide.lanes.map((l) => l.external)).toEqual([false, false, true]);
    expect(wide.width).toBe(GUTTER + 900);
    const narrow = layoutLanes(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], 600);
    expect(narrow.laneWidth).toBe(LANE_MIN_WIDTH);
    expect(narrow.width).toBe(GUTTER + 8 * LANE_MIN_WIDTH); // wider than the view: it scrolls sideways
    // Without a declared list (a past run) no lane is called external.
    expect(narrow.lanes.some((l) => l.external)).toBe(false);
  });
});

describe('sequence row shapes', () => {
  it('draws a request solid from sender to receiver, and its reply dashed with the latency', () => {
    const request = rowShape(row(agentMessage(1, { from_agent: 'app', to_agent: 'bot', content: 'weather?' }), { from: 'app', to: 'bot', replySeq: 2, latencyMs: 12.5 }));
    expect(request).toMatchObject({ kind: 'arrow', from: 'app', to: 'bot', style: 'request', dashed: false, label: 'weather?', latency: null });
    const reply = rowShape(row(agentMessage(2, { message_type: 'response', from_agent: 'bot', to_agent: 'app', content: 'sunny' }), { from: 'bot', to: 'app', requestSeq: 1, latencyMs: 12.5 }));
    expect(reply).toMatchObject({ kind: 'arrow', from: 'bot', to: 'app', style: 'reply', dashed: true, latency: '12.5 ms' });
    // A reply that is not an AgentMessage is drawn from the facts (its request's ends), dashed.
    const bare = rowShape(row(messageRecord(at(3), '_INBOX_app.x', 'plain text'), { from: 'bot', to: 'app', requestSeq: 1, latencyMs: 3, status: 'failed' }));
    expect(bare).toMatchObject({ kind: 'arrow', style: 'failed', dashed: true, label: 'plain text', latency: '3.00 ms' });
  });

  it('marks handoffs and broadcasts, and leaves a message with no known ends loose', () => {
    expect(rowShape(row(agentMessage(1, { message_type: 'handoff', from_agent: 'a', to_agent: 'b', content: 'yours' }), { from: 'a', to: 'b' }))).toMatchObject({ kind: 'arrow', style: 'handoff', label: 'handoff: yours' });
    expect(rowShape(row(agentMessage(2, { message_type: 'broadcast', from_agent: 'a', to_agent: null, content: 'hello all' }), { from: 'a' }))).toMatchObject({ kind: 'broadcast', from: 'a', label: 'broadcast: hello all', subject: 'agents.broadcast.all' });
    expect(rowShape(row(messageRecord(at(3), '$JS.API.INFO', '{}'), null))).toMatchObject({ kind: 'loose', text: '$JS.API.INFO {}' });
  });

  it('makes LLM and tool calls notes on their agent’s lane, and OODA phases phase rows', () => {
    expect(rowShape(row(eventRecord(at(1), 'llm.call', 'bot', { model: 'gpt', latencyMs: 250 }), null))).toEqual({ kind: 'note', agent: 'bot', tone: 'llm', text: 'LLM gpt · 250.0 ms · 2 tok' });
    expect(rowShape(row(eventRecord(at(2), 'tool.result', 'bot', { tool: 'weather', result: '18°C', durationMs: 4, isError: true }), null))).toMatchObject({ kind: 'note', tone: 'error', text: 'tool weather → 18°C · 4.00 ms' });
    expect(rowShape(phase(3, 'bot', 'decide', 30, 5))).toMatchObject({ kind: 'phase', agent: 'bot', phase: 'decide', text: 'decide · 5.00 ms' });
    expect(rowShape(row(eventRecord(at(4), 'agent.started', 'bot'), facts(4)))).toEqual({ kind: 'mark', agent: 'bot', text: 'agent.started' });
  });
});

describe('sequence arrow geometry', () => {
  it('runs from lane to lane with the head touching the receiver, the label above the middle', () => {
    const right = arrowGeometry(100, 400, 60);
    const y = 60 + ROW_HEIGHT - 6;
    expect(right.path).toBe(`M100,${y} H391`);
    expect(right.head).toBe(`399,${y} 391,${y - 4} 391,${y + 4}`);
    expect([right.labelX, right.labelY, right.anchor]).toEqual([250, y - 4, 'middle']);
    const left = arrowGeometry(400, 100, 0);
    expect(left.path).toBe(`M400,${ROW_HEIGHT - 6} H109`);
    expect(left.head.startsWith(`101,${ROW_HEIGHT - 6} `)).toBe(true);
  });

  it('loops out to the right and back when an agent messages itself', () => {
    const loop = arrowGeometry(200, 200, 0);
    expect(loop.path).toBe(`M200,6 H228 V${ROW_HEIGHT - 6} H206`);
    expect(loop.anchor).toBe('start');
    expect(loop.labelX).toBeGreaterThan(228);
  });
});

describe('sequence activation bars', () => {
  it('reaches back from a phase’s row over the rows inside its duration', () => {
    const rows: (SequenceRow | undefined)[] = [
      row(agentMessage(10, { from_agent: 'app', to_agent: 'bot' }, 100)),
      row(eventRecord(at(11, 105), 'message.received', 'bot'), null),
      phase(12, 'bot', 'observe', 112, 7), // began at 105: rows 11 and 12
      row(eventRecord(at(13, 150), 'llm.call', 'bot'), null),
      phase(14, 'bot', 'decide', 160, 48), // began at 112: rows 12 to 14
    ];
    expect(activationBars(rows, 40)).toEqual([
      { agent: 'bot', phase: 'observe', fromRow: 41, toRow: 42 },
      { agent: 'bot', phase: 'decide', fromRow: 42, toRow: 44 },
    ]);
  });

  it('stops at a row not loaded yet', () => {
    const rows = [row(agentMessage(1, {}, 0)), undefined, row(agentMessage(3, {}, 20)), phase(4, 'a', 'act', 30, 1_000)];
    expect(activationBars(rows)).toEqual([{ agent: 'a', phase: 'act', fromRow: 2, toRow: 3 }]);
  });
});
