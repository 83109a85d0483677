// The sequence view's geometry (lanes, rows on screen, arrows, activation bars, the keys) and its
// position pages (fetched on demand, the least recently used dropped, stale answers ignored).
import { describe, expect, it } from 'vitest';
import type { RowFacts } from '../../agents/trace/row-facts.js';
import type { TraceRecord } from '../../agents/trace/record.js';
import {
  activationBars,
  arrowGeometry,
  GUTTER,
  LANE_MIN_WIDTH,
  laneNames,
  layoutLanes,
  moveRow,
  ROW_HEIGHT,
  rowShape,
  scrollToRow,
  visibleRows,
  withRowAgents,
  type SequenceRow,
} from '../../renderer/src/trace/sequence-layout.js';
import { SequencePages, type PositionPage } from '../../renderer/src/trace/sequence-pages.js';
import { positionFetcher, type QueryCall } from '../../renderer/src/trace/sequence-source.js';
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

describe('sequence rows on screen', () => {
  it('covers the viewport plus the overscan, clamped to the rows there are', () => {
    expect(visibleRows(0, 300, 10_000, 5)).toEqual({ first: 0, last: 15 });
    expect(visibleRows(100 * ROW_HEIGHT + 7, 300, 10_000, 5)).toEqual({ first: 95, last: 116 });
    expect(visibleRows(9_990 * ROW_HEIGHT, 900, 10_000, 5)).toEqual({ first: 9_985, last: 10_000 });
    expect(visibleRows(0, 300, 0)).toEqual({ first: 0, last: 0 });
    // Scrolled past the end (the rows shrank under a new filter): the last rows, not an empty range.
    expect(visibleRows(50_000, 300, 10, 2)).toEqual({ first: 7, last: 10 });
  });

  it('scrolls a row into view only as far as needed', () => {
    const viewport = 10 * ROW_HEIGHT;
    expect(scrollToRow(3, 0, viewport)).toBe(0); // already in view
    expect(scrollToRow(2, 5 * ROW_HEIGHT, viewport)).toBe(2 * ROW_HEIGHT); // above: aligned to the top
    expect(scrollToRow(20, 0, viewport)).toBe(11 * ROW_HEIGHT); // below: aligned to the bottom
  });

  it('moves the selection as the table does: a row, a page, the ends, clamped', () => {
    expect(moveRow(5, 100, 'ArrowDown', 10, 0, 9)).toBe(6);
    expect(moveRow(0, 100, 'ArrowUp', 10, 0, 9)).toBe(0);
    expect(moveRow(5, 100, 'PageDown', 10, 0, 9)).toBe(15);
    expect(moveRow(95, 100, 'PageDown', 10, 0, 9)).toBe(99);
    expect(moveRow(50, 100, 'Home', 10, 0, 9)).toBe(0);
    expect(moveRow(50, 100, 'End', 10, 0, 9)).toBe(99);
    // Nothing selected: down starts at the top of the view, up at its bottom.
    expect(moveRow(-1, 100, 'ArrowDown', 10, 40, 49)).toBe(40);
    expect(moveRow(-1, 100, 'ArrowUp', 10, 40, 49)).toBe(49);
    expect(moveRow(3, 100, 'a', 10, 0, 9)).toBeNull();
    expect(moveRow(-1, 0, 'ArrowDown', 10, 0, 9)).toBeNull();
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
    const y = 60 + ROW_HEIGHT - 8;
    expect(right.path).toBe(`M100,${y} H391`);
    expect(right.head).toBe(`399,${y} 391,${y - 4} 391,${y + 4}`);
    expect([right.labelX, right.labelY, right.anchor]).toEqual([250, y - 5, 'middle']);
    const left = arrowGeometry(400, 100, 0);
    expect(left.path).toBe(`M400,${ROW_HEIGHT - 8} H109`);
    expect(left.head.startsWith(`101,${ROW_HEIGHT - 8} `)).toBe(true);
  });

  it('loops out to the right and back when an agent messages itself', () => {
    const loop = arrowGeometry(200, 200, 0);
    expect(loop.path).toBe(`M200,8 H228 V${ROW_HEIGHT - 8} H206`);
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

/** A run of `n` matching records served by position, counting the calls. */
function positions(n: number) {
  const calls: number[] = [];
  const answers: { offset: number; resolve: () => void }[] = [];
  const fetch = (offset: number, limit: number, hold = false): Promise<PositionPage> => {
    calls.push(offset);
    const page = { records: Array.from({ length: Math.max(0, Math.min(limit, n - offset)) }, (_, i) => agentMessage(offset + i + 1, {})), total: n };
    if (!hold) return Promise.resolve(page);
    return new Promise((resolve) => answers.push({ offset, resolve: () => resolve(page) }));
  };
  return { calls, answers, fetch };
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('sequence position pages', () => {
  it('fetches only the pages the rows on screen fall in, once, and knows the total after the first', async () => {
    const run = positions(1_000);
    const pages = new SequencePages(run.fetch, { pageSize: 100 });
    pages.ensure(150, 260);
    pages.ensure(150, 260); // on their way: not asked again
    await settle();
    expect(run.calls).toEqual([100, 200]);
    expect(pages.total).toBe(1_000);
    expect(pages.row(150)?.record.seq).toBe(151);
    expect(pages.row(50)).toBeUndefined();
    expect(pages.indexOf(260)).toBe(259);
    expect(pages.indexOf(5)).toBe(-1);
    pages.ensure(990, 1_200); // past the end: only the last page
    await settle();
    expect(run.calls).toEqual([100, 200, 900]);
  });

  it('keeps at most maxPages, dropping the least recently used', async () => {
    const run = positions(10_000);
    const pages = new SequencePages(run.fetch, { pageSize: 100, maxPages: 3 });
    for (const first of [0, 100, 200]) pages.ensure(first, first + 1);
    await settle();
    pages.ensure(0, 1); // page 0 used again: page 1 is now the oldest
    pages.ensure(300, 301);
    await settle();
    expect(pages.row(0)).toBeDefined();
    expect(pages.row(100)).toBeUndefined();
    expect(pages.row(250)).toBeDefined();
    expect(pages.row(300)).toBeDefined();
  });

  it('ignores answers to a reset’s older pages, and tells its listeners of every change', async () => {
    const run = positions(500);
    const pages = new SequencePages((offset, limit) => run.fetch(offset, limit, true), { pageSize: 100 });
    let changes = 0;
    pages.subscribe(() => changes++);
    pages.ensure(0, 10);
    pages.reset();
    run.answers[0]!.resolve();
    await settle();
    expect(pages.row(0)).toBeUndefined();
    expect(pages.total).toBeNull();
    pages.ensure(0, 10);
    run.answers[1]!.resolve();
    await settle();
    expect(pages.row(0)?.record.seq).toBe(1);
    expect(changes).toBe(2); // the reset, the page
  });

  it('keeps a failed page’s error and asks again on the next ensure', async () => {
    let fail = true;
    const pages = new SequencePages(async (offset) => {
      if (fail) throw new Error('host gone');
      return { records: [agentMessage(offset + 1, {})], total: 1 };
    });
    pages.ensure(0, 1);
    await settle();
    expect(pages.error).toBe('host gone');
    fail = false;
    pages.ensure(0, 1);
    await settle();
    expect(pages.error).toBeNull();
    expect(pages.row(0)).toBeDefined();
  });
});

describe('sequence page source', () => {
  it('pages by position with the filter, each record with its facts', async () => {
    const asked: unknown[] = [];
    const query: QueryCall = async (q) => {
      asked.push(q);
      return { records: [agentMessage(7, {})], facts: [facts(7, { from: 'a' })], hasMore: true, total: 42 };
    };
    const page = await positionFetcher(query, { subject: 'agents.>', infrastructure: 'hide' })(20, 10);
    expect(asked).toEqual([{ subject: 'agents.>', infrastructure: 'hide', offset: 20, limit: 10 }]);
    expect(page.total).toBe(42);
    const pages = new SequencePages(async () => page, { pageSize: 10 });
    pages.ensure(0, 1);
    await settle();
    expect(pages.row(0)?.facts?.from).toBe('a');
  });

  it('reads a free-text filter forward from the last seq, the next page waiting for the one before', async () => {
    const asked: unknown[] = [];
    const query: QueryCall = async (q) => {
      asked.push(q);
      const after = q.after ?? 0;
      const records = after >= 30 ? [] : [agentMessage(after + 5, {}), agentMessage(after + 10, {})];
      return { records, hasMore: after + 10 < 30, total: null };
    };
    const fetch = positionFetcher(query, { text: 'paris' });
    const [first, second] = await Promise.all([fetch(0, 2), fetch(2, 2)]);
    expect(asked).toEqual([
      { text: 'paris', after: 0, limit: 2 },
      { text: 'paris', after: 10, limit: 2 },
    ]);
    expect(first.records.map((r) => r.seq)).toEqual([5, 10]);
    expect(second.records.map((r) => r.seq)).toEqual([15, 20]);
    // The total grows one page past what is read while the host has more.
    expect(second.total).toBe(6);
    await expect(fetch(10, 2)).rejects.toThrow(/reads forward/);
  });
});
