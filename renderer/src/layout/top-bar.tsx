/**
 * The top bar: File / Edit menus and Export (all from the command registry), the open document's
 * name with its unsaved marker, the command palette, run controls and the server at a glance.
 * It also hosts the file and export dialogs, which belong to no panel.
 */
import { useEffect, useSyncExternalStore } from 'react';
import { allCommands, displayKeys, onCommandsChanged, runCommand } from '../commands/registry';
import { ExportDialog } from '../export/export-dialog';
import { baseName, documentName, windowTitle } from '../files/document-name';
import { FileDialogs } from '../files/file-dialogs';
import { Menu, type MenuEntry } from '../files/menu';
import { RunControls } from '../run/run-controls';
import { RunsStatus, RunViewBanner } from '../runs/run-banner';
import { ReplayNotice } from '../debugger/compare-replay-notice';
import { RunsDialog } from '../runs/runs-dialog';
import { StatePill } from '../server/state-pill';
import { useDocumentStore } from '../stores/document-store';
import { useRunsStore } from '../stores/runs-store';
import { useServerStore } from '../stores/server-store';
import { useStores } from '../stores/stores-context';

let commandsVersion = 0;
const subscribeCommands = (listener: () => void) =>
  onCommandsChanged(() => {
    commandsVersion++;
    listener();
  });

const commandsOf = (group: string): MenuEntry[] => allCommands().filter((c) => c.group === group).map((command) => ({ kind: 'command', command }));

/** The top bar. */
export function TopBar() {
  const stores = useStores();
  const status = useServerStore((s) => s.status);
  const path = useDocumentStore((s) => s.path);
  const topology = useDocumentStore((s) => s.topology);
  const open = useDocumentStore((s) => s.topology !== null || s.pendingText !== null);
  const dirty = useDocumentStore((s) => s.dirty);
  const readOnly = useDocumentStore((s) => s.readOnly);
  const viewingRun = useRunsStore((s) => s.viewing !== null);
  // Re-render when commands come and go (the palette and Edit commands are registered elsewhere).
  useSyncExternalStore(subscribeCommands, () => commandsVersion);
  // A recorded run's topology has no file: its name, not "(untitled)".
  const name = open ? (viewingRun ? (topology?.metadata.name ?? 'recorded run') : documentName(path, topology)) : null;
  const exportCommand = allCommands().find((c) => c.id === 'export.open');
  const paletteCommand = allCommands().find((c) => c.id === 'view.commandPalette');

  useEffect(() => {
    document.title = windowTitle(name, dirty);
  }, [name, dirty]);

  const fileEntries = (): MenuEntry[] => {
    const files = stores.files.getState();
    const recent = files.recent;
    return [
      ...commandsOf('File'),
      { kind: 'separator' },
      { kind: 'heading', text: 'Recent' },
      ...(recent.length === 0
        ? [{ kind: 'heading', text: 'No recent files' } as const]
        : recent.slice(0, 8).map((file): MenuEntry => ({ kind: 'action', label: baseName(file), title: file, testId: 'recent-file', onSelect: () => files.requestOpenPath(file) }))),
    ];
  };
  const editEntries = (): MenuEntry[] => {
    const entries = commandsOf('Edit');
    return entries.length ? entries : [{ kind: 'heading', text: 'Nothing to edit yet' }];
  };

  return (
    <>
      <header className="top-bar">
        <div className="brand">
          <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true">
            <circle cx="5" cy="12" r="3" fill="currentColor" />
            <circle cx="19" cy="5" r="3" fill="currentColor" />
            <circle cx="19" cy="19" r="3" fill="currentColor" />
            <path d="M7.5 11 16.5 6M7.5 13l9 5" stroke="currentColor" strokeWidth="2" fill="none" />
          </svg>
          Switchboard
        </div>
        <nav className="menu-bar" aria-label="Menu">
          <Menu label="File" testId="menu-file" entries={fileEntries} />
          <Menu label="Edit" testId="menu-edit" entries={editEntries} />
          <button
            type="button"
            className="menu-button"
            data-testid="menu-export"
            disabled={!exportCommand || exportCommand.enabled?.() === false}
            title={exportCommand?.keys ? `Export (${displayKeys(exportCommand.keys)})` : 'Export'}
            onClick={() => void runCommand('export.open')}
          >
            Export
          </button>
        </nav>
        <div className={`document-title ${open ? 'document-title-open' : ''}`} title={path ?? name ?? 'No topology is open'} data-testid="document-title" data-dirty={dirty}>
          {name === null ? (
            'No topology open'
          ) : (
            <>
              {dirty && (
                <span className="dirty-marker" aria-label="Unsaved changes" title="Unsaved changes">
                  ●
                </span>
              )}
              <span>{name}</span>
              {readOnly && <span className="readonly-badge">read-only</span>}
            </>
          )}
        </div>
        <button type="button" className="btn palette-button" data-testid="open-command-palette" disabled={!paletteCommand} title="Command palette" onClick={() => void runCommand('view.commandPalette')}>
          Commands <kbd className="mono">{displayKeys(paletteCommand?.keys ?? 'Mod+K')}</kbd>
        </button>
        <RunControls />
        <div className="top-bar-server" title={status?.clientUrl ?? ''}>
          <span className="muted">NATS</span>
          <StatePill status={status} />
          {status?.version && <span className="muted">v{status.version}</span>}
        </div>
      </header>
      <RunViewBanner />
      <ReplayNotice />
      {readOnly && !viewingRun && (
        <div className="banner banner-readonly" role="status" data-testid="readonly-banner">
          {path ? <code>{path}</code> : 'This file'} was written by a newer version of Switchboard. It is shown read-only and Save is off, so it is never overwritten by a version that cannot read it.
        </div>
      )}
      <FileDialogs />
      <ExportDialog />
      <RunsDialog />
      <RunsStatus />
    </>
  );
}
