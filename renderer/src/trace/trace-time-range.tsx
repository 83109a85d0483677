/**
 * The trace's time range: a chip in the filter bar while one is set (what it is, × clears it) and
 * a small panel to set it — from/to date-times, or the selected row's time for either end. It sets
 * the bar's `from:` and `to:` tokens (the store's `setTimeRange`), so the host filters by it.
 */
import { useState } from 'react';
import { useTraceStore } from '../stores/trace-store';
import { formatClock } from './trace-format';

/** A bound as the chip shows it: the clock time, with the date when it is not the other end's. */
function shortTime(iso: string | undefined, other: string | undefined): string {
  if (!iso) return '…';
  const normal = new Date(Date.parse(iso)).toISOString();
  return other && normal.slice(0, 10) === new Date(Date.parse(other)).toISOString().slice(0, 10) ? formatClock(normal) : `${normal.slice(0, 10)} ${formatClock(normal)}`;
}

/** Why a typed bound cannot be used, or null. */
const badTime = (text: string) => (text.trim() === '' || !Number.isNaN(Date.parse(text.trim())) ? null : `"${text}" is not a date-time (e.g. 2026-12-06T07:40:00.000Z)`);

/** The time range button, its chip and its panel. */
export function TimeRange() {
  const from = useTraceStore((s) => s.filter.from);
  const to = useTraceStore((s) => s.filter.to);
  const selected = useTraceStore((s) => s.selected);
  const setTimeRange = useTraceStore((s) => s.setTimeRange);
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState({ from: '', to: '' });
  const active = from !== undefined || to !== undefined;
  const error = badTime(draft.from) ?? badTime(draft.to);

  const toggle = () => {
    if (!open) setDraft({ from: from ?? '', to: to ?? '' });
    setOpen(!open);
  };
  const apply = (next = draft) => {
    if (badTime(next.from) ?? badTime(next.to)) return;
    void setTimeRange(next.from.trim() || null, next.to.trim() || null);
  };
  const fromSelected = (end: 'from' | 'to') => {
    if (!selected) return;
    const next = { ...draft, [end]: selected.time };
    setDraft(next);
    apply(next);
  };

  return (
    <span className="time-range">
      {active ? (
        <span className="time-range-chip" data-testid="time-range-chip" title={`From ${from ?? 'the start'} to ${to ?? 'the end'} (UTC, inclusive)`}>
          <button type="button" onClick={toggle} aria-expanded={open} data-testid="time-range-toggle">
            Time {shortTime(from, to)} → {shortTime(to, from)}
          </button>
          <button type="button" aria-label="Clear the time range" title="Clear the time range" onClick={() => void setTimeRange(null, null)} data-testid="time-range-clear">
            ×
          </button>
        </span>
      ) : (
        <button type="button" className="btn btn-small" onClick={toggle} aria-expanded={open} title="Show only records in a time range" data-testid="time-range-toggle">
          Time range…
        </button>
      )}
      {open && (
        <div className="time-range-panel" role="group" aria-label="Time range" data-testid="time-range-panel">
          <label>
            From{' '}
            <input value={draft.from} placeholder="start of the run" aria-invalid={badTime(draft.from) !== null} onChange={(e) => setDraft({ ...draft, from: e.target.value })} onKeyDown={(e) => e.key === 'Enter' && apply()} data-testid="time-range-from" />
          </label>
          <button type="button" className="btn btn-small" disabled={!selected} onClick={() => fromSelected('from')} title="The selected row's time" data-testid="time-range-from-selected">
            From selected row
          </button>
          <label>
            To{' '}
            <input value={draft.to} placeholder="end of the run" aria-invalid={badTime(draft.to) !== null} onChange={(e) => setDraft({ ...draft, to: e.target.value })} onKeyDown={(e) => e.key === 'Enter' && apply()} data-testid="time-range-to" />
          </label>
          <button type="button" className="btn btn-small" disabled={!selected} onClick={() => fromSelected('to')} title="The selected row's time" data-testid="time-range-to-selected">
            To selected row
          </button>
          <button type="button" className="btn btn-small btn-primary" disabled={error !== null} onClick={() => apply()} data-testid="time-range-apply">
            Apply
          </button>
          <button type="button" className="btn btn-small" onClick={() => setOpen(false)}>
            Close
          </button>
          {error && <span className="time-range-error">{error}</span>}
        </div>
      )}
    </span>
  );
}
