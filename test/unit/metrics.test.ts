// The pure parts of the metrics: time buckets of round widths, nearest-rank percentiles per
// bucket, error kinds, and the renderer's chart data (NATS rates from counter samples, ranges).
import { describe, expect, it } from 'vitest';
import { bucketOf, bucketPercentiles, bucketPlan, errorKind, MetricsInputSchema, p50p95 } from '../../agents/trace/metrics.js';
import { FLAG_FAILED, FLAG_INVALID, FLAG_NO_RESPONDERS, FLAG_TIMED_OUT, FLAG_TRUNCATED } from '../../agents/trace/record-flags.js';
import type { ServerStats } from '../../preload/contract.js';
import { addSample, bucketLabel, bucketRange, latencyLabel, MAX_SAMPLES, natsCharts, spanRange, type NatsSample } from '../../renderer/src/metrics/chart-data.js';

describe('bucketPlan', () => {
  it('picks the smallest round width that fits, with starts aligned to it', () => {
    const from = Date.UTC(2026, 0, 1, 12, 0, 0, 300);
    expect(bucketPlan(from, from + 9_999, 10)).toEqual({ startMs: from - 300, bucketMs: 2000, count: 6 });
    expect(bucketPlan(from, from + 9_999, 60)).toEqual({ startMs: from - 100, bucketMs: 200, count: 51 });
    // One instant: one bucket of 1 ms.
    expect(bucketPlan(from, from, 60)).toEqual({ startMs: from, bucketMs: 1, count: 1 });
    // A day in 24 buckets: hours.
    expect(bucketPlan(Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1, 23, 59), 24).bucketMs).toBe(3_600_000);
  });

  it('never makes more buckets than asked, and every time in the range has one', () => {
    for (const [span, buckets] of [[1, 1], [999, 7], [61_000, 60], [3_599_999, 5], [400 * 86_400_000, 3]] as const) {
      const from = Date.UTC(2026, 2, 3, 4, 5, 6, 789);
      const plan = bucketPlan(from, from + span, buckets);
      expect(plan.count).toBeLessThanOrEqual(buckets);
      expect(bucketOf(plan, from)).toBe(0);
      expect(bucketOf(plan, from + span)).toBe(plan.count - 1);
      expect(plan.startMs % plan.bucketMs).toBe(0);
    }
  });

  it('refuses fewer than one bucket (the width search would never end)', () => {
    for (const buckets of [0, -1, Number.NaN, undefined as unknown as number]) expect(() => bucketPlan(0, 1000, buckets)).toThrow(/at least 1/);
  });
});

describe('percentiles', () => {
  it('are nearest-rank: p50 of 1..10 is 5, p95 is 10; nulls without values', () => {
    expect(p50p95([10, 9, 8, 7, 6, 5, 4, 3, 2, 1])).toEqual({ p50Ms: 5, p95Ms: 10 });
    expect(p50p95([42])).toEqual({ p50Ms: 42, p95Ms: 42 });
    expect(p50p95([])).toEqual({ p50Ms: null, p95Ms: null });
    // 100 values 1..100: p95 is the 95th.
    expect(p50p95(Array.from({ length: 100 }, (_, i) => 100 - i))).toEqual({ p50Ms: 50, p95Ms: 95 });
  });

  it('per bucket: each bucket its own values, null where it has none', () => {
    expect(bucketPercentiles(3, [0, 2, 0, 0], [30, 7, 10, 20])).toEqual({ p50Ms: [20, null, 7], p95Ms: [30, null, 7] });
  });
});

describe('errorKind', () => {
  it('names a failure event by its event, a message by its first flag', () => {
    expect(errorKind(true, 'handler.failed', FLAG_FAILED)).toBe('handler_failed');
    expect(errorKind(true, 'tool.result', FLAG_FAILED)).toBe('tool_error');
    expect(errorKind(true, 'something.new', FLAG_FAILED)).toBe('other');
    expect(errorKind(false, null, FLAG_TIMED_OUT | FLAG_FAILED)).toBe('timed_out');
    expect(errorKind(false, null, FLAG_NO_RESPONDERS)).toBe('no_responders');
    expect(errorKind(false, null, FLAG_FAILED | FLAG_INVALID)).toBe('failed_reply');
    expect(errorKind(false, null, FLAG_INVALID | FLAG_TRUNCATED)).toBe('invalid');
    expect(errorKind(false, null, FLAG_TRUNCATED)).toBe('truncated');
  });
});

describe('the metrics input', () => {
  it('normalizes times, defaults buckets, and refuses bad ranges with a clear error', () => {
    expect(MetricsInputSchema.parse({ runId: 'r', from: '2026-01-01T12:00:00Z' })).toEqual({ runId: 'r', from: '2026-01-01T12:00:00.000Z', buckets: 60 });
    expect(() => MetricsInputSchema.parse({ runId: 'r', buckets: 0 })).toThrow();
    expect(() => MetricsInputSchema.parse({ runId: 'r', from: 'yesterday' })).toThrow(/not a date-time/);
    expect(() => MetricsInputSchema.parse({ runId: 'r', from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' })).toThrow(/must not be after/);
  });
});

const stats = (over: Partial<ServerStats>): ServerStats => ({ connections: 3, totalConnections: 3, subscriptions: 20, inMsgs: 0, outMsgs: 0, inBytes: 0, outBytes: 0, slowConsumers: 0, memBytes: 0, cpuPercent: 0, ...over });

describe('NATS chart data', () => {
  it('turns counters into rates a second; a counter that drops (a restart) has no rate', () => {
    const samples: NatsSample[] = [
      { t: 10_000, stats: stats({ inMsgs: 100, outMsgs: 50, inBytes: 1000 }) },
      { t: 12_000, stats: stats({ inMsgs: 300, outMsgs: 50, inBytes: 5000, connections: 4 }) },
      { t: 13_000, stats: stats({ inMsgs: 10, outMsgs: 60, inBytes: 100, slowConsumers: 1 }) },
    ];
    const charts = natsCharts(samples);
    expect(charts.messages).toEqual([[10, 12, 13], [null, 100, null], [null, 0, 10]]);
    expect(charts.bytes[1]).toEqual([null, 2000, null]);
    expect(charts.clients).toEqual([[10, 12, 13], [3, 4, 3], [20, 20, 20]]);
    expect(charts.slow).toEqual([[10, 12, 13], [0, 0, 1]]);
    expect(charts.memory[1]).toEqual([0, 0, 0]);
  });

  it('keeps one sample per half second, at most ten minutes of them', () => {
    let samples: NatsSample[] = [];
    samples = addSample(samples, { t: 1000, stats: stats({}) });
    samples = addSample(samples, { t: 1200, stats: stats({}) });
    expect(samples.length).toBe(1);
    for (let t = 2000; samples.length < MAX_SAMPLES; t += 1000) samples = addSample(samples, { t, stats: stats({}) });
    samples = addSample(samples, { t: 10_000_000, stats: stats({}) });
    expect(samples.length).toBe(MAX_SAMPLES);
    expect(samples[0]!.t).toBe(2000);
  });
});

describe('ranges and labels', () => {
  it('a clicked bucket is its whole width, a drag its span in whole ms, either way round', () => {
    expect(bucketRange(Date.UTC(2026, 0, 1, 12) / 1000, 500)).toEqual({ from: '2026-01-01T12:00:00.000Z', to: '2026-01-01T12:00:00.499Z' });
    const a = Date.UTC(2026, 0, 1, 12) / 1000;
    expect(spanRange(a + 2.0004, a + 1.2346)).toEqual({ from: '2026-01-01T12:00:01.234Z', to: '2026-01-01T12:00:02.001Z' });
  });

  it('writes latencies and bucket widths short', () => {
    expect([latencyLabel(0.42), latencyLabel(12.3), latencyLabel(1250), latencyLabel(14_200), latencyLabel(90_000)]).toEqual(['0.4 ms', '12 ms', '1.25 s', '14.2 s', '1.5 min']);
    expect([bucketLabel(50), bucketLabel(5000), bucketLabel(120_000), bucketLabel(7_200_000)]).toEqual(['50 ms', '5 s', '2 min', '2 h']);
  });
});
