/** The small counters on a live agent node, from the host's per-agent metric totals. Pure. */
import type { MetricsTotals } from '../../../agents/trace/metrics';

/** What an agent node shows under its name while a run is shown: the host's metric totals (trace.getMetrics). */
export type AgentCounters = MetricsTotals;

/** A count in a few characters: 999, 1.2k, 34k, 1.2M. */
export function shortCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 10_000) return `${(n / 1000).toFixed(1).replace(/\.0$/, '')}k`;
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  return `${(n / 1_000_000).toFixed(1).replace(/\.0$/, '')}M`;
}

/** A latency in a few characters: 850 ms, 1.2 s, 14 s. */
export function shortMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
