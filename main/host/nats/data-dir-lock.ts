/**
 * One host per data directory. The owner file records the host's pid and, once started, the
 * server's, so a host that crashed (kill -9) does not leave an orphan nats-server behind forever:
 * the next host to claim the directory stops it.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { isAlive } from '../../../agents/tools/process/executable.js';

interface Owner {
  hostPid: number;
  /** When the host process started (Linux: clock ticks since boot), so a reused pid is not taken for it. */
  startedAt?: string | null;
}

const ownerFile = (dir: string) => path.join(dir, 'owner.json');
const serverPidFile = (dir: string) => path.join(dir, 'server.pid');

/**
 * Claims `dir` for this process. Throws when another live host owns it. Returns the pid of an
 * orphaned nats-server it stopped, if any.
 */
export async function claimDataDir(dir: string): Promise<number | null> {
  const owner = await readJson<Owner>(ownerFile(dir));
  if (owner && owner.hostPid !== process.pid && isAlive(owner.hostPid) && !(await pidReused(owner))) {
    throw new Error(
      `The data directory ${dir} is in use by another Switchboard (pid ${owner.hostPid}). ` +
        'Stop it, or give this one its own directory with --data-dir.',
    );
  }
  let reclaimed: number | null = null;
  const orphan = Number((await readFile(serverPidFile(dir), 'utf8').catch(() => '')).trim());
  if (orphan && isAlive(orphan) && (await looksLikeNatsServer(orphan))) {
    process.kill(orphan, 'SIGKILL');
    reclaimed = orphan;
    // It holds the JetStream store until it is gone: the new server must not start beside it.
    await until(async () => !isAlive(orphan) || (await processState(orphan)) === 'Z', 2000);
  }
  const owned: Owner = { hostPid: process.pid, startedAt: await startTimeOf(process.pid) };
  await writeFile(ownerFile(dir), JSON.stringify(owned));
  return reclaimed;
}

/** Records the running server's pid (null once it is gone). */
export async function recordServerPid(dir: string, pid: number | null): Promise<void> {
  if (pid === null) await rm(serverPidFile(dir), { force: true });
  else await writeFile(serverPidFile(dir), String(pid));
}

/** Gives the directory up. */
export async function releaseDataDir(dir: string): Promise<void> {
  await rm(serverPidFile(dir), { force: true });
  const owner = await readJson<Owner>(ownerFile(dir));
  if (owner?.hostPid === process.pid) await rm(ownerFile(dir), { force: true });
}

/** Guards against killing an unrelated process that reused the pid (Windows: never sure, so no). */
async function looksLikeNatsServer(pid: number): Promise<boolean> {
  return (await commandLineOf(pid)).includes('nats-server');
}

/** A process's command line: /proc on Linux, `ps` on macOS and other Unixes (no pdeathsig there, so orphans are likelier); '' when unknown. */
export async function commandLineOf(pid: number, platform: NodeJS.Platform = process.platform): Promise<string> {
  if (platform === 'linux') return readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (platform === 'win32') return '';
  return new Promise((resolve) => execFile('ps', ['-o', 'command=', '-p', String(pid)], { timeout: 2000 }, (error, stdout) => resolve(error ? '' : stdout)));
}

/** True when the live process with the owner's pid started at another time: the pid was reused (after a reboot, say). */
async function pidReused(owner: Owner): Promise<boolean> {
  if (!owner.startedAt) return false; // unknown (not Linux): assume it is the owner
  const now = await startTimeOf(owner.hostPid);
  return now !== null && now !== owner.startedAt;
}

/** A process's start time from /proc (field 22 of stat), or null where there is no /proc. */
async function startTimeOf(pid: number): Promise<string | null> {
  return (await statFields(pid))?.[19] ?? null;
}

/** A process's state letter (`Z`: exited, not yet reaped), or null. */
async function processState(pid: number): Promise<string | null> {
  return (await statFields(pid))?.[0] ?? null;
}

/** /proc/PID/stat's fields after the command name (which may hold spaces), from the state on. */
async function statFields(pid: number): Promise<string[] | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const end = stat.lastIndexOf(')');
  return end < 0 ? null : stat.slice(end + 2).split(' ');
}

/** Polls `check` every 20 ms until it holds or `timeoutMs` passed. */
async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await check()) && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return null;
  }
}
