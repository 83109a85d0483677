/**
 * The sequence diagram's SVG: the lane headers, and a slice of rows (life lines, activation bars,
 * arrows, notes). The same components draw the view's visible rows and the exported SVG, so
 * colours are attributes (an exported file has no stylesheet); the view's CSS adds hover and focus.
 */
import { memo, type ReactNode } from 'react';
import { formatClock, formatOffset } from './trace-format';
import { activationBars, arrowGeometry, GUTTER, rowShape, type LaneLayout, type RowShape, type SequenceRow } from './sequence-layout';
import { ROW_HEIGHT } from './trace-viewport';

/** Colours of the diagram (the app's dark palette, spelled out for exported files). */
export const SEQUENCE_COLOURS = {
  bg: '#0f1115',
  panel: '#161a21',
  border: '#272d38',
  text: '#d8dee9',
  muted: '#8a93a3',
  lane: '#3a4250',
  selected: '#1f3550',
  request: '#5aa9ff',
  reply: '#3fb950',
  failed: '#f85149',
  direct: '#d8dee9',
  handoff: '#e3883a',
  other: '#8a93a3',
  broadcast: '#c98bdb',
  llm: '#a371f7',
  tool: '#2bb3a3',
  error: '#f85149',
} as const;

/** Each OODA phase's bar colour. */
export const PHASE_COLOURS: Record<string, string> = { observe: '#5aa9ff', orient: '#a371f7', decide: '#d29922', act: '#3fb950' };

/** Height of the lane header. */
export const HEADER_HEIGHT = 40;

const FONT = "ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace";

/** The lane names along the top. */
export function SequenceHeader({ layout }: { layout: LaneLayout }) {
  const w = layout.laneWidth - 16;
  return (
    <svg width={layout.width} height={HEADER_HEIGHT} className="sequence-header-svg" data-testid="sequence-lanes" fontFamily={FONT}>
      <rect width={layout.width} height={HEADER_HEIGHT} fill={SEQUENCE_COLOURS.panel} />
      {layout.lanes.map((lane) => (
        <g key={lane.name} data-lane={lane.name} data-external={lane.external || undefined}>
          <title>{lane.external ? `${lane.name} (not in the topology: from outside)` : lane.name}</title>
          <rect x={lane.x - w / 2} y={7} width={w} height={26} rx={6} fill={SEQUENCE_COLOURS.bg} stroke={lane.external ? SEQUENCE_COLOURS.muted : SEQUENCE_COLOURS.border} strokeDasharray={lane.external ? '4 3' : undefined} />
          <text x={lane.x} y={24} textAnchor="middle" fontSize={12} fill={SEQUENCE_COLOURS.text}>
            {fit(lane.name, w)}
          </text>
        </g>
      ))}
    </svg>
  );
}

/** Props of {@link SequenceRows}. */
export interface SequenceRowsProps {
  layout: LaneLayout;
  /** Row `first + i` is `rows[i]` (undefined while its page loads). */
  rows: readonly (SequenceRow | undefined)[];
  first: number;
  selectedSeq?: number | null;
  onSelect?: (row: SequenceRow) => void;
  /** The gutter's time: since the run started, or the clock (as the table's). */
  timeMode?: 'absolute' | 'relative';
}

/** Rows `first …` as one SVG, `ROW_HEIGHT` each, at their absolute y (the caller positions it). */
export function SequenceRows({ layout, rows, first, selectedSeq = null, onSelect, timeMode = 'relative' }: SequenceRowsProps) {
  const height = rows.length * ROW_HEIGHT;
  const y0 = first * ROW_HEIGHT;
  const bars = activationBars(rows, first);
  return (
    <svg width={layout.width} height={height} viewBox={`0 ${y0} ${layout.width} ${height}`} className="sequence-rows-svg" fontFamily={FONT} data-testid="sequence-rows">
      {layout.lanes.map((lane) => (
        <line key={lane.name} x1={lane.x} x2={lane.x} y1={y0} y2={y0 + height} stroke={SEQUENCE_COLOURS.lane} strokeDasharray={lane.external ? '2 4' : '4 4'} />
      ))}
      {rows.map((row, i) =>
        row ? (
          <SequenceRowShape key={row.record.seq} row={row} index={first + i} layout={layout} selected={row.record.seq === selectedSeq} timeMode={timeMode} onSelect={onSelect} />
        ) : (
          <rect key={`loading-${first + i}`} x={GUTTER} y={(first + i) * ROW_HEIGHT + 8} width={Math.min(120, layout.width - GUTTER)} height={8} rx={4} fill={SEQUENCE_COLOURS.panel} data-loading="" />
        ),
      )}
      {bars.map((bar) => {
        const lane = layout.byName.get(bar.agent);
        if (!lane) return null;
        const top = bar.fromRow * ROW_HEIGHT + 2;
        return (
          <rect key={`${bar.agent}-${bar.toRow}`} className="sequence-activation" x={lane.x - 4} y={top} width={8} height={(bar.toRow + 1) * ROW_HEIGHT - 2 - top} rx={2} fill={PHASE_COLOURS[bar.phase] ?? SEQUENCE_COLOURS.muted} fillOpacity={0.55} stroke={PHASE_COLOURS[bar.phase] ?? SEQUENCE_COLOURS.muted} data-phase={bar.phase} pointerEvents="none">
            <title>{bar.phase}</title>
          </rect>
        );
      })}
    </svg>
  );
}

/** One row: its background (selection, hover), seq and time in the gutter, and its shape; memoized, so scrolling redraws only rows that came into view. */
const SequenceRowShape = memo(function SequenceRowShape({ row, index, layout, selected, timeMode, onSelect }: { row: SequenceRow; index: number; layout: LaneLayout; selected: boolean; timeMode: 'absolute' | 'relative'; onSelect?: ((row: SequenceRow) => void) | undefined }) {
  const shape = rowShape(row);
  const top = index * ROW_HEIGHT;
  return (
    <g
      className="sequence-row"
      data-seq={row.record.seq}
      data-position={index}
      data-kind={shape.kind}
      data-style={shape.kind === 'arrow' ? shape.style : undefined}
      data-from={shape.kind === 'arrow' ? shape.from : undefined}
      data-to={shape.kind === 'arrow' ? shape.to : undefined}
      aria-selected={selected}
      onMouseDown={onSelect && ((e) => e.button === 0 && onSelect(row))}
    >
      <rect className="sequence-row-bg" x={0} y={top} width={layout.width} height={ROW_HEIGHT} fill={selected ? SEQUENCE_COLOURS.selected : 'transparent'} />
      <text x={6} y={top + 16} fontSize={10} fill={SEQUENCE_COLOURS.muted}>
        #{row.record.seq}
      </text>
      <text x={GUTTER - 8} y={top + 16} fontSize={10} fill={SEQUENCE_COLOURS.muted} textAnchor="end">
        {timeMode === 'relative' ? formatOffset(row.record.mono) : formatClock(row.record.time).slice(0, 12)}
      </text>
      <Shape shape={shape} layout={layout} top={top} />
    </g>
  );
});

/** What one row draws between the lanes. */
function Shape({ shape, layout, top }: { shape: RowShape; layout: LaneLayout; top: number }): ReactNode {
  const mid = top + ROW_HEIGHT / 2 + 4;
  switch (shape.kind) {
    case 'arrow': {
      const from = layout.byName.get(shape.from);
      const to = layout.byName.get(shape.to);
      if (!from || !to) return null;
      const g = arrowGeometry(from.x, to.x, top);
      const colour = SEQUENCE_COLOURS[shape.style];
      const room = from.x === to.x ? layout.laneWidth - 40 : Math.abs(to.x - from.x) - 16;
      return (
        <g className="sequence-arrow" data-dashed={shape.dashed || undefined}>
          <title>{`${shape.from} → ${shape.to}  ${shape.subject}${shape.latency ? `  (${shape.latency})` : ''}`}</title>
          <path d={g.path} fill="none" stroke="transparent" strokeWidth={12} />
          <path d={g.path} fill="none" stroke={colour} strokeWidth={1.5} strokeDasharray={shape.dashed ? '6 4' : undefined} data-line="" />
          <polygon points={g.head} fill={colour} />
          {shape.style === 'handoff' && <circle cx={from.x + (to.x > from.x ? 5 : -5)} cy={top + ROW_HEIGHT - 6} r={3.5} fill={colour} />}
          <text x={g.labelX} y={g.labelY} textAnchor={g.anchor} fontSize={11} fill={SEQUENCE_COLOURS.text}>
            {fit(shape.label, room - (shape.latency ? shape.latency.length * 7 + 8 : 0))}
            {shape.latency && (
              <tspan fill={colour} dx={6} data-testid="sequence-latency">
                {shape.latency}
              </tspan>
            )}
          </text>
        </g>
      );
    }
    case 'broadcast': {
      const from = layout.byName.get(shape.from);
      if (!from) return null;
      const y = top + ROW_HEIGHT - 6;
      const xs = layout.lanes.map((l) => l.x);
      const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
      const colour = SEQUENCE_COLOURS.broadcast;
      return (
        <g className="sequence-broadcast">
          <title>{`${shape.from} → everyone on ${shape.subject}`}</title>
          <path d={`M${lo},${y} H${hi}`} stroke={colour} strokeWidth={1.5} strokeDasharray="2 3" />
          {layout.lanes
            .filter((l) => l !== from)
            .map((l) => (
              <polygon key={l.name} points={`${l.x},${y} ${l.x + (l.x > from.x ? -7 : 7)},${y - 4} ${l.x + (l.x > from.x ? -7 : 7)},${y + 4}`} fill={colour} />
            ))}
          <circle cx={from.x} cy={y} r={3.5} fill={colour} />
          <text x={from.x + 8} y={top + 12} fontSize={10.5} fill={colour}>
            ⇶ {fit(`${shape.subject} · ${shape.label}`, hi - from.x + layout.laneWidth / 2 - 20)}
          </text>
        </g>
      );
    }
    case 'note': {
      const lane = layout.byName.get(shape.agent);
      if (!lane) return null;
      const w = Math.min(layout.laneWidth * 1.6, 300);
      const colour = SEQUENCE_COLOURS[shape.tone];
      return (
        <g className="sequence-note">
          <title>{shape.text}</title>
          <rect x={lane.x + 8} y={top + 3} width={w} height={ROW_HEIGHT - 6} rx={4} fill={SEQUENCE_COLOURS.panel} stroke={colour} />
          <text x={lane.x + 14} y={mid} fontSize={10.5} fill={colour}>
            {fit(shape.text, w - 12)}
          </text>
        </g>
      );
    }
    case 'phase':
    case 'mark': {
      const lane = layout.byName.get(shape.agent);
      if (!lane) return null;
      return (
        <g className={`sequence-${shape.kind}`}>
          {shape.kind === 'mark' && <circle cx={lane.x} cy={mid - 4} r={2.5} fill={SEQUENCE_COLOURS.muted} />}
          <text x={lane.x + 9} y={mid} fontSize={10} fill={shape.kind === 'phase' ? (PHASE_COLOURS[shape.phase] ?? SEQUENCE_COLOURS.muted) : SEQUENCE_COLOURS.muted}>
            {shape.text}
          </text>
        </g>
      );
    }
    case 'loose':
      return (
        <text x={GUTTER + 8} y={mid} fontSize={10.5} fill={SEQUENCE_COLOURS.muted} fontStyle="italic">
          {fit(shape.text, layout.width - GUTTER - 16)}
        </text>
      );
  }
}

/** `text` cut to about `px` pixels at ~6.6 px a character (monospace 11 px). */
function fit(text: string, px: number): string {
  const max = Math.max(3, Math.floor(px / 6.6));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
