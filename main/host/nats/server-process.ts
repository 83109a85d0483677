/**
 * One nats-server process from spawn to exit: the ports file it writes (so random ports need no
 * pick-then-bind race), `/healthz` for ready, and SIGTERM with a wait. The embedded server's
 * supervisor and the tests' launcher both go through these, so there is one way to do it.
 */
import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fetchHealth } from './monitoring.js';

/** The ports a running nats-server listens on (cluster only when it has a cluster block). */
export interface ServerPorts {
  client: number;
  monitor: number;
  cluster?: number;
}

/** Variables a nats-server child keeps: where it runs, its locale and time zone (Windows needs SystemRoot). */
const SERVER_ENV = ['PATH', 'HOME', 'TMPDIR', 'TEMP', 'TMP', 'TZ', 'LANG', 'LC_ALL', 'SystemRoot', 'windir'];

/**
 * The environment a nats-server is started with: only {@link SERVER_ENV}. The host's holds model
 * keys and other secrets the server never needs (its config is written by us, without `$VAR`s).
 */
export function serverEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(SERVER_ENV.filter((name) => env[name] !== undefined).map((name) => [name, env[name]]));
}

/** Where nats-server writes its ports file: `<ports_file_dir>/<binary name>_<pid>.ports`. */
export function portsFilePath(binary: string, pid: number | undefined, runDir: string): string {
  return path.join(runDir, `${path.basename(binary).replace(/\.exe$/i, '')}_${pid}.ports`);
}

/** The ports in a ports file; null while it is not written yet (or half written). */
async function readPortsFile(file: string): Promise<ServerPorts | null> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { nats?: string[]; monitoring?: string[]; cluster?: string[] };
    const client = Number(new URL(parsed.nats?.[0] ?? '').port);
    const monitor = Number(new URL(parsed.monitoring?.[0] ?? '').port);
    if (!client || !monitor) return null;
    const cluster = parsed.cluster?.[0] ? Number(new URL(parsed.cluster[0]).port) : undefined;
    return cluster ? { client, monitor, cluster } : { client, monitor };
  } catch {
    return null;
  }
}

/**
 * Waits for the ports file, then for `/healthz` to answer ok; throws 'exited' if the process exits
 * first. No timeout of its own: callers race it with theirs, and with the process's exit.
 */
export async function waitUntilReady(child: ChildProcess, portsFile: string): Promise<ServerPorts> {
  let ports: ServerPorts | null = null;
  for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error('exited');
    if (!ports) ports = await readPortsFile(portsFile);
    if (ports && (await fetchHealth(`http://127.0.0.1:${ports.monitor}`, 500))) return ports;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** SIGTERM, wait, SIGKILL if it takes too long; resolves once the process has exited. */
export async function terminate(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}
