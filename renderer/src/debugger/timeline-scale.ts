/**
 * The timeline's time scale, pure: a visible range (epoch ms) mapped onto pixels, ticks that adapt
 * to the zoom (µs, ms, s), zooming about a point and panning within the run's bounds. DOM-free
 * (unit-tested).
 */

/** A visible time range in epoch ms (`from` < `to`). */
export interface TimeRange {
  from: number;
  to: number;
}

/** The narrowest range one can zoom to: 2 µs. */
export const MIN_SPAN_MS = 0.002;

/** One tick of the axis: where (epoch ms) and what it says. */
export interface Tick {
  t: number;
  label: string;
}

/** A step of 1, 2 or 5 × 10ⁿ ms that cuts `span` into about `count` pieces. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

/** The unit a tick step is written in: µs for steps under 10 µs, ms below a second, else s. */
function unitOf(step: number): { name: string; ms: number } {
  if (step < 0.01) return { name: 'µs', ms: 0.001 };
  if (step < 1000) return { name: 'ms', ms: 1 };
  return { name: 's', ms: 1000 };
}

/** `ms` (since the run's start) in the unit `step` calls for, with as many decimals as the step needs. */
export function formatTick(ms: number, step: number): string {
  const unit = unitOf(step);
  const decimals = Math.max(0, -Math.floor(Math.log10(step / unit.ms) + 1e-9));
  const value = ms / unit.ms || 0; // never "-0"
  return `${value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })} ${unit.name}`;
}

/** Ticks over `range` about every `spacing` px of `width`, labelled as offsets from `origin` (the run's start). */
export function ticks(range: TimeRange, width: number, origin: number, spacing = 110): { step: number; ticks: Tick[] } {
  const span = range.to - range.from;
  if (!(span > 0) || width <= 0) return { step: 0, ticks: [] };
  const step = niceStep(span, width / spacing);
  const out: Tick[] = [];
  // Counted from the origin, so a tick stays on its time while panning.
  const first = Math.ceil((range.from - origin) / step);
  for (let k = first; origin + k * step <= range.to && out.length < 1000; k++) out.push({ t: origin + k * step, label: formatTick(k * step, step) });
  return { step, ticks: out };
}

/** The x (px) of time `t` in a plot `width` px wide showing `range`. */
export const xOf = (t: number, range: TimeRange, width: number): number => ((t - range.from) / (range.to - range.from)) * width;

/** The time at x (px). */
export const tOf = (x: number, range: TimeRange, width: number): number => range.from + (x / width) * (range.to - range.from);

/** `range` zoomed by `factor` (< 1 in, > 1 out) about time `at`, no narrower than {@link MIN_SPAN_MS}. */
export function zoomAt(range: TimeRange, at: number, factor: number, bounds: TimeRange | null): TimeRange {
  const span = range.to - range.from;
  let next = Math.max(MIN_SPAN_MS, span * factor);
  const widest = bounds ? Math.max(MIN_SPAN_MS, (bounds.to - bounds.from) * 1.1) : Infinity;
  if (next > widest) next = widest;
  const left = (at - range.from) / span;
  return clampTo({ from: at - left * next, to: at - left * next + next }, bounds);
}

/** `range` moved by `dt` ms, kept within the run's bounds (with a margin). */
export const panBy = (range: TimeRange, dt: number, bounds: TimeRange | null): TimeRange => clampTo({ from: range.from + dt, to: range.to + dt }, bounds);

/** The whole run with a little margin on both sides. */
export function fitRange(bounds: TimeRange): TimeRange {
  const span = Math.max(MIN_SPAN_MS * 10, bounds.to - bounds.from);
  const pad = span * 0.03;
  return { from: bounds.from - pad, to: bounds.from + span + pad };
}

/** Keeps a range's span, shifted to lie within the bounds' margin when it can. */
function clampTo(range: TimeRange, bounds: TimeRange | null): TimeRange {
  if (!bounds) return range;
  const span = range.to - range.from;
  const margin = Math.max(span * 0.5, MIN_SPAN_MS);
  const lo = bounds.from - margin;
  const hi = bounds.to + margin;
  if (span >= hi - lo) return range;
  if (range.from < lo) return { from: lo, to: lo + span };
  if (range.to > hi) return { from: hi - span, to: hi };
  return range;
}
