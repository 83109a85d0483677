// The one bounded close (agents/runtime/close-connection.ts) and an agent's bounded stop, on a real
// nats-server that is alive, killed (kill -9: the client reconnects forever), or stopped (SIGSTOP:
// connected, but it never answers, so a drain would wait for ever).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { SEED_000_PROFILE } from '../../agents/protocol/subjects.js';
import { Agent } from '../../agents/runtime/agent.js';
import { closeConnection, deadlineIn, isConnected } from '../../agents/runtime/close-connection.js';
import { startTestServer, type TestServer } from '../helpers/nats-server.js';
import { until } from '../helpers/until.js';

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(): Promise<TestServer> {
  const started = await startTestServer({ jetstream: false });
  cleanups.push(() => started.stop());
  return started;
}

async function connection(target: TestServer): Promise<NatsConnection> {
  const nc = await connect(target.connection);
  cleanups.push(() => void nc.close().catch(() => undefined));
  return nc;
}

/** SIGSTOP: the server keeps its sockets but answers nothing until SIGCONT (done in cleanup). */
async function freeze(target: TestServer): Promise<void> {
  const pid = target.pid;
  process.kill(pid, 'SIGSTOP');
  // SIGSTOP is delivered asynchronously: until the kernel says the process is stopped ("T"), a busy
  // machine can let the server answer one more PING, and a drain would finish before it froze.
  await until(() => /^\d+ \(.*\) [Tt] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')), `nats-server ${pid} stopped`, 5000, 1);
  cleanups.push(() => {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // killed meanwhile
    }
  });
}

describe('closeConnection', () => {
  it('drains a live connection: what was published before reaches subscribers', async () => {
    const target = await server();
    const [sender, listener] = [await connection(target), await connection(target)];
    const got: string[] = [];
    listener.subscribe('close.test', { callback: (error, msg) => void (error || got.push(msg.string())) });
    await listener.flush();
    for (let i = 0; i < 100; i++) sender.publish('close.test', String(i));
    expect(await closeConnection(sender, deadlineIn(2000))).toBe('drained');
    expect(sender.isClosed()).toBe(true);
    await until(() => got.length === 100, 'every message published before the close', 5000);
  });

  it('closes at once when every server is gone (it would reconnect forever)', async () => {
    const target = await server();
    const nc = await connection(target);
    await target.kill();
    await until(() => !isConnected(nc), 'the client saw the server go', 5000);
    const started = performance.now();
    expect(await closeConnection(nc, deadlineIn(4000))).toBe('closed_offline');
    const ms = performance.now() - started;
    console.log(`[integration] close-connection: closed a reconnecting connection in ${ms.toFixed(0)} ms`);
    expect(nc.isClosed()).toBe(true);
    expect(ms).toBeLessThan(1000); // at once, not at the 4 s deadline
  });

  it('gives up on a connected server that never answers at the deadline, and closes', async () => {
    const target = await server();
    const nc = await connection(target);
    nc.subscribe('close.frozen', { callback: () => undefined });
    await nc.flush();
    await freeze(target);
    const started = performance.now();
    expect(await closeConnection(nc, deadlineIn(300))).toBe('closed_late');
    const ms = performance.now() - started;
    console.log(`[integration] close-connection: a frozen server's drain given up after ${ms.toFixed(0)} ms (deadline 300 ms)`);
    expect(nc.isClosed()).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(290);
  });

  it('gives up a drain at once when the server goes away during it', async () => {
    const target = await server();
    const nc = await connection(target);
    nc.subscribe('close.frozen', { callback: () => undefined });
    await nc.flush();
    await freeze(target);
    const started = performance.now();
    const closing = closeConnection(nc, deadlineIn(10_000));
    await target.kill(); // a frozen process dies too: its sockets close, the client sees it
    expect(await closing).toBe('closed_late');
    const ms = performance.now() - started;
    console.log(`[integration] close-connection: a drain whose server died under it given up after ${ms.toFixed(0)} ms (deadline 10 s)`);
    expect(ms).toBeLessThan(5000);
  });
});

describe('Agent.stop by a deadline', () => {
  const agent = (target: TestServer) => {
    const a = new Agent({ name: 'stopper', connection: target.connection, registryBucket: null, heartbeatMs: 0, handler: async () => 'ok' });
    cleanups.push(() => a.stop(0, deadlineIn(500)));
    return a;
  };

  it('announces offline while a server is there', async () => {
    const target = await server();
    const observer = await connection(target);
    const heard: string[] = [];
    observer.subscribe(SEED_000_PROFILE.broadcast, { callback: (error, msg) => void (error || heard.push(msg.string())) });
    await observer.flush();
    const stopper = agent(target);
    await stopper.start();
    expect(await stopper.stop(1000)).toEqual({ announced: true, deregistered: null, reachable: true });
    await until(() => heard.some((text) => text.includes('stopper is leaving')), 'the offline announcement', 5000);
  });

  it('reports the goodbye lost when the server is gone, without waiting', async () => {
    const target = await server();
    const stopper = agent(target);
    await stopper.start();
    await target.kill();
    await until(() => !isConnected(stopper.connection), 'the agent saw the server go', 5000);
    const started = performance.now();
    expect(await stopper.stop(5000, deadlineIn(4000))).toEqual({ announced: false, deregistered: null, reachable: false });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('stops by its deadline when the server is connected but frozen', async () => {
    const target = await server();
    const stopper = agent(target);
    await stopper.start();
    await freeze(target);
    const started = performance.now();
    const report = await stopper.stop(5000, deadlineIn(1500));
    const ms = performance.now() - started;
    console.log(`[integration] close-connection: an agent on a frozen server stopped in ${ms.toFixed(0)} ms (deadline 1500 ms)`);
    expect(report).toEqual({ announced: false, deregistered: null, reachable: true });
    expect(ms).toBeLessThan(1500 + 1000); // the close itself is bounded (500 ms) past the deadline
  });
});
