// External-server mode against a real nats-server the test starts itself (as a user's own
// server would be): connect, follow a server outage as `restarting`, come back as `running`.
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerState } from '../../preload/contract.js';
import { ExternalNatsServer } from '../../main/host/nats/external-server.js';
import { startHost, type Host } from '../../main/host/host.js';
import { startTestServer, type TestServer } from '../helpers/nats-server.js';
import { freePort } from '../helpers/ports.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A plain nats-server, as a user's own would be: no credentials, no JetStream. */
async function userServer(): Promise<TestServer> {
  const server = await startTestServer({ nkey: false, jetstream: false });
  cleanups.push(() => server.stop());
  return server;
}

describe('ExternalNatsServer', () => {
  it('reports the server it connected to, an outage, and the reconnect', async () => {
    const first = await userServer();
    const port = first.port;
    const external = new ExternalNatsServer({ url: `nats://127.0.0.1:${port}` });
    cleanups.push(() => external.stop());
    const states: ServerState[] = [];
    external.onStatus((s) => states.push(s.state));

    await external.start();
    const status = external.status();
    expect(status).toMatchObject({ mode: 'external', state: 'running', pid: null, monitorUrl: null, restarts: 0 });
    expect(status.version).toMatch(/^2\./);
    expect(status.clientUrl).toContain(`127.0.0.1:${port}`);
    expect(await external.stats()).toBeNull();
    expect(external.connectSettings().servers).toEqual([`nats://127.0.0.1:${port}`]);

    await first.kill();
    await until(() => external.status().state === 'restarting', 'the outage');
    await first.restart(); // the same port again
    await until(() => external.status().state === 'running', 'the reconnect');
    expect(external.status().restarts).toBe(1);
    expect(states).toEqual(['starting', 'running', 'restarting', 'running']);
    expect(external.logs().map((l) => l.text).join('\n')).toMatch(/Disconnected[\s\S]*Reconnected/);

    await external.stop();
    expect(external.status().state).toBe('stopped');
  });

  it('fails with the URL and the reason when nothing listens there', async () => {
    const port = await freePort();
    const external = new ExternalNatsServer({ url: `nats://127.0.0.1:${port}`, connectTimeoutMs: 1000 });
    cleanups.push(() => external.stop());
    await expect(external.start()).rejects.toThrow(`Could not connect to nats://127.0.0.1:${port}`);
    expect(external.status().state).toBe('failed');
  });

  it('fails clearly on a credentials file that does not exist', async () => {
    const { port } = await userServer();
    const external = new ExternalNatsServer({ url: `nats://127.0.0.1:${port}`, credsFile: '/nonexistent/user.creds' });
    cleanups.push(() => external.stop());
    await expect(external.start()).rejects.toThrow(/user\.creds/);
  });

  it('backs the host in --nats mode: server.getStatus answers with the external server', async () => {
    const { port } = await userServer();
    const dataDir = await makeTempDir('external-host');
    cleanups.push(() => removeTempDir(dataDir));
    const host: Host = await startHost({
      shell: 'headless',
      appVersion: '0.0.0-test',
      appRoot: process.cwd(),
      dataDir,
      nats: { mode: 'external', url: `nats://127.0.0.1:${port}` },
    });
    cleanups.push(() => host.stop());
    const status = await host.handlers['server.getStatus'](undefined);
    expect(status).toMatchObject({ mode: 'external', state: 'running', stats: null });
    expect((await host.handlers['host.getInfo'](undefined)).natsBinary).toBeNull();
  });
});
