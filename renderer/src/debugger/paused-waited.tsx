/** "waiting 12 s": how long a paused run has waited, ticking once a second. */
import { useEffect, useState } from 'react';
import type { PausedRunInfo } from '../../../preload/contract';

/** When `run` paused (epoch ms, the host's clock). */
export const pausedSince = (run: PausedRunInfo): number => Date.parse(run.pausedAt);

/** A wait in words: "4 s", "2 min 05 s", "1 h 03 min". */
export function waitedText(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** The ticking wait of `run`. */
export function Waited({ run, prefix = 'waiting ' }: { run: PausedRunInfo; prefix?: string }) {
  const since = pausedSince(run);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <span className="paused-waited" data-testid="paused-waited" title={`Paused at ${new Date(since).toLocaleTimeString()}`}>
      {prefix}
      {waitedText(now - since)}
    </span>
  );
}
