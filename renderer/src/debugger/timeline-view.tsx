/**
 * The Debug view's Timeline tab: the run the Trace view shows as one lane per agent, with its OODA
 * phases, model calls and tool calls as bars and the bus messages between lanes as arrows: who was
 * thinking what while which message was in flight. Zoom, pan, fit, hover for what an item is,
 * click to select it (the Cycles tab focuses on it) and show its record in the trace.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Timeline, TimelineMessage, TimelineSpan } from '../../../agents/trace/timeline';
import { useDebugStore } from '../stores/debug-store';
import { useTimelineStore, type TimelinePick } from '../stores/timeline-store';
import { useTraceStore } from '../stores/trace-store';
import { formatDuration } from '../trace/trace-format';
import { TimelineCanvas } from './timeline-canvas';
import { spanColour, type DrawnItem } from './timeline-draw';
import { formatTick, niceStep, zoomAt } from './timeline-scale';
import './timeline.css';

const LEGEND: { kind: TimelineSpan['kind']; label: string }[] = [
  { kind: 'observe', label: 'Observe' },
  { kind: 'orient', label: 'Orient' },
  { kind: 'decide', label: 'Decide' },
  { kind: 'act', label: 'Act' },
  { kind: 'llm', label: 'model call' },
  { kind: 'tool', label: 'tool call' },
];

/** A picked item with what the tooltip and the detail say about it. */
type Found = { kind: 'span'; span: TimelineSpan } | { kind: 'message'; message: TimelineMessage };

const find = (data: Timeline | null, pick: TimelinePick | null): Found | null => {
  if (!data || !pick) return null;
  if (pick.kind === 'span') {
    const span = data.spans.find((s) => s.seq === pick.seq);
    return span ? { kind: 'span', span } : null;
  }
  const message = data.messages.find((m) => m.seq === pick.seq);
  return message ? { kind: 'message', message } : null;
};

const pickOf = (item: DrawnItem | null): TimelinePick | null => (item ? { kind: item.kind, seq: item.kind === 'span' ? item.span.seq : item.message.seq } : null);

/** Ms since the run's start, written in the unit its size calls for. */
const offset = (t: number, origin: number) => formatTick(t - origin, niceStep(Math.max(Math.abs(t - origin), 0.001), 100));

/** The lines that describe an item (tooltip and detail). */
function describe(found: Found, origin: number): { title: string; lines: string[] } {
  if (found.kind === 'span') {
    const s = found.span;
    return { title: s.label, lines: [`agent ${s.lane}`, `${formatDuration(s.end - s.start)} from +${offset(s.start, origin)}`, `record #${s.seq}`] };
  }
  const m = found.message;
  const flight = m.received === null ? 'receipt not recorded' : `in flight ${formatDuration(m.received - m.sent)}`;
  return { title: m.label, lines: [`${m.from} → ${m.to} · ${m.reply ? 'reply' : m.type}`, `sent +${offset(m.sent, origin)} · ${flight}`, `record #${m.seq}`] };
}

/** The Timeline tab; `active` while the Debug view shows. */
export function TimelineView({ active }: { active: boolean }) {
  const { data, range, follow, loading, error, hovered, selected, setActive, setRange, fit, setHovered, select, showInTrace } = useTimelineStore();
  const runId = useTraceStore((s) => s.runId);
  const live = useTraceStore((s) => s.runId !== null && s.runId === s.liveRunId);
  const setTab = useDebugStore((s) => s.setTab);
  const [pointer, setPointer] = useState<{ x: number; y: number; width: number } | null>(null);

  useEffect(() => {
    setActive(active);
    return () => setActive(false);
  }, [active, setActive]);

  const marks = useMemo(() => ({ hovered: hovered?.seq ?? null, selected: selected?.seq ?? null }), [hovered, selected]);
  const onHover = useCallback(
    (item: DrawnItem | null, at: { x: number; y: number; width: number }) => {
      setHovered(pickOf(item));
      setPointer(item ? at : null);
    },
    [setHovered],
  );
  const onPick = useCallback((item: DrawnItem | null) => select(pickOf(item), item?.kind === 'span' ? item.span.lane : null), [select]);

  if (!runId) return <p className="empty timeline-empty">No run to show: run a topology, or open a recorded run in the Trace view.</p>;
  if (error && !data) return <p className="empty timeline-empty error">Timeline: {error}</p>;
  if (!data || !range) return <p className="empty timeline-empty">{loading ? 'Reading the run…' : 'No timeline yet.'}</p>;

  const origin = data.from ?? range.from;
  const shown = data.spans.length + data.messages.length;
  const zoom = (factor: number) => setRange(zoomAt(range, (range.from + range.to) / 2, factor, data.from !== null && data.to !== null ? { from: data.from, to: data.to } : null));
  const hoveredItem = find(data, hovered);
  const selectedItem = find(data, selected);
  const tip = hoveredItem && pointer ? describe(hoveredItem, origin) : null;
  const picked = selectedItem ? describe(selectedItem, origin) : null;
  return (
    <div className="timeline-view" data-testid="timeline-view">
      <div className="timeline-toolbar">
        <button type="button" className="btn btn-small" onClick={fit} title="Show the whole run" data-testid="timeline-fit">
          Fit
        </button>
        <button type="button" className="btn btn-small" onClick={() => zoom(0.5)} title="Zoom in (or the wheel over the lanes)" data-testid="timeline-zoom-in">
          +
        </button>
        <button type="button" className="btn btn-small" onClick={() => zoom(2)} title="Zoom out" data-testid="timeline-zoom-out">
          −
        </button>
        <span className="muted timeline-span" data-testid="timeline-range">
          {data.from !== null && data.to !== null && range.from <= data.from && range.to >= data.to ? (
            <>the whole run: {formatDuration(data.to - data.from)}</>
          ) : (
            <>
              {formatDuration(range.to - range.from)} shown{data.from !== null && data.to !== null && <> of {formatDuration(data.to - data.from)}</>}
            </>
          )}
        </span>
        {live && <span className={`timeline-live${follow ? ' following' : ''}`}>{follow ? '● following the run' : '○ live (fit to follow)'}</span>}
        {data.truncated && (
          <span className="timeline-truncated" data-testid="timeline-truncated">
            showing {shown.toLocaleString()} of {data.total.toLocaleString()} (the longest spans, a sample of messages): zoom in to see all {data.total.toLocaleString()}
          </span>
        )}
        <span className="muted timeline-hint">Wheel: zoom · drag or Shift+wheel: pan · drag on the time axis: zoom to that range · click: select</span>
      </div>
      <div className="timeline-legend">
        {LEGEND.map((item) => (
          <span key={item.kind} className="timeline-legend-item">
            <i style={{ background: spanColour(item.kind) }} className={item.kind === 'llm' || item.kind === 'tool' ? 'thin' : ''} />
            {item.label}
          </span>
        ))}
        <span className="timeline-legend-item">
          <i className="arrow" />
          message
        </span>
        <span className="timeline-legend-item">
          <i className="arrow dashed" />
          reply
        </span>
      </div>
      <div className="timeline-body">
        {data.lanes.length === 0 ? (
          <p className="empty">This run has no agents on record yet.</p>
        ) : (
          <TimelineCanvas data={data} range={range} marks={marks} onRange={setRange} onHover={onHover} onPick={onPick} />
        )}
        {shown === 0 && data.lanes.length > 0 && <p className="empty timeline-none">No OODA phase, call or message in this range.</p>}
        {tip && pointer && (
          <div className="timeline-tip" style={{ top: pointer.y + 14, ...(pointer.x > pointer.width - 320 ? { right: pointer.width - pointer.x + 14 } : { left: pointer.x + 14 }) }} data-testid="timeline-tip">
            <strong>{tip.title}</strong>
            {tip.lines.map((line) => (
              <span key={line}>{line}</span>
            ))}
          </div>
        )}
      </div>
      {picked && selected && (
        <div className="timeline-detail" data-testid="timeline-detail">
          <div className="timeline-detail-text">
            <strong>{picked.title}</strong>
            <span className="muted">{picked.lines.join(' · ')}</span>
          </div>
          <button type="button" className="btn btn-small" onClick={() => showInTrace(selected.seq)} data-testid="timeline-show-in-trace">
            Show in trace
          </button>
          <button type="button" className="btn btn-small" onClick={() => setTab('cycles')} title="The cycle inspector, focused on this record" data-testid="timeline-show-in-cycles">
            Show in cycles
          </button>
        </div>
      )}
    </div>
  );
}
