/**
 * The Trace view of the centre: the run picker and follow switch, the filter bar (host-evaluated,
 * trace-filter.ts) with counts per subject and per agent, and the table | detail panes with
 * draggable, persisted widths. Keys: ↑ ↓ PgUp PgDn Home End move the selection, Enter opens the
 * detail, `/` focuses the filter, Esc clears it (in the filter) or closes the detail (in the table).
 */
import { useEffect, useRef, type PointerEvent as ReactPointerEvent, type RefObject } from 'react';
import { formatCount } from '../lib/format';
import { useSequenceStore } from '../stores/sequence-store';
import { useStores } from '../stores/stores-context';
import { RunPicker } from './run-picker';
import { useTraceStore } from '../stores/trace-store';
import { TraceDetail } from './trace-detail';
import { setFilterToken } from './trace-filter';
import { clampPanel } from './trace-layout';
import { TraceModeSwitch } from './sequence-mode';
import { SequenceView } from './sequence-view';
import { MatchCount } from './trace-match-count';
import { TraceTable } from './trace-table';
import { TimeRange } from './trace-time-range';
import './trace.css';

/** A vertical drag handle that resizes the panel on its `side` of it. */
function Splitter({ panel, testId }: { panel: 'sidebar' | 'detail'; testId: string }) {
  const traceStore = useStores().trace;
  const onPointerDown = (event: ReactPointerEvent<HTMLDivElement>) => {
    const handle = event.currentTarget;
    const total = handle.parentElement?.clientWidth ?? 1200;
    const start = event.clientX;
    const { layout } = traceStore.getState();
    const from = layout[panel];
    handle.setPointerCapture(event.pointerId);
    const move = (e: PointerEvent) => {
      const dx = e.clientX - start;
      const others = panel === 'sidebar' ? layout.detail : layout.sidebar;
      const width = clampPanel(panel === 'sidebar' ? from + dx : from - dx, panel === 'sidebar' ? 140 : 280, total, others);
      traceStore.getState().setLayout({ [panel]: width });
    };
    const up = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
  };
  return <div className="trace-splitter" role="separator" aria-orientation="vertical" onPointerDown={onPointerDown} data-testid={testId} />;
}

/** Counts per subject and per agent; a click filters by it (again: removes that filter). */
function CountsSidebar() {
  const counts = useTraceStore((s) => s.counts);
  const filter = useTraceStore((s) => s.filter);
  const filterText = useTraceStore((s) => s.filterText);
  const setFilterText = useTraceStore((s) => s.setFilterText);
  const list = (title: string, key: 'subject' | 'agent', entries: Record<string, number>) => {
    const sorted = Object.entries(entries)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 50);
    return (
      <section className="counts-group" data-testid={`counts-${key}`}>
        <h4 className="panel-title">{title}</h4>
        {sorted.length === 0 && <p className="muted">none</p>}
        {sorted.map(([name, n]) => (
          <button
            key={name}
            type="button"
            className="count-item"
            aria-pressed={filter[key] === name}
            title={`${filter[key] === name ? 'Remove' : 'Filter by'} ${key} ${name}`}
            data-name={name}
            onClick={() => void setFilterText(setFilterToken(filterText, key, filter[key] === name ? null : name))}
          >
            <span className="count-name mono" title={name}>
              {name}
            </span>
            <span className="count-value">{formatCount(n)}</span>
          </button>
        ))}
      </section>
    );
  };
  return (
    <aside className="trace-sidebar" aria-label="Counts">
      {counts ? (
        <>
          <p className="counts-total muted">
            {formatCount(counts.records)} records · {formatCount(counts.messages)} messages · {formatCount(counts.events)} events
          </p>
          {list('Agents', 'agent', counts.agents)}
          {list('Subjects', 'subject', counts.subjects)}
        </>
      ) : (
        <p className="muted">No counts yet.</p>
      )}
    </aside>
  );
}

/** The run picker, time mode and follow switch. */
function Toolbar() {
  const { runId, liveRunId, follow, timeMode, setFollow, setTimeMode } = useTraceStore();
  const live = runId !== null && runId === liveRunId;
  return (
    <div className="trace-toolbar">
      <RunPicker />
      <span className="trace-toolbar-gap" />
      <TraceModeSwitch />
      <div className="segmented" role="group" aria-label="Time">
        <button type="button" aria-pressed={timeMode === 'relative'} onClick={() => setTimeMode('relative')} title="Seconds since the run started" data-testid="time-relative">
          Since start
        </button>
        <button type="button" aria-pressed={timeMode === 'absolute'} onClick={() => setTimeMode('absolute')} title="Wall-clock time (UTC)" data-testid="time-absolute">
          Clock
        </button>
      </div>
      {live && (
        <button type="button" className={`btn btn-small follow-button ${follow ? 'follow-on' : ''}`} aria-pressed={follow} onClick={() => void setFollow(!follow)} title={follow ? 'Following the newest records: scroll up or click to pause' : 'Jump to the newest records and follow them'} data-testid="trace-follow">
          {follow ? '● Following' : '↓ Follow live'}
        </button>
      )}
    </div>
  );
}

/** The two host-side switches: hide NATS internals (with how many), errors only. */
function HostSwitches() {
  const hide = useTraceStore((s) => s.hideInfrastructure);
  const errorsOnly = useTraceStore((s) => s.errorsOnly);
  const hidden = useTraceStore((s) => s.counts?.hiddenInfrastructure ?? 0);
  const setHide = useTraceStore((s) => s.setHideInfrastructure);
  const setErrorsOnly = useTraceStore((s) => s.setErrorsOnly);
  return (
    <div className="trace-switches">
      <label className="switch" title="JetStream, KV and $SYS traffic and their inbox replies; request replies on _INBOX stay">
        <input type="checkbox" checked={hide} onChange={(e) => void setHide(e.target.checked)} data-testid="hide-infrastructure" />
        Hide NATS internals{hide && hidden > 0 ? ` (${formatCount(hidden)})` : ''}
      </label>
      <label className="switch" title="Failed, timed out, no responders, invalid or cut records">
        <input type="checkbox" checked={errorsOnly} onChange={(e) => void setErrorsOnly(e.target.checked)} data-testid="errors-only" />
        Errors only
      </label>
    </div>
  );
}

/** The filter bar. */
function FilterBar({ inputRef, onEnter }: { inputRef: RefObject<HTMLInputElement | null>; onEnter: () => void }) {
  const filterText = useTraceStore((s) => s.filterText);
  const filterError = useTraceStore((s) => s.filterError);
  const setFilterText = useTraceStore((s) => s.setFilterText);
  return (
    <div className="trace-filter-bar">
      <input
        ref={inputRef}
        className={`trace-filter ${filterError ? 'trace-filter-invalid' : ''}`}
        value={filterText}
        placeholder="Filter: agents.request.*   agent:weather_bot   type:response   kind:event   text or “quoted text”   ( / )"
        spellCheck={false}
        aria-label="Filter"
        aria-invalid={filterError !== null}
        data-testid="trace-filter"
        onChange={(e) => void setFilterText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            void setFilterText('');
          } else if (e.key === 'Enter' || e.key === 'ArrowDown') {
            e.preventDefault();
            onEnter();
          }
        }}
      />
      <HostSwitches />
      <TimeRange />
      {filterError ? (
        <span className="trace-filter-error" role="alert" data-testid="trace-filter-error">
          {filterError}
        </span>
      ) : (
        <MatchCount />
      )}
    </div>
  );
}

/** The Trace view; `active` while the centre shows it (its `/` shortcut works only then). */
export function TraceView({ active }: { active: boolean }) {
  const runId = useTraceStore((s) => s.runId);
  const error = useTraceStore((s) => s.error);
  const layout = useTraceStore((s) => s.layout);
  const detailOpen = useTraceStore((s) => s.detailOpen);
  const mode = useSequenceStore((s) => s.mode);
  const filterInput = useRef<HTMLInputElement>(null);
  const table = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!active) return;
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const typing = target?.closest('input, textarea, select, [contenteditable=true]');
      if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        filterInput.current?.focus();
        filterInput.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active]);

  const columns = `${layout.sidebar}px 5px minmax(0, 1fr)${detailOpen ? ` 5px ${layout.detail}px` : ''}`;
  return (
    <div className="trace-view" data-testid="trace-view">
      <Toolbar />
      <FilterBar inputRef={filterInput} onEnter={() => table.current?.focus()} />
      {error && <p className="card-error trace-error">{error}</p>}
      {runId === null ? (
        <div className="trace-none">
          <h2>No run to show</h2>
          <p className="muted">Press ▶ Run to start the open topology (its trace appears here live), or pick a recorded run above.</p>
        </div>
      ) : (
        <div className="trace-body" style={{ gridTemplateColumns: columns }}>
          <CountsSidebar />
          <Splitter panel="sidebar" testId="splitter-sidebar" />
          {mode === 'sequence' ? <SequenceView ref={table} /> : <TraceTable ref={table} />}
          {detailOpen && (
            <>
              <Splitter panel="detail" testId="splitter-detail" />
              <TraceDetail />
            </>
          )}
        </div>
      )}
    </div>
  );
}
