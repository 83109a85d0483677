/**
 * A real nats-server running a topology's exported config (agents/topology/export/nats-conf.ts),
 * with a login per exported user, and the ways its refusals show: used by the nats-conf
 * integration tests.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { nkeys } from '@nats-io/nats-core';
import { connect, nkeyAuthenticator, PermissionViolationError, type NatsConnection, type NodeConnectionOptions, type Subscription } from '@nats-io/transport-node';
import { expect } from 'vitest';
import { exportNatsConf, type NkeyPair } from '../../agents/topology/export/nats-conf.js';
import { TopologySchema, type Topology, type TopologyInput } from '../../agents/topology/schema.js';
import { validateTopology } from '../../agents/topology/validate.js';
import { startTestServer } from './nats-server.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';

/** Real nkeys, the way the CLI and the app make them. */
export const createUser = (): NkeyPair => {
  const pair = nkeys.createUser();
  return { publicKey: pair.getPublicKey(), seed: new TextDecoder().decode(pair.getSeed()) };
};

export function topology(spec: TopologyInput['spec'], name = 'conf test'): Topology {
  const parsed = TopologySchema.parse({ apiVersion: 'switchboard.dev/v1', kind: 'Topology', metadata: { name }, spec });
  expect(validateTopology(parsed).filter((p) => p.severity === 'error')).toEqual([]);
  return parsed;
}

/** A nats-server running an exported config, with a way to log in as each of its users. */
export interface ConfServer {
  confPath: string;
  /** Connection options (servers + nkey) of `user`; agents add their inbox prefix themselves. */
  login(user: string): Promise<NodeConnectionOptions>;
  /** A raw connection as `user`, with the inbox prefix the exported permissions expect. */
  connectAs(user: string): Promise<NatsConnection>;
  /** What the server printed lately (its permission violations among it). */
  output(): string;
  stop(): Promise<void>;
}

export async function startConfServer(spec: Topology): Promise<ConfServer> {
  const dir = await makeTempDir('nats-conf');
  // Port -1: the server picks free ports, and the launcher reads them from its ports file.
  const { config, secrets } = exportNatsConf(spec, { createUser, host: '127.0.0.1', port: -1, monitorPort: -1, storeDir: path.join(dir, 'jetstream') });
  const confPath = path.join(dir, 'nats-server.conf');
  await writeFile(confPath, config);
  for (const secret of secrets) await writeFile(path.join(dir, secret.fileName), secret.content, { mode: 0o600 });

  const server = await startTestServer({ wholeConfig: config }).catch(async (error: unknown) => {
    await removeTempDir(dir);
    throw error;
  });
  const port = server.port;
  const clients: NatsConnection[] = [];
  const stop = async () => {
    await Promise.all(clients.splice(0).map((nc) => nc.close().catch(() => undefined)));
    await server.stop();
    await removeTempDir(dir);
  };

  const login = async (user: string): Promise<NodeConnectionOptions> => {
    // The seed as the exported secrets file holds it: what a deployment mounts.
    const seed = (await readFile(path.join(dir, `${user}.nk`), 'utf8')).trim();
    return { servers: `127.0.0.1:${port}`, authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)) };
  };
  return {
    confPath,
    login,
    connectAs: async (user) => {
      const nc = await connect({ ...(await login(user)), inboxPrefix: `_INBOX_${user}`, name: `test-${user}` });
      clients.push(nc);
      return nc;
    },
    output: () => server.output(),
    stop,
  };
}

/** Permission violations a connection reports through its status stream. */
export function violations(nc: NatsConnection): PermissionViolationError[] {
  const seen: PermissionViolationError[] = [];
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'error' && status.error instanceof PermissionViolationError) seen.push(status.error);
    }
  })();
  return seen;
}

/** What a request to a refused subject rejects with: the PermissionViolationError, as the cause. */
export async function refusal(promise: Promise<unknown>): Promise<PermissionViolationError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'expected a rejection').toBeInstanceOf(Error);
  const cause = error instanceof PermissionViolationError ? error : (error as Error).cause;
  expect(cause).toBeInstanceOf(PermissionViolationError);
  return cause as PermissionViolationError;
}

/** Subscribes and waits for the server's verdict: the subscription closes with the error if refused. */
export async function subscribeVerdict(nc: NatsConnection, subject: string): Promise<{ sub: Subscription; refused: PermissionViolationError | null }> {
  const sub = nc.subscribe(subject);
  await nc.flush(); // the server's -ERR for a refused SUB comes before the PONG
  await new Promise((resolve) => setImmediate(resolve));
  if (!sub.isClosed()) return { sub, refused: null };
  const closedWith = await sub.closed;
  return { sub, refused: closedWith instanceof PermissionViolationError ? closedWith : null };
}
