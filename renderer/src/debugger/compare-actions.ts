/** Opening a comparison from elsewhere (the runs list, the replay notice), and how a run is named when picking one. */
import type { RecordedRun } from '../../../preload/contract';
import type { Stores } from '../stores/stores';

/** Shows runs `a` and `b` aligned in the Debug view's Compare tab (the runs dialog closes). */
export function openComparison(stores: Pick<Stores, 'debug' | 'view' | 'runs'>, a: string, b: string): void {
  stores.runs.getState().showDialog(false);
  stores.debug.getState().compareRuns(a, b);
  stores.view.getState().setView('debug');
}

/** What a replay or fork re-ran, in a few words ("replay of run-…", "fork of run-… at agent #2"); empty for other runs. */
export function replayLabel(run: Pick<RecordedRun, 'replayOf' | 'fork'>): string {
  if (!run.replayOf) return '';
  return run.fork ? `fork of ${run.replayOf} at ${run.fork.agent} #${run.fork.turn}` : `replay of ${run.replayOf}`;
}

/** A run as a picker lists it: topology · start (UTC) · id, and what it replays. */
export function runLabel(run: RecordedRun): string {
  const replay = replayLabel(run);
  return `${run.topology ?? '(no topology)'} · ${run.startedAt.replace('T', ' ').slice(0, 19)} · ${run.runId}${replay ? ` (${replay})` : ''}`;
}

/** The pair the Compare tab opens on when none was chosen: the newest replay or fork and its original, else the two newest runs (runs newest first). */
export function defaultPair(runs: readonly RecordedRun[]): { a: string; b: string } | null {
  const replay = runs.find((r) => r.replayOf && runs.some((o) => o.runId === r.replayOf));
  if (replay) return { a: replay.replayOf!, b: replay.runId };
  return runs.length >= 2 ? { a: runs[1]!.runId, b: runs[0]!.runId } : null;
}
