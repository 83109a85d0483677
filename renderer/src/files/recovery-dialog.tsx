/** On start: unsaved work a crashed (or closed) session left behind, to restore or discard. */
import type { Recovery } from '../../../preload/contract';
import { loadTopology } from '../../../agents/topology/load';
import { baseName } from './document-name';
import { useFilesStore } from '../stores/files-store';
import { Modal } from './modal';

/** The recovery offer. */
export function RecoveryDialog({ recoveries }: { recoveries: Recovery[] }) {
  const { restoreRecovery, discardRecovery, show } = useFilesStore();
  return (
    <Modal
      title="Recover unsaved work?"
      onClose={() => show(null)}
      testId="recovery-dialog"
      footer={
        <>
          <span className="muted">Copies you keep are offered again next time.</span>
          <span className="spacer" />
          <button type="button" className="btn" onClick={() => show(null)}>
            Later
          </button>
        </>
      }
    >
      <p className="modal-lead">Switchboard closed without saving these. Restore one to keep working on it, or discard it.</p>
      <ul className="recovery-list">
        {recoveries.map((recovery, index) => (
          <li key={recovery.key} className="recovery-item" data-testid="recovery-item">
            <div className="recovery-text">
              <span className="recovery-name">{titleOf(recovery)}</span>
              <span className="muted">
                {recovery.path ? <code>{recovery.path}</code> : 'never saved'} · autosaved {new Date(recovery.savedAt).toLocaleString()}
              </span>
            </div>
            <button type="button" className="btn" data-testid="recovery-discard" onClick={() => void discardRecovery(recovery)}>
              Discard
            </button>
            <button type="button" className="btn btn-primary" data-testid="recovery-restore" data-autofocus={index === 0 ? true : undefined} onClick={() => void restoreRecovery(recovery)}>
              Restore
            </button>
          </li>
        ))}
      </ul>
    </Modal>
  );
}

function titleOf(recovery: Recovery): string {
  if (recovery.path) return baseName(recovery.path);
  const name = loadTopology(recovery.text, 'recovered.yaml').topology?.metadata.name;
  return name ? `${name} (untitled)` : 'Untitled topology';
}
