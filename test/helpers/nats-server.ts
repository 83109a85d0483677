/** A real embedded nats-server for a test, with connection options for its per-launch user. */
import type { NodeConnectionOptions } from '@nats-io/transport-node';
import { toConnectionOptions } from '../../main/host/nats/connect-options.js';
import { EmbeddedNatsServer } from '../../main/host/nats/embedded-server.js';
import { natsServerBinary } from './nats-binary.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';

/** A running test server. */
export interface TestServer {
  server: EmbeddedNatsServer;
  connection: NodeConnectionOptions;
  stop(): Promise<void>;
}

/** Starts a server (JetStream on, random ports) in a fresh data directory. */
export async function startTestServer(): Promise<TestServer> {
  const dataDir = await makeTempDir('nats');
  const server = new EmbeddedNatsServer({ binary: natsServerBinary(), dataDir });
  await server.start();
  return {
    server,
    connection: toConnectionOptions(server.connectSettings()),
    stop: async () => {
      await server.stop();
      await removeTempDir(dataDir);
    },
  };
}
