/**
 * Export the sequence diagram: the rows from the top of the view (at most EXPORT_ROWS) as Mermaid
 * (shown drawn and as text), SVG or PNG, each previewed, copied or downloaded. The dialog says
 * which rows it took and when it cut them.
 */
import { useEffect, useMemo, useState } from 'react';
import { Modal } from '../files/modal';
import { download } from '../lib/download';
import { formatCount } from '../lib/format';
import { useStores } from '../stores/stores-context';
import type { SequenceRow } from '../trace/sequence-layout';
import { MermaidPreview } from './mermaid-preview';
import { EXPORT_ROWS, MERMAID_MESSAGES, sequenceMermaid, sequenceSvg, svgToPng } from './sequence-export';
import './export.css';

type Tab = 'mermaid' | 'svg' | 'png';
const TABS: { tab: Tab; label: string }[] = [
  { tab: 'mermaid', label: 'Mermaid' },
  { tab: 'svg', label: 'SVG' },
  { tab: 'png', label: 'PNG' },
];

/** Props of {@link SequenceExportDialog}. */
export interface SequenceExportDialogProps {
  /** The first row to export (the top of the view). */
  from: number;
  /** The view's lanes, in its order. */
  layoutNames: readonly string[];
  declared: readonly string[] | null;
  onClose(): void;
}

/** The sequence diagram's export dialog. */
export function SequenceExportDialog({ from, layoutNames, declared, onClose }: SequenceExportDialogProps) {
  const stores = useStores();
  const [read, setRead] = useState<{ rows: SequenceRow[]; total: number } | null>(null);
  const rows = read?.rows ?? null;
  const total = read?.total ?? 0;
  const [error, setError] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>('mermaid');
  const [png, setPng] = useState<{ blob: Blob; url: string } | { error: string } | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const { runId, timeMode } = stores.trace.getState();
  const base = `sequence-${runId ?? 'run'}`;

  useEffect(() => {
    let current = true;
    stores.sequence
      .getState()
      .readRows(from, EXPORT_ROWS)
      .then(
        (answer) => current && setRead(answer),
        (e: unknown) => current && setError(e instanceof Error ? e.message : String(e)),
      );
    return () => {
      current = false;
    };
  }, [stores, from]);

  const mermaid = useMemo(() => (rows ? sequenceMermaid(rows) : ''), [rows]);
  const drawing = useMemo(() => (rows ? sequenceSvg(rows, layoutNames, declared, timeMode) : null), [rows, layoutNames, declared, timeMode]);
  const svgUrl = useMemo(() => (drawing ? URL.createObjectURL(new Blob([drawing.svg], { type: 'image/svg+xml' })) : null), [drawing]);
  useEffect(() => () => void (svgUrl && URL.revokeObjectURL(svgUrl)), [svgUrl]);

  useEffect(() => {
    if (tab !== 'png' || !drawing) return;
    let current = true;
    // The PNG shown stays until the new one is drawn (its URL is revoked once nothing shows it, below).
    svgToPng(drawing).then(
      (blob) => current && setPng({ blob, url: URL.createObjectURL(blob) }),
      (e: unknown) => current && setPng({ error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      current = false;
    };
  }, [tab, drawing]);
  useEffect(() => () => void (png && 'url' in png && URL.revokeObjectURL(png.url)), [png]);

  const shown = rows?.length ?? 0;
  const cut = shown === EXPORT_ROWS && from + shown < total;
  const messages = rows?.filter((r) => r.record.kind === 'message').length ?? 0;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(tab === 'svg' ? (drawing?.svg ?? '') : mermaid);
      setCopied('Copied');
    } catch {
      setCopied('The browser refused the clipboard: select the text and copy it instead.');
    }
  };

  return (
    <Modal title="Export the sequence diagram" onClose={onClose} testId="sequence-export-dialog" size="large">
      <p className="muted sequence-export-scope" data-testid="sequence-export-scope">
        {rows === null
          ? 'Reading the rows…'
          : `Rows ${formatCount(from + 1)}–${formatCount(from + shown)} of ${formatCount(total)} (from the top of the view), ${formatCount(messages)} messages` +
            (cut ? `: cut at ${formatCount(EXPORT_ROWS)} rows — scroll or filter to export others.` : '.') +
            (tab === 'mermaid' && messages > MERMAID_MESSAGES ? ` Mermaid draws the first ${MERMAID_MESSAGES} arrows and notes how many more.` : '')}
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="export-toolbar">
        <div className="export-files" role="tablist" aria-label="Format">
          {TABS.map((t) => (
            <button key={t.tab} type="button" role="tab" aria-selected={tab === t.tab} className="export-file" data-testid={`sequence-export-${t.tab}`} onClick={() => (setTab(t.tab), setCopied(null))}>
              {t.label}
            </button>
          ))}
        </div>
        <span className="spacer" />
        {copied && (
          <span className="muted export-copied" role="status">
            {copied}
          </span>
        )}
        {tab !== 'png' && (
          <button type="button" className="btn" disabled={!rows} onClick={() => void copy()}>
            Copy
          </button>
        )}
        <button
          type="button"
          className="btn btn-primary"
          data-testid="sequence-export-download"
          disabled={!rows || (tab === 'png' && !(png && 'blob' in png))}
          onClick={() => {
            if (tab === 'mermaid') download(`${base}.mmd`, mermaid);
            else if (tab === 'svg' && drawing) download(`${base}.svg`, drawing.svg, 'image/svg+xml');
            else if (png && 'blob' in png) download(`${base}.png`, png.blob);
          }}
        >
          Download .{tab === 'mermaid' ? 'mmd' : tab}
        </button>
      </div>
      {rows && tab === 'mermaid' && (
        <div className="sequence-export-mermaid">
          <MermaidPreview text={mermaid} />
          <pre className="export-content sequence-export-text" data-testid="sequence-export-text" tabIndex={0}>
            {mermaid}
          </pre>
        </div>
      )}
      {rows && tab === 'svg' && svgUrl && (
        <div className="sequence-export-image">
          <img src={svgUrl} alt="The sequence diagram as SVG" data-testid="sequence-export-svg" />
        </div>
      )}
      {rows && tab === 'png' && (
        <div className="sequence-export-image">
          {png === null && <p className="muted">Drawing…</p>}
          {png && 'error' in png && (
            <p className="form-error" role="alert">
              {png.error}
            </p>
          )}
          {png && 'url' in png && <img src={png.url} alt="The sequence diagram as PNG" data-testid="sequence-export-png" />}
        </div>
      )}
    </Modal>
  );
}
