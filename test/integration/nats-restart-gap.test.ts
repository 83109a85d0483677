// The embedded server killed with SIGKILL while a run records: the supervisor restarts it quickly
// every time it had been up a while (its backoff grows only in a crash loop), and the recorder
// writes the gap into the trace (bus.disconnected, then bus.reconnected with its length), recording
// again after it. test/faults/nats-kill.test.ts does this 20 times under load.
import { connect } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { toConnectionOptions } from '../../main/host/nats/connect-options.js';
import { EmbeddedNatsServer } from '../../main/host/nats/embedded-server.js';
import { TraceLibrary } from '../../main/host/trace/index.js';
import { TraceRecorder } from '../../main/host/trace/recorder.js';
import { natsServerBinary } from '../helpers/nats-binary.js';
import { storedRecords } from '../helpers/stored-records.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/** A started embedded server with the default backoff, in a fresh data dir. */
async function startServer(): Promise<EmbeddedNatsServer> {
  const dir = await makeTempDir('restart-gap');
  cleanups.push(() => removeTempDir(dir));
  const server = new EmbeddedNatsServer({ binary: natsServerBinary(), dataDir: dir });
  cleanups.push(() => server.stop());
  await server.start();
  return server;
}

/** Kills the server's process and waits until it runs again (a new pid). */
async function killAndWait(server: EmbeddedNatsServer): Promise<void> {
  const pid = server.status().pid!;
  process.kill(pid, 'SIGKILL');
  await until(() => server.status().state === 'running' && server.status().pid !== pid, 'the server to run again', 10_000);
}

const restartNotes = (server: EmbeddedNatsServer) => server.logs().filter((l) => /Restarting in/.test(l.text)).map((l) => /Restarting in (\d+) ms \(attempt (\d+)\)/.exec(l.text)!.slice(1).join('/'));

describe('embedded server restarts after SIGKILL', () => {
  it('restarts at the first delay again after a healthy spell, and backs off only in a crash loop', async () => {
    const server = await startServer();
    await killAndWait(server);
    await killAndWait(server); // at once: a crash loop
    await new Promise((resolve) => setTimeout(resolve, 2200)); // up past the 2 s that count as healthy
    await killAndWait(server);
    expect(restartNotes(server)).toEqual(['100/1', '500/2', '100/1']);
    expect(server.status().restarts).toBe(3);
  });
});

describe('the recorder across a server restart', () => {
  it('marks the gap in the trace and records again after it', async () => {
    const server = await startServer();
    const library = new TraceLibrary(await makeTempDir('restart-gap-traces'));
    cleanups.push(() => removeTempDir(library.root));
    const store = await library.create({});
    const warnings: string[] = [];
    const recorder = new TraceRecorder(store, { warn: (t) => warnings.push(t) });
    cleanups.push(() => store.close());
    cleanups.push(() => recorder.stop());
    const options = toConnectionOptions(server.connectSettings());
    await recorder.tap(options);
    const nc = await connect({ ...options, name: 'restart-gap-client' });
    cleanups.push(() => nc.close());

    nc.publish('before.gap', 'one');
    await nc.flush();
    await until(() => recorder.recorded >= 1, 'the first message recorded');
    const clientBack = (async () => {
      for await (const status of nc.status()) if (status.type === 'reconnect') return;
    })();
    await killAndWait(server);
    await until(() => warnings.some((w) => w.includes('back on the bus')), 'the recorder to reconnect');
    await clientBack;
    // The tap's SUB and the client's PUB reach the server on two connections, which it reads in no
    // set order: publish until one is recorded (one publish could land before the SUB, unrecorded).
    let probe = 0;
    await until(
      async () => {
        nc.publish('after.gap', String(probe++));
        await nc.flush();
        return (store.counts().subjects['after.gap'] ?? 0) > 0;
      },
      'a message after the gap recorded',
      10_000,
      50,
    );
    await recorder.stop();

    const records = await storedRecords(store);
    const story = records.map((r) => (r.kind === 'event' ? r.name : r.subject));
    expect(story.slice(0, 3)).toEqual(['before.gap', 'bus.disconnected', 'bus.reconnected']);
    expect(story.length).toBeGreaterThan(3);
    expect(new Set(story.slice(3))).toEqual(new Set(['after.gap']));
    const [disconnected, reconnected] = records.filter((r) => r.kind === 'event');
    expect(disconnected).toMatchObject({ agent: 'switchboard-recorder', payload: { server: server.status().clientUrl, reason: expect.stringMatching(/closed|failed/) } });
    expect(reconnected).toMatchObject({ agent: 'switchboard-recorder', payload: { server: server.status().clientUrl, gapMs: expect.any(Number) } });
    expect(reconnected!.mono - disconnected!.mono).toBeGreaterThan(0);
  });
});
