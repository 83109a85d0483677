/** The Export command in the shared registry (menu, Mod+E, command palette). */
import { modKey, registerCommands } from '../commands/registry';
import type { Stores } from '../stores/stores';

/** Registers `export.open`; returns the function that removes it. */
export function registerExportCommands(stores: Pick<Stores, 'document' | 'export'>): () => void {
  return registerCommands([
    {
      id: 'export.open',
      label: 'Export…',
      group: 'Export',
      keys: 'Mod+E',
      keyTest: modKey('e'),
      enabled: () => stores.document.getState().topology !== null,
      perform: () => stores.export.getState().show(),
    },
  ]);
}
