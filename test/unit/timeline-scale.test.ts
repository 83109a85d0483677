/** The timeline's scale: ticks that adapt to the zoom (µs, ms, s), zoom about a point, pan and fit within the run. */
import { describe, expect, it } from 'vitest';
import { fitRange, formatTick, MIN_SPAN_MS, niceStep, panBy, tOf, ticks, xOf, zoomAt } from '../../renderer/src/debugger/timeline-scale';

describe('timeline scale', () => {
  it('picks 1, 2 or 5 × 10ⁿ steps', () => {
    expect(niceStep(10, 10)).toBe(1);
    expect(niceStep(15, 10)).toBe(2);
    expect(niceStep(0.04, 10)).toBeCloseTo(0.005, 12);
    expect(niceStep(70_000, 10)).toBe(10_000);
  });

  it('writes ticks in µs, ms or s as the step calls for', () => {
    expect(formatTick(0.025, 0.005)).toBe('25 µs');
    expect(formatTick(0.0025, 0.0005)).toBe('2.5 µs');
    expect(formatTick(0.25, 0.05)).toBe('0.25 ms');
    expect(formatTick(1250, 50)).toBe('1,250 ms');
    expect(formatTick(12.5, 0.5)).toBe('12.5 ms');
    expect(formatTick(12_000, 2000)).toBe('12 s');
    expect(formatTick(1500, 500)).toBe('1,500 ms');
  });

  it('puts ticks on multiples of the step from the run start, about every 110 px', () => {
    const { step, ticks: marks } = ticks({ from: 1000.3, to: 1001.3 }, 1100, 1000);
    expect(step).toBeCloseTo(0.1, 12);
    expect(marks[0]!.t).toBeCloseTo(1000.3, 9);
    expect(marks[0]!.label).toBe('0.3 ms');
    expect(marks).toHaveLength(11);
  });

  it('zooms about the time under the pointer, no narrower than 2 µs, no wider than the run', () => {
    const range = { from: 0, to: 100 };
    const zoomed = zoomAt(range, 25, 0.5, { from: 0, to: 100 });
    expect(zoomed).toEqual({ from: 12.5, to: 62.5 });
    expect(xOf(25, zoomed, 1000)).toBeCloseTo(xOf(25, range, 1000), 9);
    expect(tOf(250, range, 1000)).toBe(25);
    const tiny = zoomAt(range, 50, 1e-9, null);
    expect(tiny.to - tiny.from).toBeCloseTo(MIN_SPAN_MS, 12);
    const wide = zoomAt(range, 50, 100, { from: 0, to: 100 });
    expect(wide.to - wide.from).toBeCloseTo(110, 9);
  });

  it('pans within the run and half a view past its ends, and fits the run with a margin', () => {
    expect(panBy({ from: 0, to: 10 }, 5, { from: 0, to: 100 })).toEqual({ from: 5, to: 15 });
    expect(panBy({ from: 0, to: 10 }, -50, { from: 0, to: 100 })).toEqual({ from: -5, to: 5 });
    expect(panBy({ from: 90, to: 100 }, 50, { from: 0, to: 100 })).toEqual({ from: 95, to: 105 });
    expect(fitRange({ from: 100, to: 200 })).toEqual({ from: 97, to: 203 });
  });
});
