/** The Export command in the shared registry (menu, Mod+E, command palette). */
import { modKey, registerCommands } from '../commands/registry';
import { useDocumentStore } from '../stores/document-store';
import { useExportStore } from './export-store';

/** Registers `export.open`; returns the function that removes it. */
export function registerExportCommands(): () => void {
  return registerCommands([
    {
      id: 'export.open',
      label: 'Export…',
      group: 'Export',
      keys: 'Mod+E',
      keyTest: modKey('e'),
      enabled: () => useDocumentStore.getState().topology !== null,
      perform: () => useExportStore.getState().show(),
    },
  ]);
}
