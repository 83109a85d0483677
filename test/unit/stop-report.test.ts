import { describe, expect, it } from 'vitest';
import { NOTHING_TO_SAY, unflushedLines, type AgentStopReport } from '../../agents/runtime/stop-report.js';

const gone: AgentStopReport = { announced: false, deregistered: false, reachable: false };
const late: AgentStopReport = { announced: false, deregistered: false, reachable: true };
const fine: AgentStopReport = { announced: true, deregistered: true, reachable: true };

describe('unflushedLines', () => {
  it('says nothing when every goodbye reached the bus', () => {
    expect(unflushedLines([fine, fine, NOTHING_TO_SAY])).toEqual([]);
  });

  it('one line per kind of loss, counted, with why', () => {
    expect(unflushedLines([gone, gone, gone, fine])).toEqual([
      'could not tell the bus that 3 agents went offline (no server reachable)',
      'could not mark 3 agents offline in the registry (no server reachable); peers drop them after missed heartbeats',
    ]);
  });

  it('a server that was there but did not confirm is told apart, and agents without a registry entry are not counted there', () => {
    expect(unflushedLines([late, { announced: false, deregistered: null, reachable: false }])).toEqual([
      'could not tell the bus that 2 agents went offline (the server did not confirm it)',
      'could not mark 1 agent offline in the registry (the server did not confirm it); peers drop it after missed heartbeats',
    ]);
  });
});
