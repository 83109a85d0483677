// trace.republish's host handler against a real nats-server (as an external server, which must be
// confirmed): the message arrives with its headers and the injected mark, a request carries a
// fresh workbench inbox, and each refusal (no run, not confirmed, bad subject or header, server
// down) says why.
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { ExternalNatsServer } from '../../main/host/nats/external-server.js';
import { republish } from '../../main/host/republish.js';
import { startTestServer } from '../helpers/nats-server.js';
import { until } from '../helpers/until.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A user's own server, followed as the external server, and a client listening on `subject`. */
async function setUp(subject: string) {
  const server = await startTestServer({ nkey: false, jetstream: false });
  cleanups.push(() => server.stop());
  const external = new ExternalNatsServer({ url: server.url });
  cleanups.push(() => external.stop());
  await external.start();
  const nc: NatsConnection = await connect({ servers: server.url });
  cleanups.push(() => nc.close());
  const received: Msg[] = [];
  nc.subscribe(subject, {
    callback: (_error, msg) => {
      received.push(msg);
    },
  });
  await nc.flush();
  return { server, external, received };
}

/** What `call` is refused with: an RpcError with this code and a message matching `message`. */
const refused = (call: Promise<unknown>, code: string, message: string | RegExp) =>
  expect(call).rejects.toMatchObject({ name: 'RpcError', code, message: typeof message === 'string' ? message : expect.stringMatching(message) });

describe('trace.republish', () => {
  it('publishes with the captured headers and Switchboard-Injected: 1, once an external server is confirmed', async () => {
    const { external, received } = await setUp('agents.request.bot');
    const input = { subject: 'agents.request.bot', payload: '{"content":"it\'s me"}', headers: { 'Trace-Id': ['t-1'], 'Switchboard-Injected': ['forged'] } };

    await refused(republish(external, true, input), 'invalid_input', /^The server is external \(nats:\/\/127\.0\.0\.1:\d+\): its other clients receive the message too\. Confirm/);
    expect(received).toEqual([]);

    const result = await republish(external, true, { ...input, confirmExternal: true });
    expect(result).toEqual({ subject: 'agents.request.bot', reply: null, bytes: 21 });
    await until(() => received.length === 1);
    const msg = received[0]!;
    expect(msg.string()).toBe(input.payload);
    expect(msg.headers?.get('Trace-Id')).toBe('t-1');
    expect(msg.headers?.values('Switchboard-Injected')).toEqual(['1']);
    expect(msg.reply).toBeFalsy();
  });

  it('sends a request on a fresh workbench inbox', async () => {
    const { external, received } = await setUp('agents.request.bot');
    const result = await republish(external, true, { subject: 'agents.request.bot', payload: 'hi', request: true, confirmExternal: true });
    expect(result.reply).toMatch(/^_INBOX_switchboard_workbench\.\w+$/);
    await until(() => received.length === 1);
    expect(received[0]!.reply).toBe(result.reply);
  });

  it('refuses with the reason: nothing running, a wildcard or empty token, a bad header, the server down', async () => {
    const { server, external, received } = await setUp('>');
    const ok = { subject: 'a.b', payload: 'x', confirmExternal: true };
    await refused(republish(external, false, ok), 'unavailable', 'Nothing is running: start a topology, then republish on its bus.');
    await refused(republish(external, true, { ...ok, subject: 'agents.*' }), 'invalid_input', 'Cannot publish: "agents.*" has a wildcard: messages are published on a concrete subject (* and > are for subscribing).');
    await refused(republish(external, true, { ...ok, subject: 'a..b' }), 'invalid_input', /empty token/);
    await refused(republish(external, true, { ...ok, headers: { 'bad key': ['v'] } }), 'invalid_input', /^Cannot publish: a header is invalid/);
    await server.stop();
    await until(() => external.status().state !== 'running');
    await refused(republish(external, true, ok), 'unavailable', /^The NATS server is not running \(it is \w+\)/);
    expect(received).toEqual([]);
  });
});
