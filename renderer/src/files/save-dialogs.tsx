/** The dialogs around saving: Save As, replace an existing file, a conflict, unsaved changes. */
import { useState, type FormEvent } from 'react';
import { useDocumentStore } from '../stores/document-store';
import { useFilesStore } from '../stores/files-store';
import { useStores } from '../stores/stores-context';
import { documentName, suggestedFileName } from './document-name';
import { Modal } from './modal';

/** Save As: a path on the host (browser mode has no native save dialog). */
export function SaveAsDialog() {
  const { busy, error, saveAs, show } = useFilesStore();
  const stores = useStores();
  const close = () => show(null);
  const [path, setPath] = useState(() => {
    const doc = stores.document.getState();
    return doc.path ?? suggestedFileName(doc.topology);
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (path.trim()) void saveAs(path.trim());
  };
  return (
    <Modal
      title="Save topology as"
      onClose={close}
      testId="save-as-dialog"
      size="small"
      footer={
        <>
          <span className="spacer" />
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="submit" form="save-as-form" className="btn btn-primary" disabled={busy || !path.trim()}>
            Save
          </button>
        </>
      }
    >
      <form id="save-as-form" onSubmit={submit} className="field">
        <label htmlFor="save-as-path">Path of the file on the host</label>
        <input id="save-as-path" className="input mono" data-testid="save-as-path" value={path} onChange={(e) => setPath(e.target.value)} autoComplete="off" spellCheck={false} data-autofocus />
        <span className="field-hint">Use .yaml (or .json). Relative paths start where the host runs; missing folders are created.</span>
      </form>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Modal>
  );
}

/** Save As hit an existing file: replace it, or pick another path. */
export function ReplaceDialog({ path }: { path: string }) {
  const { busy, saveAs, show } = useFilesStore();
  return (
    <Modal
      title="Replace the file?"
      onClose={() => show({ kind: 'saveAs' })}
      testId="replace-dialog"
      size="small"
      footer={
        <>
          <span className="spacer" />
          <button type="button" className="btn" onClick={() => show({ kind: 'saveAs' })}>
            Choose another path
          </button>
          <button type="button" className="btn btn-danger" disabled={busy} onClick={() => void saveAs(path, true)}>
            Replace
          </button>
        </>
      }
    >
      <p>
        <code>{path}</code> already exists. Replacing it overwrites its contents.
      </p>
    </Modal>
  );
}

/** The file changed on disk (or is from a newer Switchboard): the save was refused. */
export function ConflictDialog({ message, path }: { message: string; path: string }) {
  const { busy, reloadFromDisk, show } = useFilesStore();
  const close = () => show(null);
  return (
    <Modal
      title="Not saved: the file changed on disk"
      onClose={close}
      testId="conflict-dialog"
      size="small"
      footer={
        <>
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <span className="spacer" />
          <button type="button" className="btn" disabled={busy} data-testid="conflict-reload" onClick={() => void reloadFromDisk(path)}>
            Reload from disk (drop my changes)
          </button>
          <button type="button" className="btn btn-primary" data-testid="conflict-save-as" onClick={() => show({ kind: 'saveAs' })}>
            Save As…
          </button>
        </>
      }
    >
      <p className="form-error" role="alert" data-testid="conflict-message">
        {message}
      </p>
      <p className="muted">Your changes are still here, unsaved. Reload to take the file as it is on disk, or save your version under another name.</p>
    </Modal>
  );
}

/** New or Open would replace a document with unsaved changes. */
export function UnsavedDialog() {
  const name = useDocumentStore((s) => documentName(s.path, s.topology));
  const { busy, resolveUnsaved } = useFilesStore();
  return (
    <Modal
      title="Unsaved changes"
      onClose={() => void resolveUnsaved('cancel')}
      testId="unsaved-dialog"
      size="small"
      footer={
        <>
          <button type="button" className="btn" onClick={() => void resolveUnsaved('cancel')}>
            Cancel
          </button>
          <span className="spacer" />
          <button type="button" className="btn btn-danger" data-testid="unsaved-discard" onClick={() => void resolveUnsaved('discard')}>
            Don't save
          </button>
          <button type="button" className="btn btn-primary" disabled={busy} data-testid="unsaved-save" onClick={() => void resolveUnsaved('save')}>
            Save
          </button>
        </>
      }
    >
      <p>
        <strong>{name}</strong> has changes that are not saved. Save them first?
      </p>
    </Modal>
  );
}
