// The server panel's pure rules: which counters survive a status event, how log lines merge.
import { describe, expect, it } from 'vitest';
import type { LogLine, ServerStatus } from '../../preload/contract.js';
import { appendLogs, applyStatus } from '../../renderer/src/server/server-model.js';

const stats = { connections: 2, totalConnections: 5, subscriptions: 10, inMsgs: 1, outMsgs: 1, inBytes: 1, outBytes: 1, slowConsumers: 0, memBytes: 1, cpuPercent: 0 };
const status = (over: Partial<ServerStatus>): ServerStatus => ({
  mode: 'embedded',
  state: 'running',
  version: '2.9.10',
  clientUrl: 'nats://127.0.0.1:4222',
  monitorUrl: 'http://127.0.0.1:8222',
  pid: 100,
  readyAt: '2026-01-01T00:00:00.000Z',
  restarts: 0,
  lastError: null,
  stats: null,
  ...over,
});
const line = (seq: number): LogLine => ({ seq, time: '2026-01-01T00:00:00.000Z', source: 'stderr', text: `line ${seq}` });

describe('applyStatus', () => {
  it('keeps the last counters when an event without counters reports the same running server', () => {
    expect(applyStatus(status({ stats }), status({ stats: null })).stats).toEqual(stats);
  });
  it('drops counters when the server went down', () => {
    expect(applyStatus(status({ stats }), status({ state: 'restarting', pid: null })).stats).toBeNull();
  });
  it('drops counters of a previous process after a restart', () => {
    expect(applyStatus(status({ stats }), status({ pid: 101 })).stats).toBeNull();
  });
  it('takes fresh counters when the new status has them', () => {
    const fresh = { ...stats, inMsgs: 99 };
    expect(applyStatus(status({ stats }), status({ stats: fresh })).stats).toEqual(fresh);
  });
});

describe('appendLogs', () => {
  it('appends only lines newer than the last one held', () => {
    expect(appendLogs([line(1), line(2)], [line(2), line(3)]).map((l) => l.seq)).toEqual([1, 2, 3]);
  });
  it('keeps the newest lines up to the capacity', () => {
    expect(appendLogs([line(1), line(2)], [line(3), line(4)], 3).map((l) => l.seq)).toEqual([2, 3, 4]);
  });
  it('returns the same array when nothing is new (no re-render)', () => {
    const held = [line(1)];
    expect(appendLogs(held, [line(1)])).toBe(held);
  });
});
