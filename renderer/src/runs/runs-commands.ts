/** The runs list's commands in the shared registry (command palette, menus). */
import { registerCommands } from '../commands/registry';
import type { Stores } from '../stores/stores';

/** Registers `trace.runs` and `trace.closeRun`; returns the function that removes them. */
export function registerRunsCommands(stores: Pick<Stores, 'runs'>): () => void {
  const runs = () => stores.runs.getState();
  return registerCommands([
    { id: 'trace.runs', label: 'Recorded runs… (open, import, export, delete)', group: 'View', perform: () => runs().showDialog(true) },
    { id: 'trace.closeRun', label: 'Back to my topology (leave the recorded run)', group: 'View', enabled: () => runs().viewing !== null, perform: () => runs().closeView() },
  ]);
}
