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

/**
 * True once process `pid` has exited with all its threads, so its sockets are closed: gone, or a
 * zombie its parent has not reaped yet whose threads are all gone too (the first thread of a
 * killed multi-threaded process, a Go server's, shows Z while the others still hold its files).
 */
export function hasExited(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')) && readdirSync(`/proc/${pid}/task`).length <= 1;
  } catch {
    return true;
  }
}
