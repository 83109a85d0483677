/** Breakpoint edits: the open topology's list changed through the run store (one undoable edit), or one switched off for now. */
import type { Breakpoint } from '../../../agents/protocol/breakpoint';
import type { Stores } from '../stores/stores';

/** Changes the breakpoint list (nothing when the document is read-only). */
export function editBreakpoints(stores: Pick<Stores, 'document' | 'run'>, change: (list: readonly Breakpoint[]) => Breakpoint[]): void {
  if (stores.document.getState().readOnly) return;
  const run = stores.run.getState();
  run.setBreakpoints(change(run.breakpoints));
}

/** Switches breakpoint `key` on or off for this session. */
export function enableBreakpoint(stores: Pick<Stores, 'run'>, key: string, enabled: boolean): void {
  stores.run.getState().enableBreakpoint(key, enabled);
}
