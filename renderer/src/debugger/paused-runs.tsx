/** The Debug view's Paused tab: the runs waiting now (DEBUGUI builds it out from the bottom panel's debugger). */
import { DebuggerPanel } from '../run/debugger-panel';

/** The Paused tab. */
export function PausedRuns() {
  return <DebuggerPanel />;
}
