// The host's `peer.getCard` against A2A peers built with @a2a-js/sdk (test/helpers/a2a-servers.ts):
// a base URL and a card URL are read and summarized (what crosses the contract); an unreachable
// card (connection refused, no such host, a server that never answers), a web page, JSON that is
// not a card and a card with no interface we speak each fail with a clear error and code.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../main/host/host.js';
import { calls } from '../../preload/contract.js';
import { startA2aServers, type A2aTestServers } from '../helpers/a2a-servers.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { freePort } from '../helpers/ports.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

let host: Host;
let dataDir: string;
let peers: A2aTestServers;
let silent: Server;
const sockets = new Set<Socket>();

beforeAll(async () => {
  dataDir = await makeTempDir('a2a-peer-card');
  host = await startHost({ shell: 'headless', appVersion: '0.0.0-test', appRoot: repoRoot, dataDir, nats: { mode: 'embedded' } });
  peers = await startA2aServers();
  // Accepts connections and never answers: a card server that hangs.
  silent = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
}, 30_000);
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent?.close(resolve));
  await peers?.close();
  await host?.stop();
  await removeTempDir(dataDir);
});

/** The error `peer.getCard` rejects with for `url`. */
async function failure(url: string): Promise<{ code: string; message: string }> {
  const error = await host.handlers['peer.getCard']({ url }).then(
    () => null,
    (e: unknown) => e as { code: string; message: string },
  );
  expect(error, `${url} should fail`).not.toBeNull();
  return { code: error!.code, message: error!.message };
}

describe('peer.getCard', () => {
  it('reads a card from a base URL and from the card URL itself', async () => {
    const result = await host.handlers['peer.getCard']({ url: peers.url('stream') });
    calls['peer.getCard'].output.parse(result);
    expect(result.card).toEqual({
      cardUrl: `${peers.url('stream')}/.well-known/agent-card.json`,
      name: 'stream-agent',
      description: 'Test A2A agent: stream',
      version: '1.0.0',
      endpoint: { url: `${peers.url('stream')}/rpc`, binding: 'JSONRPC', protocolVersion: '1.0' },
      streaming: true,
      skills: [{ id: 'stream', name: 'stream skill', description: 'Does stream' }],
    });
    const direct = await host.handlers['peer.getCard']({ url: `${peers.url('echo')}/.well-known/agent-card.json` });
    expect(direct.card).toMatchObject({ name: 'echo-agent', streaming: false, endpoint: { url: `${peers.url('echo')}/rpc` } });
  });

  it('says why a card cannot be read', async () => {
    const refused = await failure(`http://127.0.0.1:${await freePort()}/`);
    expect(refused.code).toBe('unavailable');
    expect(refused.message).toMatch(/connection refused/);

    const dns = await failure('http://no-such-host.invalid/');
    expect(dns.code).toBe('unavailable');
    expect(dns.message).toMatch(/host not found|no-such-host\.invalid/);

    const started = Date.now();
    const hang = await failure(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/`);
    console.log(`hanging card server: failed after ${Date.now() - started} ms`);
    expect(hang.code).toBe('unavailable');
    expect(hang.message).toMatch(/no answer within 5000 ms \(timeout\)/);

    const html = await failure(`${peers.base}/html`);
    expect(html).toEqual({ code: 'invalid_input', message: expect.stringMatching(/is not an A2A agent card: it is a web page/) });

    const nameless = await failure(`${peers.base}/nameless`);
    expect(nameless).toEqual({ code: 'invalid_input', message: expect.stringMatching(/is not an A2A agent card: its JSON has no name and no supportedInterfaces/) });

    const grpc = await failure(`${peers.base}/grpc-only`);
    expect(grpc).toEqual({ code: 'invalid_input', message: expect.stringMatching(/offers no interface Switchboard speaks \(JSONRPC or HTTP\+JSON\): it offers GRPC at grpc:/) });

    const missing = await failure(`${peers.base}/nobody`);
    expect(missing).toEqual({ code: 'not_found', message: expect.stringMatching(/answered HTTP 404/) });

    const notUrl = await failure('ftp://example.com/card');
    expect(notUrl.code).toBe('invalid_input');
  }, 30_000);
});
