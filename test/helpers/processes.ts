/** Finds processes by command line (Linux /proc), to prove nothing was left running. */
import { readdirSync, readFileSync } from 'node:fs';

/** Pids of processes whose command line contains every one of `needles`. */
export function pidsWithCommandLine(...needles: string[]): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue; // exited meanwhile
    }
    if (needles.every((n) => cmdline.includes(n))) pids.push(Number(entry));
  }
  return pids;
}
