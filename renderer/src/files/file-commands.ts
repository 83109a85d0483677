/** The File commands in the shared registry: menus, shortcuts and the command palette run these. */
import { modKey, registerCommands } from '../commands/registry';
import type { Stores } from '../stores/stores';

/** Registers New, Open, Save and Save As; returns the function that removes them. */
export function registerFileCommands(stores: Pick<Stores, 'document' | 'files'>): () => void {
  const files = () => stores.files.getState();
  const hasDocument = () => {
    const { topology, pendingText } = stores.document.getState();
    return topology !== null || pendingText !== null;
  };
  return registerCommands([
    { id: 'file.new', label: 'New…', group: 'File', keys: 'Mod+N', keyTest: modKey('n'), perform: () => files().requestNew() },
    { id: 'file.open', label: 'Open…', group: 'File', keys: 'Mod+O', keyTest: modKey('o'), perform: () => files().requestOpen() },
    {
      id: 'file.save',
      label: 'Save',
      group: 'File',
      keys: 'Mod+S',
      keyTest: modKey('s'),
      enabled: () => hasDocument() && !stores.document.getState().readOnly,
      perform: async () => void (await files().save()),
    },
    {
      id: 'file.saveAs',
      label: 'Save As…',
      group: 'File',
      keys: 'Mod+Shift+S',
      keyTest: modKey('s', { shift: true }),
      enabled: () => hasDocument() && !stores.document.getState().readOnly,
      perform: () => files().show({ kind: 'saveAs' }),
    },
  ]);
}
