/**
 * File > Open. Browser mode has no native file dialog that yields a path, so: a path field, the
 * recent files, and the browser's picker, which gives only the text (opened as untitled).
 */
import { useRef, useState, type FormEvent } from 'react';
import { baseName } from './document-name';
import { useFilesStore } from '../stores/files-store';
import { Modal } from './modal';

/** The open dialog. */
export function OpenDialog() {
  const { recent, busy, error, openPath, openPicked, show } = useFilesStore();
  const [path, setPath] = useState('');
  const picker = useRef<HTMLInputElement>(null);
  const close = () => show(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (path.trim()) void openPath(path.trim());
  };
  const pick = async (file: File | undefined) => {
    if (file) openPicked(file.name, await file.text());
  };

  return (
    <Modal
      title="Open topology"
      onClose={close}
      testId="open-dialog"
      footer={
        <>
          <button type="button" className="btn" onClick={() => picker.current?.click()}>
            Choose a file from this computer…
          </button>
          <span className="spacer" />
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="submit" form="open-form" className="btn btn-primary" disabled={busy || !path.trim()}>
            Open
          </button>
        </>
      }
    >
      <form id="open-form" onSubmit={submit} className="field">
        <label htmlFor="open-path">Path of a topology file (.switchboard, .yaml, .yml or .json) or a recorded trace (.ndjson) on the host</label>
        <input id="open-path" className="input mono" data-testid="open-path" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/home/me/agents/support.yaml" autoComplete="off" spellCheck={false} data-autofocus />
        <span className="field-hint">Relative paths start where the host runs (the folder of <code>switchboard serve</code>).</span>
      </form>
      {error && (
        <p className="form-error" role="alert" data-testid="open-error">
          {error}
        </p>
      )}
      <h3 className="section-title">Recent</h3>
      {recent.length === 0 ? (
        <p className="muted">No recent files yet.</p>
      ) : (
        <ul className="recent-list" data-testid="recent-list">
          {recent.map((file) => (
            <li key={file}>
              <button type="button" className="recent-item" disabled={busy} onClick={() => void openPath(file)} title={file}>
                <span className="recent-name">{baseName(file)}</span>
                <span className="recent-path mono">{file}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <input ref={picker} type="file" accept=".switchboard,.yaml,.yml,.json,.ndjson,application/x-yaml,application/json,application/x-ndjson" hidden data-testid="open-picker" onChange={(e) => void pick(e.target.files?.[0])} />
    </Modal>
  );
}
