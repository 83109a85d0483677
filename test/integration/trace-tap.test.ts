// The recorder's own bus tap against real nats-servers: credentials refused or nobody listening
// (clear errors), the server's PINGs answered (a server pinging every 100 ms keeps it), a
// subscription the server's permissions refuse (a warning; events still recorded), and a server
// restart (a warning, then recording resumes on the new connection).
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeEventBus } from '../../agents/protocol/runtime-events.js';
import { TraceRecorder } from '../../main/host/trace/recorder.js';
import { TraceLibrary } from '../../main/host/trace/index.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { startTestServer, type TestServer } from '../helpers/nats-server.js';
import { freePort } from '../helpers/ports.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

let tmp: string;
let library: TraceLibrary;
beforeAll(async () => {
  tmp = await makeTempDir('trace-tap');
  library = new TraceLibrary(path.join(tmp, 'traces'));
});
afterAll(async () => {
  await removeTempDir(tmp);
});

/**
 * A nats-server with users, pinging its clients every 100 ms (two missed PONGs and they are cut
 * off), tracing the protocol so that a test can count the PONGs it got.
 */
function strictServer(): Promise<TestServer> {
  return startTestServer({
    nkey: false,
    jetstream: false,
    config: [
      'ping_interval: "100ms"',
      'ping_max: 2',
      'trace: true',
      'authorization {',
      '  users: [',
      '    { user: "all", password: "pw-all" }',
      '    { user: "limited", password: "pw-limited", permissions: { publish: ">", subscribe: "allowed.>" } }',
      '  ]',
      '}',
    ],
  });
}

describe("the recorder's bus tap", () => {
  it('rejects with the reason when the server refuses the credentials or nobody listens', async () => {
    const nats = await startTestServer();
    try {
      const store = await library.create({});
      const recorder = new TraceRecorder(store);
      // The embedded server wants its per-launch nkey: without it, the handshake is refused.
      await expect(recorder.tap({ servers: nats.connection.servers })).rejects.toThrow(/Authorization Violation/i);
      const port = await freePort();
      const nobodyStore = await library.create({});
      const nobody = new TraceRecorder(nobodyStore);
      await expect(nobody.tap({ servers: `127.0.0.1:${port}` })).rejects.toThrow(/could not connect to 127\.0\.0\.1:\d+/);
      for (const r of [recorder, nobody]) await r.stop();
      for (const s of [store, nobodyStore]) await s.close();
    } finally {
      await nats.stop();
    }
  });

  it("answers the server's PINGs, and reports a refused subscription while still recording events", async () => {
    const server = await strictServer();
    const port = server.port;
    try {
      const warnings: string[] = [];
      const store = await library.create({});
      const recorder = new TraceRecorder(store, { warn: (t) => warnings.push(t) });
      await recorder.tap({ servers: `127.0.0.1:${port}`, user: 'all', pass: 'pw-all' });
      // Ten PINGs answered: unanswered, the server would have cut us off after the third.
      const pongs = () => server.output().match(/<<- \[PONG\]/g)?.length ?? 0;
      const before = pongs();
      await until(() => pongs() >= before + 10, 'ten PONGs from the tap', 10_000, 20);
      const nc = await connect({ servers: `127.0.0.1:${port}`, user: 'all', pass: 'pw-all' });
      for (let i = 0; i < 100; i++) nc.publish('after.pings', String(i));
      await nc.flush();
      await until(() => recorder.recorded === 100, '100 messages after a second of PINGs');
      expect(warnings).toEqual([]);
      await recorder.stop();
      await store.close();

      const limitedStore = await library.create({});
      const limited = new TraceRecorder(limitedStore, { warn: (t) => warnings.push(t) });
      const events = new RuntimeEventBus();
      limited.attach(events);
      await limited.tap({ servers: `127.0.0.1:${port}`, user: 'limited', pass: 'pw-limited' });
      expect(warnings).toEqual([expect.stringMatching(/the bus tap was refused \(.*Permissions Violation for Subscription to ">".*\); recording runtime events only/) as unknown as string]);
      events.emit('handler.failed', { agent: 'a', messageId: 'm', error: 'boom' });
      nc.publish('not.seen', 'x');
      await nc.flush();
      await limited.stop();
      expect((await limitedStore.query({})).records.map((r) => r.kind)).toEqual(['event']);
      await limitedStore.close();
      await nc.close();
    } finally {
      await server.stop();
    }
  });

  it('uses TLS whenever the server offers it (as nats.js does), verifying the server against the given CA', async () => {
    const tlsDir = path.join(repoRoot, 'test', 'fixtures', 'tls');
    // TLS offered, not required: plain clients are let in too, so only the tap's choice makes it TLS.
    const server = await startTestServer({
      nkey: false,
      jetstream: false,
      config: ['allow_non_tls: true', 'tls {', `  cert_file: ${JSON.stringify(path.join(tlsDir, 'server.pem'))}`, `  key_file: ${JSON.stringify(path.join(tlsDir, 'server-key.pem'))}`, '}'],
    });
    const port = server.port;
    try {
      const servers = `nats://127.0.0.1:${port}`;
      // Without the CA the server's certificate is not trusted: refused, with the reason.
      const untrustedStore = await library.create({});
      const untrusted = new TraceRecorder(untrustedStore);
      await expect(untrusted.tap({ servers })).rejects.toThrow(/certificate/i);
      await untrusted.stop();
      await untrustedStore.close();

      const store = await library.create({});
      const recorder = new TraceRecorder(store);
      await recorder.tap({ servers, tls: { caFile: path.join(tlsDir, 'ca.pem') } });
      const connz = (await (await fetch(`${server.monitorUrl}/connz`)).json()) as { connections: { name?: string; tls_version?: string }[] };
      expect(connz.connections.find((c) => c.name === 'switchboard-recorder')?.tls_version).toMatch(/^1\.[23]$/);
      const nc = await connect({ servers, tls: { caFile: path.join(tlsDir, 'ca.pem') } });
      for (let i = 0; i < 20; i++) nc.publish('over.tls', String(i));
      await nc.flush();
      await nc.close();
      await recorder.stop();
      expect(store.counts().subjects['over.tls']).toBe(20);
      await store.close();
    } finally {
      await server.stop();
    }
  });

  it('after a server restart: warns, reconnects, and records what is sent on the new connection', async () => {
    const nats = await startTestServer();
    try {
      const warnings: string[] = [];
      const store = await library.create({});
      const recorder = new TraceRecorder(store, { warn: (t) => warnings.push(t) });
      await recorder.tap(nats.connection);
      const before = await connect({ ...nats.connection });
      for (let i = 0; i < 50; i++) before.publish('restart.before', String(i));
      await before.flush();
      await until(() => recorder.recorded === 50, 'the messages before the restart');
      await before.close();

      await nats.restart();
      await until(() => warnings.some((w) => /lost its NATS connection/.test(w)), 'the lost-connection warning');
      const after = await connect({ ...nats.connection });
      // Until the tap is back, messages are not recorded: publish until they are.
      let probe = 0;
      await until(
        async () => {
          after.publish('restart.probe', String(probe++));
          await after.flush();
          return (store.counts().subjects['restart.probe'] ?? 0) > 0; // not `recorded`: the gap's own records count there too
        },
        'the recorder to come back after the restart',
        15_000,
        50,
      );
      for (let i = 0; i < 50; i++) after.publish('restart.after', String(i));
      await after.flush();
      await after.close();
      await recorder.stop();
      const counts = store.counts().subjects;
      expect(counts['restart.before']).toBe(50);
      expect(counts['restart.after']).toBe(50);
      const records = (await store.query({ limit: 1000 })).records;
      expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
      // The trace says where its gap is: lost after the last message before, back before the first probe.
      const names = records.flatMap((r) => (r.kind === 'event' ? [r.name] : []));
      expect(names).toEqual(['bus.disconnected', 'bus.reconnected']);
      const at = (name: string) => records.findIndex((r) => r.kind === 'event' && r.name === name);
      expect(at('bus.disconnected')).toBe(50);
      expect(records.findIndex((r) => r.kind === 'message' && r.subject === 'restart.probe')).toBeGreaterThan(at('bus.reconnected'));
      await store.close();
    } finally {
      await nats.stop();
    }
  });
});
