import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toConnectionOptions } from '../../main/host/nats/connect-options.js';
import { claimDataDir, commandLineOf } from '../../main/host/nats/data-dir-lock.js';
import { EmbeddedNatsServer, type EmbeddedServerOptions } from '../../main/host/nats/embedded-server.js';
import { ServerStatsSchema, type ServerState, type ServerStatus } from '../../preload/contract.js';
import { natsServerBinary } from '../helpers/nats-binary.js';
import { pidsWithCommandLine } from '../helpers/processes.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

const binary = natsServerBinary();

let dataDir: string;
const servers: EmbeddedNatsServer[] = [];
const connections: NatsConnection[] = [];
const children: ChildProcess[] = [];

beforeEach(async () => {
  dataDir = await makeTempDir('embedded');
});

afterEach(async () => {
  await Promise.all(connections.splice(0).map((nc) => nc.close().catch(() => undefined)));
  await Promise.all(servers.splice(0).map((server) => server.stop().catch(() => undefined)));
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await removeTempDir(dataDir);
});

/** An embedded server on this test's data dir with fast restarts; stopped after the test. */
function newServer(options: Partial<EmbeddedServerOptions> = {}): EmbeddedNatsServer {
  const server = new EmbeddedNatsServer({ binary, dataDir, restartBackoffMs: [50, 100], ...options });
  servers.push(server);
  return server;
}

/** A NATS client with the server's credentials, closed after the test. */
async function client(server: EmbeddedNatsServer, extra: Partial<NodeConnectionOptions> = {}): Promise<NatsConnection> {
  const nc = await connect({ ...toConnectionOptions(server.connectSettings()), name: 'embedded-server-test', ...extra });
  connections.push(nc);
  return nc;
}

/** A child process killed after the test. */
function track(child: ChildProcess): ChildProcess {
  children.push(child);
  return child;
}

/** Resolves with the first status the server reports that matches. */
function nextStatus(server: EmbeddedNatsServer, match: (status: ServerStatus) => boolean): Promise<ServerStatus> {
  return new Promise((resolve) => {
    const off = server.onStatus((status) => {
      if (!match(status)) return;
      off();
      resolve(status);
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** Pids of processes whose command line mentions both nats-server and `dir` (Linux /proc). */
const natsServersUsing = async (dir: string): Promise<number[]> => pidsWithCommandLine('nats-server', dir);

/** Subscribes and collects payloads as strings. */
function collect(nc: NatsConnection, subject: string): string[] {
  const received: string[] = [];
  const sub = nc.subscribe(subject);
  void (async () => {
    for await (const msg of sub) received.push(msg.string());
  })();
  return received;
}

/** Publishes `text` on `subject` from `publisher` until `received` contains it. */
async function deliverEventually(publisher: NatsConnection, subject: string, text: string, received: string[]): Promise<void> {
  await until(
    async () => {
      publisher.publish(subject, text);
      await publisher.flush();
      return received.includes(text);
    },
    `"${text}" delivered on ${subject}`,
    10_000,
    50,
  );
}

// A normal start: ports, version, credentials, counters and the JetStream store.
describe('EmbeddedNatsServer start', () => {
  it('runs on 127.0.0.1 and reports its version, urls and pid', async () => {
    const server = newServer();
    await server.start();
    const status = server.status();
    expect(status).toMatchObject({ mode: 'embedded', state: 'running', restarts: 0, lastError: null });
    expect(status.version).toMatch(/^2\./);
    expect(status.clientUrl).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
    expect(status.monitorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(status.readyAt).not.toBeNull();
    expect(status.pid).toBeGreaterThan(0);
    expect(isAlive(status.pid!)).toBe(true);
    expect(server.connectSettings().servers).toEqual([status.clientUrl]);
  });

  it("starts the server without the host's secrets in its environment", async () => {
    const key = `sk-never-in-the-server-${process.pid}`;
    process.env['SB_TEST_MODEL_KEY'] = key;
    try {
      const server = newServer();
      await server.start();
      // setpriv (Linux) execs nats-server in place: /proc/PID/environ is the server's own.
      const environ = await readFile(`/proc/${server.status().pid}/environ`, 'utf8');
      expect(environ).toContain('PATH=');
      expect(environ).not.toContain(key);
    } finally {
      delete process.env['SB_TEST_MODEL_KEY'];
    }
  });

  it('lets a client with the per-launch nkey publish and subscribe', async () => {
    const server = newServer();
    await server.start();
    const nc = await client(server);
    const sub = nc.subscribe('test.greeting', { max: 1 });
    nc.publish('test.greeting', 'hello');
    const texts: string[] = [];
    for await (const msg of sub) texts.push(msg.string());
    expect(texts).toEqual(['hello']);
  });

  it('refuses a client without the nkey', async () => {
    const server = newServer();
    await server.start();
    const anonymous = connect({ servers: server.status().clientUrl!, reconnect: false });
    await expect(anonymous).rejects.toThrow(/authorization/i);
  });

  it('keeps the nkey seed out of the config file on disk', async () => {
    const server = newServer();
    await server.start();
    const seed = server.connectSettings().nkeySeed!;
    expect(seed).toMatch(/^SU/);
    const config = await readFile(path.join(dataDir, 'nats', 'nats-server.conf'), 'utf8');
    expect(config).toContain('nkey');
    expect(config).not.toContain(seed);
  });

  it('reports monitoring counters that see a connected client', async () => {
    const server = newServer();
    await server.start();
    const nc = await client(server);
    nc.subscribe('test.count');
    await nc.flush();
    const stats = await server.stats();
    expect(ServerStatsSchema.parse(stats)).toEqual(stats);
    expect(stats!.connections).toBeGreaterThanOrEqual(1);
    expect(stats!.subscriptions).toBeGreaterThanOrEqual(1);
  });

  it('keeps the JetStream store under <dataDir>/nats/jetstream', async () => {
    const server = newServer();
    await server.start();
    const varz = (await (await fetch(`${server.status().monitorUrl}/varz`)).json()) as {
      jetstream?: { config?: { store_dir?: string } };
    };
    const storeRoot = path.join(dataDir, 'nats', 'jetstream');
    expect(varz.jetstream?.config?.store_dir).toBeDefined();
    expect(path.resolve(varz.jetstream!.config!.store_dir!).startsWith(storeRoot)).toBe(true);
    expect(existsSync(storeRoot)).toBe(true);
  });
});

// Supervision: an unexpected exit is followed by a restart on the same ports.
describe('EmbeddedNatsServer after SIGKILL', () => {
  it('restarts on the same ports, counts the restart and logs why', async () => {
    const server = newServer();
    await server.start();
    const before = server.status();
    const nc = await client(server, { reconnectTimeWait: 100, maxReconnectAttempts: -1 });
    const received = collect(nc, 'test.crash');
    await deliverEventually(nc, 'test.crash', 'before', received);

    const states: ServerState[] = [];
    server.onStatus((status) => states.push(status.state));
    const restarted = nextStatus(server, (status) => status.state === 'running' && status.restarts === 1);
    process.kill(before.pid!, 'SIGKILL');
    const after = await restarted;

    expect(states[0]).toBe('restarting');
    expect(states.at(-1)).toBe('running');
    expect(after.pid).not.toBe(before.pid);
    expect(isAlive(before.pid!)).toBe(false);
    expect(after.clientUrl).toBe(before.clientUrl);
    expect(after.monitorUrl).toBe(before.monitorUrl);
    expect(server.status()).toMatchObject({ state: 'running', restarts: 1, pid: after.pid });

    const publisher = await client(server);
    await deliverEventually(publisher, 'test.crash', 'after', received); // the old client reconnected

    const notes = server.logs().filter((line) => line.source === 'supervisor').map((line) => line.text);
    expect(notes.some((text) => /exited unexpectedly/.test(text) && text.includes('SIGKILL'))).toBe(true);
  });

  it('stays stopped when stop() is called as the server goes to restarting', async () => {
    const server = newServer();
    await server.start();
    const pid = server.status().pid!;
    let stopped: Promise<void> | undefined;
    server.onStatus((status) => {
      if (status.state === 'restarting' && !stopped) stopped = server.stop();
    });
    process.kill(pid, 'SIGKILL');
    await until(() => stopped !== undefined, 'stop() called from the status listener');
    await stopped;
    await new Promise((resolve) => setTimeout(resolve, 500)); // well past the 50 ms backoff: a restart that should not happen has no event to await
    expect(server.status().state).toBe('stopped');
    expect(await natsServersUsing(dataDir)).toEqual([]);
  });
});

// Stopping: the process is gone and nothing of this data dir is left running.
describe('EmbeddedNatsServer stop', () => {
  it('stops the process and gives the data dir up', async () => {
    const server = newServer();
    await server.start();
    const pid = server.status().pid!;
    expect(await natsServersUsing(dataDir)).toEqual([pid]);

    await server.stop();
    expect(server.status()).toMatchObject({ state: 'stopped', pid: null });
    expect(isAlive(pid)).toBe(false);
    expect(await natsServersUsing(dataDir)).toEqual([]);
    expect(existsSync(path.join(dataDir, 'nats', 'owner.json'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'nats', 'server.pid'))).toBe(false);
  });

  it('leaves nothing running when stop() is called while start() is still in progress', async () => {
    const server = newServer();
    const starting = server.start().catch(() => undefined); // may resolve or reject; stop must win either way
    await server.stop();
    await starting;
    expect(server.status()).toMatchObject({ state: 'stopped', pid: null });
    expect(await natsServersUsing(dataDir)).toEqual([]);
  });

  it('can start again after a stop', async () => {
    const server = newServer();
    await server.start();
    await server.stop();
    await server.start();
    expect(server.status().state).toBe('running');
    const nc = await client(server);
    const received = collect(nc, 'test.again');
    await deliverEventually(nc, 'test.again', 'hi', received);
  });
});

// Starts that cannot succeed reject with a readable reason and leave nothing running.
describe('EmbeddedNatsServer failed starts', () => {
  it('rejects a missing binary', async () => {
    const server = newServer({ binary: path.join(dataDir, 'no-such-nats-server') });
    await expect(server.start()).rejects.toThrow('not found or not executable');
    expect(server.status().state).toBe('failed');
    expect(server.status().lastError).toContain('not found or not executable');
  });

  it('rejects a binary that exits at once', async () => {
    const server = newServer({ binary: '/bin/false' });
    await expect(server.start()).rejects.toThrow('exited before it was ready');
    expect(server.status()).toMatchObject({ state: 'failed', pid: null });
    expect(existsSync(path.join(dataDir, 'nats', 'owner.json'))).toBe(false);
  });

  // The test's own timeout is below readyTimeoutMs: waiting for the ready timeout fails it.
  it('rejects a taken client port with nats-server’s own words, without waiting for the timeout', { timeout: 4_000 }, async () => {
    const blocker = net.createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    try {
      const port = (blocker.address() as net.AddressInfo).port;
      const server = newServer({ port, readyTimeoutMs: 5_000 });
      const error = await server.start().then(
        () => null,
        (reason: unknown) => reason as Error,
      );
      expect(error).toBeInstanceOf(Error);
      expect(error!.message).toContain('exited before it was ready');
      expect(error!.message).toMatch(/address already in use/i);
      expect(server.status().state).toBe('failed');
      expect(await natsServersUsing(dataDir)).toEqual([]);
    } finally {
      blocker.close();
    }
  });

  it('gives up on a binary that never becomes ready and kills it', async () => {
    const pidFile = path.join(dataDir, 'sleeper.pid');
    const sleeper = path.join(dataDir, 'sleeper');
    await writeFile(sleeper, `#!/bin/sh\necho $$ > ${JSON.stringify(pidFile)}\nexec sleep 30\n`);
    await chmod(sleeper, 0o755);
    const server = newServer({ binary: sleeper, readyTimeoutMs: 500 });

    await expect(server.start()).rejects.toThrow('did not become ready within 500 ms');
    expect(server.status().state).toBe('failed');
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    expect(pid).toBeGreaterThan(0);
    expect(isAlive(pid)).toBe(false);
  });
});

// An explicit restart: new process, same ports, not counted as a crash.
describe('EmbeddedNatsServer restart', () => {
  it('restarts on the same client port without counting a restart', async () => {
    const server = newServer();
    await server.start();
    const before = server.status();
    const nc = await client(server, { reconnectTimeWait: 100, maxReconnectAttempts: -1 });
    const received = collect(nc, 'test.restart');
    await deliverEventually(nc, 'test.restart', 'before', received);

    const states: ServerState[] = [];
    server.onStatus((status) => states.push(status.state));
    await server.restart();

    const after = server.status();
    expect(states).toEqual(['restarting', 'running']);
    expect(after).toMatchObject({ state: 'running', restarts: 0, clientUrl: before.clientUrl, lastError: null });
    expect(after.pid).not.toBe(before.pid);
    expect(isAlive(before.pid!)).toBe(false);
    expect(server.logs().some((line) => /exited unexpectedly/.test(line.text))).toBe(false);

    const publisher = await client(server);
    await deliverEventually(publisher, 'test.restart', 'after', received);
  });
});

// The data-dir lock: one live host per directory; orphaned servers of a dead host are stopped.
describe('claimDataDir', () => {
  const spawnSleep = () => track(spawn('sleep', ['30'], { stdio: 'ignore' }));

  /** The pid of a process that has exited. */
  async function deadPid(): Promise<number> {
    const child = spawn('true', [], { stdio: 'ignore' });
    await once(child, 'exit');
    return child.pid!;
  }

  it('refuses a directory owned by another live process', async () => {
    const other = spawnSleep();
    const owner = JSON.stringify({ hostPid: other.pid });
    await writeFile(path.join(dataDir, 'owner.json'), owner);
    await expect(claimDataDir(dataDir)).rejects.toThrow('in use by another Switchboard');
    expect(await readFile(path.join(dataDir, 'owner.json'), 'utf8')).toBe(owner);
  });

  it('takes over from a dead host and kills the nats-server it left behind', async () => {
    const orphan = track(spawn(binary, ['-a', '127.0.0.1', '-p', '-1'], { stdio: 'ignore' }));
    const orphanExit = once(orphan, 'exit');
    await writeFile(path.join(dataDir, 'owner.json'), JSON.stringify({ hostPid: await deadPid() }));
    await writeFile(path.join(dataDir, 'server.pid'), String(orphan.pid));

    expect(await claimDataDir(dataDir)).toBe(orphan.pid);
    const [, signal] = (await orphanExit) as [number | null, NodeJS.Signals | null];
    expect(signal).toBe('SIGKILL');
    expect(JSON.parse(await readFile(path.join(dataDir, 'owner.json'), 'utf8'))).toMatchObject({ hostPid: process.pid });
  });

  it('takes over when the owner\'s pid now belongs to a process that started later (a reused pid)', async () => {
    const reused = spawnSleep();
    await writeFile(path.join(dataDir, 'owner.json'), JSON.stringify({ hostPid: reused.pid, startedAt: '1' }));
    expect(await claimDataDir(dataDir)).toBeNull();
    expect(JSON.parse(await readFile(path.join(dataDir, 'owner.json'), 'utf8'))).toMatchObject({ hostPid: process.pid, startedAt: expect.stringMatching(/^\d+$/) });
    expect(isAlive(reused.pid!)).toBe(true);
  });

  it('reads a command line from /proc on Linux', async () => {
    const orphan = track(spawn(binary, ['-a', '127.0.0.1', '-p', '-1'], { stdio: 'ignore' }));
    expect(await commandLineOf(orphan.pid!, 'linux')).toContain('nats-server');
    expect(await commandLineOf(await deadPid(), 'linux')).toBe('');
  });

  // The macOS branch runs `ps`, which a minimal Linux machine (a CI container) may lack (procps is
  // not essential in Debian): there it would read '' for every pid, so it is skipped, not failed.
  const hasPs = spawnSync('ps', ['-o', 'pid=', '-p', String(process.pid)]).status === 0;
  it.skipIf(!hasPs)('reads a command line from ps elsewhere (macOS has no pdeathsig: orphans are found this way)', async () => {
    const orphan = track(spawn(binary, ['-a', '127.0.0.1', '-p', '-1'], { stdio: 'ignore' }));
    expect(await commandLineOf(orphan.pid!, 'darwin')).toContain('nats-server');
    expect(await commandLineOf(await deadPid(), 'darwin')).toBe('');
  });

  it('leaves a live process alone when server.pid names something other than nats-server', async () => {
    const unrelated = spawnSleep();
    await writeFile(path.join(dataDir, 'owner.json'), JSON.stringify({ hostPid: await deadPid() }));
    await writeFile(path.join(dataDir, 'server.pid'), String(unrelated.pid));
    expect(await claimDataDir(dataDir)).toBeNull();
    expect(isAlive(unrelated.pid!)).toBe(true);
  });
});
