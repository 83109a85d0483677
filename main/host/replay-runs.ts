/**
 * The app's side of `run.replay`: reads a recorded run of the library into a replay plan (its
 * topology and recording, the fork checked), and turns a replay's outcome into the `replay` part
 * of RunStatus. The RunManager starts the plan through the one run session and drives it with
 * replay-run.ts.
 */
import type { Recording } from '../../agents/runtime/replay/recording.js';
import type { ForkPoint } from '../../agents/runtime/replay/replay-coordinator.js';
import { RpcError, type ReplayStatus } from '../../preload/contract.js';
import type { ReplayOutcome } from './replay-run.js';
import { readLibraryRun, replayTopology } from './replay-trace.js';
import { RunFailure } from './run-session-failure.js';
import type { TraceLibrary } from './trace/trace-library.js';

/** What RunManager.start needs to start a replay. */
export interface ReplayPlan {
  /** The recorded topology's text (started as it was recorded). */
  text: string;
  replay: { recording: Recording; fork?: ForkPoint };
  status: ReplayStatus;
}

/** The plan to replay `runId` (and fork it at `fork`); refuses what cannot be replayed with one short reason. */
export async function planReplay(library: TraceLibrary, runId: string, fork?: ForkPoint): Promise<ReplayPlan> {
  try {
    const trace = await readLibraryRun(library, runId);
    replayTopology(trace, fork);
    return {
      text: trace.topology,
      replay: { recording: trace.recording, ...(fork && { fork }) },
      status: { of: runId, fork: fork ? { agent: fork.agent, turn: fork.turn } : null, state: 'replaying', divergence: null },
    };
  } catch (error) {
    if (!(error instanceof RunFailure)) throw error;
    throw new RpcError(error.message.startsWith('no recorded run') ? 'not_found' : 'invalid_input', `Cannot replay ${runId}: ${error.message}`);
  }
}

/** The replay status once the replay ended with `outcome`. */
export function replayEnded(status: ReplayStatus, outcome: ReplayOutcome): ReplayStatus {
  return { ...status, state: outcome.state, divergence: outcome.divergence };
}

/** The replay status when the run stops before the replay ended (the user stopped it, or it failed). */
export function replayStopped(status: ReplayStatus | null | undefined, why = 'the run was stopped before the replay ended.'): ReplayStatus | null {
  if (!status) return null;
  return status.state === 'replaying' ? { ...status, state: 'diverged', divergence: why } : status;
}
