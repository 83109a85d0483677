// The recorder's own bus tap against real nats-servers: credentials refused or nobody listening
// (clear errors), the server's PINGs answered (a server pinging every 100 ms keeps it), a
// subscription the server's permissions refuse (a warning; events still recorded), and a server
// restart (a warning, then recording resumes on the new connection).
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeEventBus } from '../../agents/protocol/runtime-events.js';
import { TraceRecorder } from '../../main/host/trace/recorder.js';
import { TraceLibrary } from '../../main/host/trace/trace-store.js';
import { natsServerBinary, repoRoot } from '../helpers/nats-binary.js';
import { startTestServer } from '../helpers/nats-server.js';
import { accepts, freePort } from '../helpers/ports.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

let tmp: string;
let library: TraceLibrary;
beforeAll(async () => {
  tmp = await makeTempDir('trace-tap');
  library = new TraceLibrary(path.join(tmp, 'traces'));
});
afterAll(async () => {
  await removeTempDir(tmp);
});

async function until(done: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A nats-server with users, pinging its clients every 100 ms (two missed PONGs and they are cut off). */
async function strictServer(): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const conf = path.join(tmp, `strict-${port}.conf`);
  writeFileSync(
    conf,
    [
      `listen: 127.0.0.1:${port}`,
      'ping_interval: "100ms"',
      'ping_max: 2',
      'authorization {',
      '  users: [',
      '    { user: "all", password: "pw-all" }',
      '    { user: "limited", password: "pw-limited", permissions: { publish: ">", subscribe: "allowed.>" } }',
      '  ]',
      '}',
    ].join('\n'),
  );
  const child = spawn(natsServerBinary(), ['-c', conf], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (Date.now() > deadline) throw new Error('the strict nats-server did not start');
    await new Promise((r) => setTimeout(r, 20));
  }
  return { port, child };
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
    const { port, child } = await strictServer();
    try {
      const warnings: string[] = [];
      const store = await library.create({});
      const recorder = new TraceRecorder(store, { warn: (t) => warnings.push(t) });
      await recorder.tap({ servers: `127.0.0.1:${port}`, user: 'all', pass: 'pw-all' });
      await new Promise((r) => setTimeout(r, 1000)); // ten PINGs: unanswered, the server would have cut us off after 300 ms
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
      child.kill('SIGKILL');
    }
  });

  it('uses TLS whenever the server offers it (as nats.js does), verifying the server against the given CA', async () => {
    const port = await freePort();
    const monitor = await freePort();
    const tlsDir = path.join(repoRoot, 'test', 'fixtures', 'tls');
    const conf = path.join(tmp, `tls-${port}.conf`);
    // TLS offered, not required: plain clients are let in too, so only the tap's choice makes it TLS.
    writeFileSync(
      conf,
      [`listen: 127.0.0.1:${port}`, `http: 127.0.0.1:${monitor}`, 'allow_non_tls: true', 'tls {', `  cert_file: ${JSON.stringify(path.join(tlsDir, 'server.pem'))}`, `  key_file: ${JSON.stringify(path.join(tlsDir, 'server-key.pem'))}`, '}'].join('\n'),
    );
    const child = spawn(natsServerBinary(), ['-c', conf], { stdio: 'ignore' });
    try {
      const deadline = Date.now() + 10_000;
      while (!(await accepts(port))) {
        if (Date.now() > deadline) throw new Error('the TLS nats-server did not start');
        await new Promise((r) => setTimeout(r, 20));
      }
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
      const connz = (await (await fetch(`http://127.0.0.1:${monitor}/connz`)).json()) as { connections: { name?: string; tls_version?: string }[] };
      expect(connz.connections.find((c) => c.name === 'switchboard-recorder')?.tls_version).toMatch(/^1\.[23]$/);
      const nc = await connect({ servers, tls: { caFile: path.join(tlsDir, 'ca.pem') } });
      for (let i = 0; i < 20; i++) nc.publish('over.tls', String(i));
      await nc.flush();
      await nc.close();
      await recorder.stop();
      expect(store.counts().subjects['over.tls']).toBe(20);
      await store.close();
    } finally {
      child.kill('SIGKILL');
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

      await nats.server.restart();
      await until(() => warnings.some((w) => /lost its NATS connection/.test(w)), 'the lost-connection warning');
      const after = await connect({ ...nats.connection });
      // Until the tap is back, messages are not recorded: publish until they are.
      for (let i = 0; recorder.recorded === 50; i++) {
        after.publish('restart.probe', String(i));
        await after.flush();
        await new Promise((r) => setTimeout(r, 50));
        if (i > 200) throw new Error(`the recorder did not come back: ${warnings.join('; ')}`);
      }
      for (let i = 0; i < 50; i++) after.publish('restart.after', String(i));
      await after.flush();
      await after.close();
      await recorder.stop();
      const counts = store.counts().subjects;
      expect(counts['restart.before']).toBe(50);
      expect(counts['restart.after']).toBe(50);
      const records = (await store.query({ limit: 1000 })).records;
      expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
      await store.close();
    } finally {
      await nats.stop();
    }
  });
});
