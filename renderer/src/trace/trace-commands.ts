/** The trace explorer's commands in the shared registry (command palette, menus). */
import { registerCommands } from '../commands/registry';
import type { Stores } from '../stores/stores';

/** Registers `view.trace` and `trace.followLive`; returns the function that removes them. */
export function registerTraceCommands(stores: Pick<Stores, 'view' | 'trace'>): () => void {
  return registerCommands([
    { id: 'view.trace', label: 'Show the trace explorer', group: 'View', perform: () => stores.view.getState().setView('trace') },
    {
      id: 'trace.followLive',
      label: 'Follow the live run in the trace',
      group: 'View',
      enabled: () => stores.trace.getState().liveRunId !== null,
      perform: async () => {
        const trace = stores.trace.getState();
        stores.view.getState().setView('trace');
        if (trace.liveRunId && trace.runId !== trace.liveRunId) await trace.openRun(trace.liveRunId);
        await stores.trace.getState().setFollow(true);
      },
    },
  ]);
}
