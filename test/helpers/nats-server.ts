/**
 * The one nats-server launcher for tests and benchmarks: a real server on 127.0.0.1, random ports
 * read from its ports file (no pick-a-port-then-bind race), ready when `/healthz` answers, stopped
 * with SIGTERM and a wait. Spawn-to-ready is the embedded server's own code (server-process.ts).
 * A cluster of N nodes routed on loopback is N of these with routes to each other.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { nkeys } from '@nats-io/nats-core';
import type { NodeConnectionOptions } from '@nats-io/transport-node';
import { tiedToParent } from '../../agents/tools/process/parent-death.js';
import { toConnectionOptions } from '../../main/host/nats/connect-options.js';
import type { NatsConnectSettings } from '../../main/host/nats/server-handle.js';
import { portsFilePath, terminate, waitUntilReady, type ServerPorts } from '../../main/host/nats/server-process.js';
import { natsServerBinary } from './nats-binary.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';
import { until } from './until.js';

/** How a test server is configured; every field is optional. */
export interface TestServerOptions {
  /** Client port; 0 (default) lets the server pick a free one. Give an old port to come back on it. */
  port?: number;
  /** JetStream on (default), stored in the server's temporary directory. */
  jetstream?: boolean;
  /**
   * Clients log in with a per-launch nkey, as with the app's embedded server (default). `false`
   * lets anyone in; a config with its own `authorization` block must pass `false`.
   */
  nkey?: boolean;
  /** More config lines (users, TLS, ping intervals, …), appended as they are. */
  config?: string[];
  /** More fields of a cluster node's `cluster {}` block (e.g. `no_advertise: true`). */
  clusterConfig?: string[];
  /**
   * A complete config of its own (an exported one), listening on port -1 and http -1: only
   * `ports_file_dir` is added, and `port`, `jetstream`, `nkey` and `config` do not apply.
   */
  wholeConfig?: string;
  /**
   * A config file of its own (an exported cluster node), run from where it is so that its
   * `include`s resolve beside it: only `--ports_file_dir` is added, as with `wholeConfig`.
   */
  configFile?: string;
  /** Ready within this long, or the start fails with the server's last output. */
  readyTimeoutMs?: number;
}

/** A running test server. */
export interface TestServer {
  /** `nats://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** `http://127.0.0.1:PORT` of its monitoring endpoint. */
  readonly monitorUrl: string;
  /** The server's pid (changes on restart). */
  readonly pid: number;
  /** False after `kill()` or `stop()`, until `restart()`. */
  readonly running: boolean;
  /** What the app's NATS code takes: servers and the nkey seed (when `nkey` is on). */
  readonly connectSettings: NatsConnectSettings;
  /** nats.js connection options for `connect()`, the runtime, the recorder. */
  readonly connection: NodeConnectionOptions;
  /** Everything the server printed lately (for failure messages). */
  output(): string;
  /** SIGKILL, as a crash; resolves once it is gone. `restart()` brings it back. */
  kill(): Promise<void>;
  /** Stops it (SIGTERM and wait) if running, then starts it again on the same ports. */
  restart(): Promise<void>;
  /** SIGTERM and wait, then removes its directory. */
  stop(): Promise<void>;
}

/** Internal: the cluster block of one node. */
interface ClusterPart {
  name: string;
  port: number;
  routes: () => string[];
  /** JetStream in a cluster needs routes at startup: off until every node's port is known. */
  jetstream: () => boolean;
}

/** Starts a server in a fresh temporary directory; rejects with its output if it is not ready in time. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  return launch(options);
}

async function launch(options: TestServerOptions, cluster?: ClusterPart, user = nkeys.createUser()): Promise<TestServer & { ports: ServerPorts }> {
  const binary = natsServerBinary();
  const dir = await makeTempDir('nats');
  const runDir = path.join(dir, 'run');
  await mkdir(runDir, { recursive: true });
  const configPath = path.join(dir, 'nats-server.conf');
  const ownConfig = options.wholeConfig !== undefined || options.configFile !== undefined;
  const nkey = !ownConfig && (options.nkey ?? true);
  const q = JSON.stringify; // nats-server config strings accept JSON string syntax
  let log = '';
  let child: ChildProcess | null = null;
  let ports: ServerPorts = { client: options.port ?? 0, monitor: 0, ...(cluster ? { cluster: cluster.port } : {}) };

  const config = (): string => {
    if (options.wholeConfig !== undefined) return `${options.wholeConfig}\nports_file_dir: ${q(runDir)}\n`;
    const jetstream = (options.jetstream ?? true) && (cluster?.jetstream() ?? true);
    return [
      `server_name: ${q(cluster ? `${cluster.name}-${path.basename(dir)}` : path.basename(dir))}`,
      'host: "127.0.0.1"',
      `port: ${ports.client || -1}`,
      `http: "127.0.0.1:${ports.monitor || -1}"`,
      `ports_file_dir: ${q(runDir)}`,
      ...(jetstream ? [`jetstream { store_dir: ${q(path.join(dir, 'jetstream'))} }`] : []),
      ...(nkey ? [`authorization { users: [ { nkey: ${q(user.getPublicKey())} } ] }`] : []),
      ...(cluster ? [`cluster { name: ${q(cluster.name)}, listen: "127.0.0.1:${ports.cluster || -1}", routes: [${cluster.routes().map((r) => q(r)).join(', ')}]${(options.clusterConfig ?? []).map((line) => `, ${line}`).join('')} }`] : []),
      ...(options.config ?? []),
      '',
    ].join('\n');
  };

  const start = async (): Promise<void> => {
    if (options.configFile === undefined) await writeFile(configPath, config(), { mode: 0o600 });
    const spawned = tiedToParent(binary, options.configFile === undefined ? ['-c', configPath] : ['-c', options.configFile, '--ports_file_dir', runDir]);
    const proc = spawn(spawned.command, spawned.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    const append = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000));
    proc.stdout.on('data', append);
    proc.stderr.on('data', append);
    const tail = () => log.trim().split('\n').slice(-8).join('\n');
    let timer: NodeJS.Timeout | undefined;
    const failed = new Promise<never>((_, reject) => {
      proc.once('error', (error) => reject(new Error(`could not start nats-server: ${error.message}`)));
      // 'close', not 'exit': by then its last output (the reason) has been read.
      proc.once('close', (code, signal) => reject(new Error(`nats-server exited before it was ready (${signal ?? `exit code ${code}`}):\n${tail()}`)));
      const ms = options.readyTimeoutMs ?? 15_000;
      timer = setTimeout(() => reject(new Error(`nats-server was not ready within ${ms} ms:\n${tail()}`)), ms);
    });
    failed.catch(() => undefined); // raced below; after ready, an exit is not an error here
    try {
      ports = await Promise.race([waitUntilReady(proc, portsFilePath(binary, proc.pid, runDir)), failed]);
    } catch (error) {
      await terminate(proc, 1000);
      // waitUntilReady only says 'exited'; the exit handler's error carries the server's last words.
      throw error instanceof Error && error.message === 'exited' ? await failed.catch((reason: unknown) => reason) : error;
    } finally {
      clearTimeout(timer);
    }
  };

  const connectSettings = (): NatsConnectSettings => ({
    servers: [`nats://127.0.0.1:${ports.client}`],
    ...(nkey ? { nkeySeed: new TextDecoder().decode(user.getSeed()) } : {}),
  });

  try {
    await start();
  } catch (error) {
    await removeTempDir(dir);
    throw error;
  }
  const settings = connectSettings();
  return {
    get ports() {
      return ports;
    },
    url: `nats://127.0.0.1:${ports.client}`,
    port: ports.client,
    monitorUrl: `http://127.0.0.1:${ports.monitor}`,
    get pid() {
      return child?.pid ?? 0;
    },
    get running() {
      return child !== null && child.exitCode === null && child.signalCode === null;
    },
    connectSettings: settings,
    connection: toConnectionOptions(settings),
    output: () => log,
    kill: async () => {
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      const gone = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGKILL');
      await gone;
    },
    restart: async () => {
      if (options.wholeConfig !== undefined) throw new Error('a server with a whole config of its own cannot be restarted on its ports');
      if (child) await terminate(child, 5000);
      await start();
    },
    stop: async () => {
      if (child) await terminate(child, 5000);
      await removeTempDir(dir);
    },
  };
}

/** A cluster of test servers routed to each other on loopback. */
export interface TestCluster {
  readonly nodes: readonly TestServer[];
  /** Connection options listing every node (one shared nkey user), so clients fail over. */
  readonly connection: NodeConnectionOptions;
  /** Resolves once every running node has a route to every other running node. */
  routed(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts `size` servers (default 3) as one cluster: the first on a random cluster port, the others
 * routed to the first; after gossip every node routes to every other. A killed node restarts with
 * routes to all the others, so the cluster heals whichever node went down. JetStream is off unless
 * asked for (clustered JetStream elects a meta leader, which takes seconds).
 */
export async function startTestCluster(size = 3, options: Omit<TestServerOptions, 'port'> = {}): Promise<TestCluster> {
  if (!Number.isInteger(size) || size < 2) throw new Error(`a cluster needs at least 2 nodes, got ${size}`);
  const name = `test-cluster-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const user = nkeys.createUser();
  const nodes: (TestServer & { ports: ServerPorts })[] = [];
  const routeUrl = (n: { ports: ServerPorts }) => `nats-route://127.0.0.1:${n.ports.cluster}`;
  let jetstream = false;
  try {
    for (let i = 0; i < size; i++) {
      const self = i;
      const routes = () => nodes.filter((_, j) => j !== self).map(routeUrl);
      nodes.push(await launch(options, { name, port: 0, routes, jetstream: () => jetstream }, user));
    }
    if (options.jetstream) {
      // Every cluster port is known now: restart the nodes with JetStream and routes to all, all
      // at once (each is healthy only once a quorum of them has elected a meta leader).
      jetstream = true;
      await Promise.all(nodes.map((node) => node.restart()));
    }
  } catch (error) {
    await Promise.all(nodes.map((n) => n.stop()));
    throw error;
  }
  const settings: NatsConnectSettings = { ...nodes[0]!.connectSettings, servers: nodes.map((n) => n.url) };
  const routed = async () => {
    const live = nodes.filter((n) => n.running);
    await until(
      async () => {
        const counts = await Promise.all(live.map((n) => routeCount(n.monitorUrl)));
        return counts.every((c) => c >= live.length - 1);
      },
      `${live.length} nodes routed to each other`,
      15_000,
    );
  };
  const cluster: TestCluster = { nodes, connection: toConnectionOptions(settings), routed, stop: async () => void (await Promise.all(nodes.map((n) => n.stop()))) };
  try {
    await routed();
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

/** Distinct servers a node routes to, from its `/routez`. */
async function routeCount(monitorUrl: string): Promise<number> {
  const response = await fetch(`${monitorUrl}/routez`).catch(() => null);
  if (!response?.ok) return 0;
  const routez = (await response.json()) as { routes?: { remote_id: string }[] };
  return new Set((routez.routes ?? []).map((r) => r.remote_id)).size;
}
