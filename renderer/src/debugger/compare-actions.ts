/** Opening a comparison from elsewhere (the runs list, the replay notice): the Debug view's Compare tab on two runs. */
import type { Stores } from '../stores/stores';

/** Shows runs `a` and `b` aligned in the Debug view's Compare tab (the runs dialog closes). */
export function openComparison(stores: Pick<Stores, 'debug' | 'view' | 'runs'>, a: string, b: string): void {
  stores.runs.getState().showDialog(false);
  stores.debug.getState().compareRuns(a, b);
  stores.view.getState().setView('debug');
}
