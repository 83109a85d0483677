/**
 * The runs list (Trace view's "Runs…", the command palette): every recorded run with its topology,
 * start, records, size and a live badge; open read-only, export (NDJSON, Mermaid, OTLP), delete
 * (asked first; the live run is refused by the host); import an NDJSON trace from a host path or
 * from this computer (the browser reads it).
 */
import { useRef, useState, type FormEvent } from 'react';
import type { RecordedRun } from '../../../preload/contract';
import { openComparison, replayLabel, runLabel } from '../debugger/compare-actions';
import { Modal } from '../files/modal';
import { formatBytes, formatCount } from '../lib/format';
import { useRunsStore } from '../stores/runs-store';
import { useStores } from '../stores/stores-context';
import './runs.css';

/** "Compare with…": picks the other run (B) for this one (A). */
function CompareWith({ run, onDone }: { run: RecordedRun; onDone: () => void }) {
  const runs = useRunsStore((s) => s.runs);
  const stores = useStores();
  const others = runs.filter((r) => r.runId !== run.runId);
  return (
    <span className="runs-confirm runs-compare" role="group" aria-label={`Compare ${run.runId} with`}>
      <select
        className="input mono"
        defaultValue=""
        data-autofocus
        data-testid="runs-compare-pick"
        aria-label="The run to compare with"
        onChange={(e) => {
          if (e.target.value) openComparison(stores, run.runId, e.target.value);
          onDone();
        }}
      >
        <option value="" disabled>
          Compare with…
        </option>
        {others.map((r) => (
          <option key={r.runId} value={r.runId}>
            {runLabel(r)}
          </option>
        ))}
      </select>
      <button type="button" className="btn btn-small" onClick={onDone}>
        Cancel
      </button>
    </span>
  );
}

/** One run's row. */
function RunRow({ run, busy }: { run: RecordedRun; busy: boolean }) {
  const { confirmDelete, viewing, openReadOnly, exportRun, requestDelete, deleteRun, replay, runs } = useRunsStore();
  const [comparing, setComparing] = useState(false);
  const stores = useStores();
  const shown = viewing?.runId === run.runId;
  const replayed = replayLabel(run);
  const original = run.replayOf && runs.some((r) => r.runId === run.replayOf) ? run.replayOf : null;
  const started = run.startedAt.replace('T', ' ').slice(0, 19);
  return (
    <tr data-testid="runs-row" data-run-id={run.runId} data-live={run.live} aria-current={shown || undefined}>
      <td>
        <div className="runs-topology">
          {run.topology ?? <span className="muted">(no topology)</span>}
          {run.live && <span className="badge badge-live">live</span>}
          {shown && <span className="badge">shown</span>}
          {replayed && (
            <span className="badge badge-replay" title={replayed} data-testid="runs-replay-of">
              {run.fork ? 'fork' : 'replay'}
            </span>
          )}
        </div>
        <div className="runs-id mono muted" title={run.runId}>
          {run.runId}
        </div>
        {replayed && <div className="runs-id mono muted">{replayed}</div>}
      </td>
      <td className="mono">{started}</td>
      <td className="runs-num" data-testid="runs-records">
        {run.records === null ? <span className="muted" title="A big run is counted when opened">—</span> : formatCount(run.records)}
      </td>
      <td className="runs-num">{formatBytes(run.bytes)}</td>
      <td className="runs-actions">
        {confirmDelete === run.runId ? (
          <span className="runs-confirm" role="alertdialog" aria-label={`Delete ${run.runId}?`}>
            Delete this run’s files?
            <button type="button" className="btn btn-small btn-danger" onClick={() => void deleteRun(run.runId)} data-testid="runs-confirm-delete" data-autofocus>
              Delete
            </button>
            <button type="button" className="btn btn-small" onClick={() => requestDelete(null)}>
              Keep
            </button>
          </span>
        ) : comparing ? (
          <CompareWith run={run} onDone={() => setComparing(false)} />
        ) : (
          <>
            <button type="button" className="btn btn-small btn-primary" disabled={busy} onClick={() => void openReadOnly(run.runId)} title="Show its topology and records, read-only" data-testid="runs-open">
              Open
            </button>
            <button
              type="button"
              className="btn btn-small"
              disabled={busy || run.live}
              onClick={() => void replay(run.runId)}
              title={run.live ? 'Recording now: stop it first' : 'Run it again with every model answer taken from its record (no model called, no key needed)'}
              data-testid="runs-replay"
            >
              Replay
            </button>
            {original ? (
              <button type="button" className="btn btn-small" disabled={busy} onClick={() => openComparison(stores, original, run.runId)} title={`Align it with ${original}, the run it re-ran`} data-testid="runs-compare-original">
                Compare with the original
              </button>
            ) : (
              <button type="button" className="btn btn-small" disabled={busy || runs.length < 2} onClick={() => setComparing(true)} title="Align it with another run, message by message" data-testid="runs-compare">
                Compare with…
              </button>
            )}
            <span className="runs-export" role="group" aria-label="Export">
              <span className="muted">Export</span>
              <button type="button" className="btn btn-small" disabled={busy} onClick={() => void exportRun(run.runId, 'ndjson')} title="The whole run, lossless (re-imports as it was)" data-testid="runs-export-ndjson">
                NDJSON
              </button>
              <button type="button" className="btn btn-small" disabled={busy} onClick={() => void exportRun(run.runId, 'mermaid')} title="A sequence diagram of the first 500 messages" data-testid="runs-export-mermaid">
                Mermaid
              </button>
              <button type="button" className="btn btn-small" disabled={busy} onClick={() => void exportRun(run.runId, 'otlp')} title="OpenTelemetry spans (OTLP/JSON) for Jaeger or Tempo" data-testid="runs-export-otlp">
                OTLP
              </button>
            </span>
            <button
              type="button"
              className="btn btn-small btn-danger"
              disabled={busy}
              onClick={() => requestDelete(run.runId)}
              title={run.live ? 'Recording now: stop it first' : 'Delete this run’s files'}
              data-testid="runs-delete"
            >
              Delete
            </button>
          </>
        )}
      </td>
    </tr>
  );
}

/** Import from a host path or from this computer. */
function ImportBar({ busy }: { busy: boolean }) {
  const importTrace = useRunsStore((s) => s.importTrace);
  const [path, setPath] = useState('');
  const picker = useRef<HTMLInputElement>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (path.trim()) void importTrace({ path: path.trim() }).then((runId) => runId && setPath(''));
  };
  const pick = async (file: File | undefined) => {
    if (file) await importTrace({ text: await file.text(), name: file.name });
    if (picker.current) picker.current.value = '';
  };
  return (
    <form className="runs-import" onSubmit={submit}>
      <input className="input mono" value={path} onChange={(e) => setPath(e.target.value)} placeholder="Path of an NDJSON trace on the host, e.g. /home/me/traces/run.ndjson" spellCheck={false} aria-label="Path of a trace to import" data-testid="runs-import-path" />
      <button type="submit" className="btn" disabled={busy || !path.trim()} data-testid="runs-import">
        Import
      </button>
      <button type="button" className="btn" disabled={busy} onClick={() => picker.current?.click()}>
        From this computer…
      </button>
      <input ref={picker} type="file" accept=".ndjson,.jsonl,application/x-ndjson" hidden data-testid="runs-import-picker" onChange={(e) => void pick(e.target.files?.[0])} />
    </form>
  );
}

/** Where exports go: downloads, or files in a folder on the host (for runs too big to download). */
function ExportTarget() {
  const exportDir = useRunsStore((s) => s.exportDir);
  const setExportDir = useRunsStore((s) => s.setExportDir);
  return (
    <label className="runs-export-dir">
      <span className="muted">Exports go to</span>
      <input className="input mono" value={exportDir} onChange={(e) => setExportDir(e.target.value)} placeholder="downloads (or type a folder on the host)" spellCheck={false} data-testid="runs-export-dir" />
    </label>
  );
}

/** The runs dialog, when open. */
export function RunsDialog() {
  const { dialogOpen, runs, loading, error, notice, task, showDialog } = useRunsStore();
  if (!dialogOpen) return null;
  const busy = task !== null;
  return (
    <Modal title="Recorded runs" onClose={() => showDialog(false)} testId="runs-dialog" size="large" footer={<span className="muted runs-footnote">Runs open read-only: nothing runs again and your topology stays as it is.</span>}>
      <ImportBar busy={busy} />
      {error && (
        <p className="form-error" role="alert" data-testid="runs-error">
          {error}
        </p>
      )}
      {notice && (
        <p className="runs-notice" role="status" data-testid="runs-notice">
          {notice}
        </p>
      )}
      {runs.length === 0 ? (
        <p className="muted">{loading ? 'Loading…' : 'No recorded runs yet: press ▶ Run, or import a trace.'}</p>
      ) : (
        <div className="runs-scroll">
          <table className="runs-table" data-testid="runs-table">
            <thead>
              <tr>
                <th>Topology · run</th>
                <th>Started (UTC)</th>
                <th className="runs-num">Records</th>
                <th className="runs-num">Size</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <RunRow key={run.runId} run={run} busy={busy} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ExportTarget />
    </Modal>
  );
}
