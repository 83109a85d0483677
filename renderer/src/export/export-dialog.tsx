/**
 * Export: every format with a preview, copy to the clipboard, and "Write to folder". Formats
 * with nkeys are previewed by the host, which withholds the seeds: they are only ever written to
 * disk (0600), never shown or copied.
 */
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { ExportFormat } from '../../../agents/topology/export/index';
import { baseName, suggestedFileName } from '../files/document-name';
import { Modal } from '../files/modal';
import { useDocumentStore } from '../stores/document-store';
import { useExportStore } from '../stores/export-store';
import { useStores } from '../stores/stores-context';
import { CLUSTER_CHOICES, exportBaseName, FORMATS, localPreview, suggestedFolder, type PreviewFile } from './export-formats';
import { MermaidPreview } from './mermaid-preview';
import './export.css';

type Preview = { state: 'loading' } | { state: 'ready'; files: PreviewFile[] } | { state: 'error'; message: string };

/** The Export dialog, when open. */
export function ExportDialog() {
  const open = useExportStore((s) => s.open);
  return open ? <ExportDialogBody /> : null;
}

function ExportDialogBody() {
  const stores = useStores();
  const hide = useExportStore((s) => s.hide);
  const exportTopology = useExportStore((s) => s.exportTopology);
  const topology = useDocumentStore((s) => s.topology);
  const path = useDocumentStore((s) => s.path);
  const fileName = path ? baseName(path) : suggestedFileName(topology);
  const [format, setFormat] = useState<ExportFormat>('yaml');
  const [fileIndex, setFileIndex] = useState(0);
  const [hostPreview, setHostPreview] = useState<{ key: string; preview: Preview } | null>(null);
  const [folder, setFolder] = useState(() => suggestedFolder(path, fileName, 'yaml'));
  const [folderEdited, setFolderEdited] = useState(false);
  const [written, setWritten] = useState<{ ok: boolean; text: string } | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const [clusterNodes, setClusterNodes] = useState(1);
  const info = FORMATS.find((f) => f.format === format)!;
  // Only the formats that run nats-server take a node count; the others ignore the choice.
  const nodes = info.cluster ? clusterNodes : 1;

  // The text the host exports is exactly what Save would write.
  const text = useMemo(() => (topology ? stores.document.getState().text() : ''), [topology, stores]);
  const hostKey = `${format}\0${nodes}\0${text}`;

  const local = useMemo<Preview | null>(() => {
    if (!topology || info.viaHost) return null;
    try {
      return { state: 'ready', files: localPreview(topology, format, exportBaseName(fileName)) };
    } catch (error) {
      return { state: 'error', message: error instanceof Error ? error.message : String(error) };
    }
  }, [topology, format, fileName, info.viaHost]);

  useEffect(() => {
    if (!topology || !info.viaHost) return;
    let current = true;
    exportTopology({ text, fileName, format, ...(nodes > 1 && { clusterNodes: nodes }) }).then(
        ({ files }) => current && setHostPreview({ key: hostKey, preview: { state: 'ready', files } }),
        (error: unknown) => current && setHostPreview({ key: hostKey, preview: { state: 'error', message: error instanceof Error ? error.message : String(error) } }),
      );
    return () => {
      current = false;
    };
  }, [topology, info.viaHost, text, fileName, format, nodes, hostKey, exportTopology]);

  const preview: Preview = !topology
    ? { state: 'error', message: 'The topology has problems: fix them (see the Source view) before exporting.' }
    : (local ?? (hostPreview?.key === hostKey ? hostPreview.preview : { state: 'loading' }));
  const files = preview.state === 'ready' ? preview.files : [];
  const shown = files[Math.min(fileIndex, Math.max(files.length - 1, 0))];

  /** Another export is shown: from its first file, without the last one's messages. */
  const freshPreview = () => {
    setFileIndex(0);
    setWritten(null);
    setCopied(null);
  };

  const choose = (next: ExportFormat) => {
    setFormat(next);
    freshPreview();
    if (!folderEdited) setFolder(suggestedFolder(path, fileName, next));
  };

  const copy = async (file: PreviewFile) => {
    if (file.content === null) return;
    try {
      await navigator.clipboard.writeText(file.content);
      setCopied(`Copied ${file.name}`);
    } catch {
      setCopied('The browser refused the clipboard: select the text and copy it instead.');
    }
  };

  const write = async (event: FormEvent) => {
    event.preventDefault();
    if (!folder.trim() || !topology) return;
    setWritten(null);
    try {
      const result = await exportTopology({ text, fileName, format, dir: folder.trim(), ...(nodes > 1 && { clusterNodes: nodes }) });
      const secrets = result.files.filter((f) => f.secret).length;
      setWritten({ ok: true, text: `Wrote ${result.files.length} file${result.files.length === 1 ? '' : 's'} to ${result.writtenTo}${secrets ? ` (${secrets} seed${secrets === 1 ? '' : 's'} readable by you only)` : ''}.` });
    } catch (error) {
      setWritten({ ok: false, text: error instanceof Error ? error.message : String(error) });
    }
  };

  return (
    <Modal
      title="Export"
      onClose={hide}
      testId="export-dialog"
      size="large"
      footer={
        <form className="export-write" onSubmit={(e) => void write(e)}>
          <label htmlFor="export-folder">Write to folder</label>
          <input
            id="export-folder"
            className="input mono"
            data-testid="export-folder"
            value={folder}
            onChange={(e) => {
              setFolder(e.target.value);
              setFolderEdited(true);
            }}
            spellCheck={false}
            autoComplete="off"
          />
          <button type="submit" className="btn btn-primary" data-testid="export-write" disabled={!topology || !folder.trim()}>
            Write files
          </button>
        </form>
      }
    >
      <div className="export-layout">
        <ul className="export-formats" role="tablist" aria-label="Formats" aria-orientation="vertical">
          {FORMATS.map((f) => (
            <li key={f.format} role="none">
              <button type="button" role="tab" aria-selected={f.format === format} className="export-format" data-testid={`export-format-${f.format}`} onClick={() => choose(f.format)} data-autofocus={f.format === 'yaml' ? true : undefined}>
                <span className="export-format-label">{f.label}</span>
                <span className="export-format-description">{f.description}</span>
              </button>
            </li>
          ))}
        </ul>
        <section className="export-preview" aria-label={`${info.label} preview`} data-testid="export-preview" data-state={preview.state}>
          {info.cluster && (
            <div className="export-option">
              <label htmlFor="export-cluster-nodes">Cluster nodes</label>
              <select
                id="export-cluster-nodes"
                className="input"
                data-testid="export-cluster-nodes"
                value={clusterNodes}
                onChange={(e) => {
                  setClusterNodes(Number(e.target.value));
                  freshPreview();
                }}
              >
                {CLUSTER_CHOICES.map((n) => (
                  <option key={n} value={n}>
                    {n === 1 ? '1 (one server)' : n}
                  </option>
                ))}
              </select>
              <span className="muted">{nodes > 1 ? info.cluster.hint : 'One nats-server.'}</span>
            </div>
          )}
          {preview.state === 'loading' && <p className="muted">Exporting…</p>}
          {preview.state === 'error' && (
            <p className="form-error" role="alert">
              {preview.message}
            </p>
          )}
          {preview.state === 'ready' && (
            <>
              <div className="export-files" role="tablist" aria-label="Files">
                {files.map((file, index) => (
                  <button
                    key={file.name}
                    type="button"
                    role="tab"
                    aria-selected={file === shown}
                    className={`export-file ${file.secret ? 'export-file-secret' : ''}`}
                    data-testid="export-file"
                    onClick={() => {
                      setFileIndex(index);
                      setCopied(null);
                    }}
                  >
                    {file.secret && <LockIcon />}
                    {file.name}
                  </button>
                ))}
              </div>
              <div className="export-toolbar">
                {info.viaHost ? <span className="export-note">Each export makes new nkeys: the files written get their own keys, not the ones previewed here.</span> : <span className="muted">{shown?.name}</span>}
                <span className="spacer" />
                {copied && (
                  <span className="muted export-copied" role="status">
                    {copied}
                  </span>
                )}
                {shown && (
                  <button type="button" className="btn" data-testid="export-copy" disabled={shown.content === null} onClick={() => void copy(shown)}>
                    Copy
                  </button>
                )}
              </div>
              {shown?.content === null ? (
                <p className="export-secret" data-testid="export-secret">
                  <strong>{shown.name}</strong> holds an nkey seed (a secret). It is written only to disk, readable by you only (0600), and never shown or copied here.
                </p>
              ) : (
                <>
                  {/* Mermaid is shown drawn too, above its text. */}
                  {format === 'mermaid' && shown && <MermaidPreview text={shown.content} />}
                  <pre className={`export-content ${format === 'mermaid' ? 'export-content-short' : ''}`} data-testid="export-content" tabIndex={0}>
                    {shown?.content}
                  </pre>
                </>
              )}
            </>
          )}
          {written && (
            <p className={written.ok ? 'export-written' : 'form-error'} role="status" data-testid="export-written">
              {written.text}
            </p>
          )}
        </section>
      </div>
    </Modal>
  );
}

/** A padlock for files holding secrets (an SVG: emoji fonts are not everywhere). */
function LockIcon() {
  return (
    <svg className="lock-icon" width="10" height="11" viewBox="0 0 10 11" aria-label="secret" role="img">
      <rect x="1" y="5" width="8" height="6" rx="1" fill="currentColor" />
      <path d="M3 5V3.5a2 2 0 0 1 4 0V5" stroke="currentColor" strokeWidth="1.4" fill="none" />
    </svg>
  );
}
