// How the trace shows a gap (the recorder lost the bus and came back): the table's cells and mark,
// the run panel's line, the detail pane's fields, the row's status (an error), and the sequence
// view (a row across every lane, and no lane for the recorder).
import { describe, expect, it } from 'vitest';
import { RECORDER_AGENT } from '../../agents/protocol/runtime-events.js';
import { isFailureEvent } from '../../agents/trace/record-flags.js';
import { rowFacts } from '../../agents/trace/row-facts.js';
import { describeRecord } from '../../renderer/src/run/run-model.js';
import { eventFields } from '../../renderer/src/trace/record-fields.js';
import { laneNames, rowShape, withRowAgents } from '../../renderer/src/trace/sequence-layout.js';
import { gapText, isGapEvent, rowCells } from '../../renderer/src/trace/trace-format.js';
import { eventRecord } from '../helpers/trace-events.js';

const at = (seq: number) => ({ seq, time: '2026-01-01T00:00:00.000Z', mono: seq });
const lost = eventRecord(at(1), 'bus.disconnected', RECORDER_AGENT, { server: 'nats://127.0.0.1:4222', reason: 'the server closed the connection' });
const back = eventRecord(at(2), 'bus.reconnected', RECORDER_AGENT, { server: 'nats://127.0.0.1:4222', gapMs: 312 });
const other = eventRecord(at(3), 'llm.call', 'bot');

describe('gap rows', () => {
  it('say in the table where the trace stops and starts again, and are marked', () => {
    expect(rowCells(lost)).toEqual({ fromTo: RECORDER_AGENT, subject: 'gap: bus lost (the server closed the connection), nats://127.0.0.1:4222: not recorded from here', type: 'bus.disconnected', size: '' });
    expect(rowCells(back).subject).toBe('gap: 312.0 ms not recorded, back on nats://127.0.0.1:4222');
    expect([lost, back, other].map(isGapEvent)).toEqual([true, true, false]);
    expect(gapText(other)).toBe('');
    expect(describeRecord(back)).toEqual({ who: RECORDER_AGENT, what: 'bus.reconnected', detail: 'gap: 312.0 ms not recorded, back on nats://127.0.0.1:4222' });
  });

  it('count the gap’s start as an error, with its reason, and say what is missing in the detail', () => {
    expect([lost, back].map(isFailureEvent)).toEqual([true, false]);
    expect(rowFacts(lost, { waitedMs: 0, ended: true })).toMatchObject({ status: 'failed', error: 'the server closed the connection' });
    expect(eventFields(lost)).toContainEqual(['gap', 'messages routed from here until the connection is back are not in this trace']);
    expect(eventFields(back)).toContainEqual(['gap', '312 ms not recorded']);
  });

  it('span every lane of the sequence view, which has no lane for the recorder', () => {
    expect(rowShape({ record: lost, facts: null })).toEqual({ kind: 'loose', text: gapText(lost) });
    expect(laneNames(['bot', RECORDER_AGENT])).toEqual(['bot']);
    expect(withRowAgents(['bot'], [{ record: lost, facts: null }])).toEqual(['bot']);
  });
});
