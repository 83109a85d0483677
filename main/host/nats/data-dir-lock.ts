/**
 * One host per data directory. The owner file records the host's pid and, once started, the
 * server's, so a host that crashed (kill -9) does not leave an orphan nats-server behind forever:
 * the next host to claim the directory stops it.
 */
import { readFile, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { isAlive } from '../../../agents/tools/process/executable.js';

interface Owner {
  hostPid: number;
}

const ownerFile = (dir: string) => path.join(dir, 'owner.json');
const serverPidFile = (dir: string) => path.join(dir, 'server.pid');

/**
 * Claims `dir` for this process. Throws when another live host owns it. Returns the pid of an
 * orphaned nats-server it stopped, if any.
 */
export async function claimDataDir(dir: string): Promise<number | null> {
  const owner = await readJson<Owner>(ownerFile(dir));
  if (owner && owner.hostPid !== process.pid && isAlive(owner.hostPid)) {
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
  }
  await writeFile(ownerFile(dir), JSON.stringify({ hostPid: process.pid } satisfies Owner));
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

/** Guards against killing an unrelated process that reused the pid. Linux only; elsewhere, no. */
async function looksLikeNatsServer(pid: number): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.includes('nats-server');
}

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return null;
  }
}
