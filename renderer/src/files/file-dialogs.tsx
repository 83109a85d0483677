/** Whichever file dialog is up, plus the short notices ("Saved …") the file actions leave. */
import { useFilesStore } from '../stores/files-store';
import { NewDialog } from './new-dialog';
import { OpenDialog } from './open-dialog';
import { RecoveryDialog } from './recovery-dialog';
import { ConflictDialog, ReplaceDialog, SaveAsDialog, UnsavedDialog } from './save-dialogs';

/** The current file dialog and notice. */
export function FileDialogs() {
  const dialog = useFilesStore((s) => s.dialog);
  const notice = useFilesStore((s) => s.notice);
  return (
    <>
      {dialog?.kind === 'new' && <NewDialog />}
      {dialog?.kind === 'open' && <OpenDialog />}
      {dialog?.kind === 'saveAs' && <SaveAsDialog />}
      {dialog?.kind === 'replace' && <ReplaceDialog path={dialog.path} />}
      {dialog?.kind === 'conflict' && <ConflictDialog message={dialog.message} path={dialog.path} />}
      {dialog?.kind === 'unsaved' && <UnsavedDialog />}
      {dialog?.kind === 'recovery' && <RecoveryDialog recoveries={dialog.recoveries} />}
      {notice && (
        <div className="notice" role="status" data-testid="notice">
          {notice}
        </div>
      )}
    </>
  );
}
