/**
 * One time chart drawn with uPlot in the app's dark theme: lines or bars (optionally stacked),
 * UTC time axis, a legend with the values under the cursor (shared by every chart of the view),
 * and the two ways to pick a time range: drag across the chart, or click a bucket.
 */
import { useEffect, useLayoutEffect, useRef } from 'react';
import uPlot, { type AlignedData, type Options, type Series } from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartData } from './chart-data';
import { spanRange } from './chart-data';

/** One series of a chart. */
export interface SeriesSpec {
  label: string;
  color: string;
  /** `line` (default), `bars` (counts per bucket) or `step`. */
  kind?: 'line' | 'bars' | 'step';
  /** For sparse lines (latencies): join values across empty buckets and mark each value. */
  sparse?: boolean;
}

/** A chart's props. */
export interface ChartProps {
  title: string;
  data: ChartData;
  series: SeriesSpec[];
  height: number;
  /** Y values as text (axis and legend). */
  format?: (value: number) => string;
  /** Whole numbers only on the y axis (counts). */
  integer?: boolean;
  /** Bars of all series stacked (each drawn over the sum of those before it). */
  stacked?: boolean;
  /** The range a click picks around x (seconds): a bucket, or the gap to the previous sample. */
  clickRange?: (x: number, index: number) => { from: string; to: string } | null;
  onRange?: (from: string, to: string) => void;
  testId?: string;
}

const AXIS = { stroke: '#8a93a3', grid: { stroke: '#232833', width: 1 }, ticks: { stroke: '#272d38', width: 1 }, font: '11px system-ui, sans-serif' };
const SYNC_KEY = 'metrics';
/** Tick steps of a count axis: no 0.5 of a message. */
const INTEGER_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7];

/** Running sums of the series, for stacked bars: series i is drawn at the sum of series 0…i. */
function stack(data: ChartData): AlignedData {
  const [x, ...ys] = data;
  const sums: number[][] = [];
  ys.forEach((ys_, i) => sums.push(ys_.map((v, k) => (v ?? 0) + (i > 0 ? sums[i - 1]![k]! : 0))));
  // Drawn tallest first so that each lower sum shows in front of it.
  return [x, ...sums.reverse()];
}

function seriesOf(spec: SeriesSpec, format: (v: number) => string, raw: () => ChartData, rawIndex: number): Series {
  const bars = spec.kind === 'bars';
  return {
    label: spec.label,
    stroke: spec.color,
    width: bars ? 0 : 1.5,
    fill: bars ? `${spec.color}cc` : `${spec.color}1a`,
    spanGaps: spec.sparse === true,
    points: spec.sparse ? { show: true, size: 4, fill: spec.color } : { show: false },
    ...(bars ? { paths: uPlot.paths.bars!({ size: [0.85, 48], align: 1 }) } : spec.kind === 'step' ? { paths: uPlot.paths.stepped!({ align: 1 }) } : {}),
    value: (_u, _v, _s, idx) => {
      const v = idx === null ? null : raw()[rawIndex]?.[idx];
      return v === null || v === undefined ? '–' : format(v);
    },
  };
}

/** A tick of the time axis, UTC: `12:04:05`, with milliseconds when ticks are closer than a second. */
function clock(seconds: number, increment: number): string {
  const iso = new Date(Math.round(seconds * 1000)).toISOString();
  return increment < 1 ? iso.slice(17, 23) : iso.slice(11, 19);
}

/** Width of the y axis: its longest label (11 px font) and the ticks. */
function axisWidth(values: string[] | null): number {
  const longest = values?.reduce((n, v) => Math.max(n, v.length), 0) ?? 3;
  return Math.max(32, Math.ceil(longest * 7.2) + 18);
}

/** The largest value of any series (tests and tooltips read it from the figure). */
function peak(data: ChartData): number {
  let max = 0;
  for (const ys of data.slice(1) as (number | null)[][]) for (const v of ys) if (v !== null && v > max) max = v;
  return max;
}

/** A uPlot chart that keeps its plot across data updates and fits its container's width. */
export function UplotChart({ title, data, series, height, format = (v) => String(v), integer = false, stacked = false, clickRange, onRange, testId }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef({ data, clickRange, onRange, format });
  useLayoutEffect(() => {
    latest.current = { data, clickRange, onRange, format };
  });
  const shape = `${series.map((s) => `${s.label}:${s.kind ?? ''}:${s.sparse ?? ''}`).join('|')}|${stacked}|${height}|${integer}`;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const raw = () => latest.current.data;
    const fmt = (v: number) => latest.current.format(v);
    const specs = stacked ? [...series].reverse() : series;
    const rawIndex = (i: number) => (stacked ? series.length - i : i + 1);
    let dragged = false;
    const options: Options = {
      width: Math.max(120, el.clientWidth),
      height,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      legend: { show: true, live: true },
      cursor: { sync: { key: SYNC_KEY }, drag: { x: true, y: false, setScale: false }, points: { size: 5 } },
      select: { show: true, left: 0, top: 0, width: 0, height: 0 },
      scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min ?? 0), max > 0 ? max * 1.1 : 1] } },
      axes: [
        { ...AXIS, space: 64, values: (_u, ticks, _axis, _space, incr) => ticks.map((t) => clock(t, incr)) },
        // Small charts still get a tick or two above zero.
        { ...AXIS, size: (_u, values) => axisWidth(values), space: height < 110 ? 14 : 28, values: (_u, ticks) => ticks.map((t) => fmt(t)), ...(integer ? { incrs: INTEGER_STEPS } : {}) },
      ],
      series: [{ label: 'time', value: (_u, v) => (v === null ? '–' : new Date(v * 1000).toISOString().slice(11, 19)) }, ...specs.map((s, i) => seriesOf(s, fmt, raw, rawIndex(i)))],
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 3) return;
            dragged = true;
            const range = spanRange(u.posToVal(u.select.left, 'x'), u.posToVal(u.select.left + u.select.width, 'x'));
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            latest.current.onRange?.(range.from, range.to);
          },
        ],
      },
    };
    const u = new uPlot(options, stacked ? stack(raw()) : (raw() as AlignedData), el);
    plot.current = u;
    const onClick = () => {
      if (dragged) return void (dragged = false);
      const idx = u.cursor.idx;
      if (idx === null || idx === undefined) return;
      const range = latest.current.clickRange?.(u.data[0][idx]!, idx);
      if (range) latest.current.onRange?.(range.from, range.to);
    };
    u.over.addEventListener('click', onClick);
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(120, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.over.removeEventListener('click', onClick);
      u.destroy();
      plot.current = null;
    };
    // The plot is rebuilt only when its shape changes; data goes in through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(stacked ? stack(data) : (data as AlignedData));
  }, [data, stacked]);

  return (
    <figure className="metrics-chart" data-testid={testId} data-max={peak(data)}>
      <figcaption className="metrics-chart-title" title={title}>
        {title}
      </figcaption>
      <div ref={box} className="metrics-chart-plot" />
    </figure>
  );
}
