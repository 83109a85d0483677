/** What the debugger's toolbar, shortcuts and badges do to paused runs: one place, called by commands and buttons alike. */
import type { ResumeMode } from '../../../agents/protocol/runtime-events';
import type { PausedRunInfo } from '../../../preload/contract';
import type { Stores } from '../stores/stores';

type PausedStores = Pick<Stores, 'run' | 'debug' | 'view'>;

/** The paused run the Paused tab shows: the one selected, else the first. */
export function currentPaused(stores: Pick<Stores, 'run' | 'debug'>): PausedRunInfo | null {
  const { paused } = stores.run.getState();
  const selected = stores.debug.getState().pausedRun;
  return paused.find((p) => p.runId === selected) ?? paused[0] ?? null;
}

/** Shows `runId` in the Debug view's Paused tab. */
export function openPausedRun(stores: PausedStores, runId: string): void {
  stores.debug.getState().selectPaused(runId);
  stores.debug.getState().setTab('paused');
  stores.view.getState().setView('debug');
}


/** Resumes the current paused run (or `runId`); `replace` is an edited decision before Act. */
export async function resumePaused(stores: Pick<Stores, 'run' | 'debug'>, mode: ResumeMode, runId?: string, replace?: unknown): Promise<void> {
  const run = runId ?? currentPaused(stores)?.runId;
  if (run) await stores.run.getState().resume(run, mode, replace);
}

/** True while a topology runs. */
export const isRunning = (stores: Pick<Stores, 'run'>): boolean => stores.run.getState().status?.state === 'running';

/** True when something is paused. */
export const hasPaused = (stores: Pick<Stores, 'run'>): boolean => stores.run.getState().paused.length > 0;

/** Pauses `agent` before its next phase, or every agent. */
export async function pauseAgents(stores: Pick<Stores, 'run'>, agent?: string): Promise<void> {
  const run = stores.run.getState();
  await (agent ? run.pause(agent) : run.pauseAll());
}

/** Lets every paused run go on. */
export const continueAll = (stores: Pick<Stores, 'run'>): Promise<void> => stores.run.getState().continueAll();
