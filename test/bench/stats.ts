/** Small statistics and reporting helpers shared by the benchmarks. */

/** The q-quantile (0..1) of `values`, by nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** The median of `values`. */
export const median = (values: readonly number[]) => quantile(values, 0.5);

/** One printed line of a benchmark. */
export interface BenchLine {
  name: string;
  /** The measured statistic (the line's name says which: median, p50, p99), with its unit. */
  value: number;
  unit: string;
  /** The raw baseline measured in the same run, when the bench compares against one. */
  baseline?: { name: string; value: number };
  /** The target, as text (informational: benchmarks never fail a build). */
  target?: string;
  runs: number;
}

/** Prints a line: `name  value unit  (ratio x baseline)  target`. */
export function report(line: BenchLine): void {
  const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  const ratio = line.baseline ? `  ratio ${(line.value / line.baseline.value).toFixed(2)}x vs ${line.baseline.name} (${fmt(line.baseline.value)} ${line.unit})` : '';
  const target = line.target ? `  [target: ${line.target}]` : '';
  console.log(`${line.name.padEnd(44)} ${fmt(line.value).padStart(8)} ${line.unit}  (n=${line.runs})${ratio}${target}`);
}

/** Runs `fn` `runs` times sequentially and returns each duration in ms. */
export async function timeRuns(runs: number, fn: () => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) out.push(await fn());
  return out;
}
