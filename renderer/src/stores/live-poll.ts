/**
 * How a view's store keeps up with the run the Trace view shows (metrics, cycles): while the view
 * shows and that run is live it asks the host again every `pollMs`; when the trace store moves to
 * another run it asks at once; when the shown run stops being live it asks once more a moment later
 * (its last records are closed into the store then).
 */
import type { StoreApi } from 'zustand';
import type { TraceStore } from './trace-store';

/** The poller's switch: the view shows (or stops showing). */
export interface LivePoll {
  setActive(active: boolean): void;
}

/** Calls `refresh` as the view and the trace store's run require; `onRunChanged` first when the run changes. */
export function livePoll(trace: StoreApi<TraceStore>, refresh: () => void, options: { pollMs: number; endedRefreshMs: number; onRunChanged?: (runId: string | null) => void }): LivePoll {
  let active = false;
  let timer: ReturnType<typeof setInterval> | null = null;
  const isLive = () => {
    const { runId, liveRunId } = trace.getState();
    return runId !== null && runId === liveRunId;
  };
  const schedule = () => {
    const poll = active && isLive();
    if (poll && !timer) timer = setInterval(refresh, options.pollMs);
    if (!poll && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
  trace.subscribe((s, before) => {
    if (s.runId === before.runId && s.liveRunId === before.liveRunId) return;
    schedule();
    if (s.runId !== before.runId) options.onRunChanged?.(s.runId);
    if (!active) return;
    refresh();
    if (before.liveRunId !== null && before.liveRunId === s.runId && s.liveRunId === null) setTimeout(refresh, options.endedRefreshMs);
  });
  return {
    setActive(next) {
      active = next;
      schedule();
      if (next) refresh();
    },
  };
}
