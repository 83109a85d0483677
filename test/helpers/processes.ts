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

/** Pids of the children of `parent` whose command line contains every one of `needles`. */
export function childPidsWithCommandLine(parent: number, ...needles: string[]): number[] {
  return pidsWithCommandLine(...needles).filter((pid) => {
    try {
      return new RegExp(`^PPid:\\s+${parent}$`, 'm').test(readFileSync(`/proc/${pid}/status`, 'utf8'));
    } catch {
      return false; // exited meanwhile
    }
  });
}

/** True once process `pid` has exited: gone, or a zombie its parent has not reaped yet (its sockets are closed). */
export function hasExited(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
