// OAuth2 client credentials on the protocol gateway (seed 004 sequence 2.3 "Attach OAuth2
// credentials"): a fake token endpoint on 127.0.0.1 and the A2A test peers built with the official
// SDK; the real A2A adapter. The token is asked for once (Basic client auth, the scopes), kept until
// shortly before it expires, shared by calls in flight, dropped when a call fails on the wire; every
// way the endpoint can fail is a clear failed call that names it and never the secret.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A2aAdapter } from '../../agents/interop/a2a/client.js';
import { ProtocolGateway } from '../../agents/interop/gateway/gateway.js';
import { OAuth2Tokens } from '../../agents/interop/gateway/oauth2.js';
import { a2aGatewayRoutes } from '../../agents/interop/gateway/service.js';
import type { GatewayPeer } from '../../agents/interop/gateway/types.js';
import { RuntimeEventBus } from '../../agents/protocol/runtime-events.js';
import { loadTopology } from '../../agents/topology/load.js';
import { startA2aServers, type A2aTestServers } from '../helpers/a2a-servers.js';
import { freePort } from '../helpers/ports.js';
import { until } from '../helpers/until.js';

const SECRET = 'oauth2-client-s3cret';

/** A token endpoint: answers each POST with the next scripted answer (default: a fresh token for an hour). */
interface TokenEndpoint {
  url: string;
  asked: { authorization: string | undefined; body: string }[];
  answer: (n: number) => { status: number; body: unknown; delayMs?: number } | 'hang';
  /** Answers sent so far. */
  answered: number;
  close(): Promise<void>;
}

async function startTokenEndpoint(): Promise<TokenEndpoint> {
  const read = (req: IncomingMessage) => new Promise<string>((resolve) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => resolve(body));
  });
  const endpoint: TokenEndpoint = {
    url: '',
    asked: [],
    answered: 0,
    answer: (n) => ({ status: 200, body: { access_token: `tok-${n}`, token_type: 'Bearer', expires_in: 3600 } }),
    close: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    void read(req).then((body) => {
      endpoint.asked.push({ authorization: req.headers.authorization, body });
      const answer = endpoint.answer(endpoint.asked.length);
      if (answer === 'hang') return;
      setTimeout(() => {
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
        endpoint.answered++;
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token`;
  endpoint.close = () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
  return endpoint;
}

let peers: A2aTestServers;
let auth: TokenEndpoint;
beforeAll(async () => {
  peers = await startA2aServers();
  auth = await startTokenEndpoint();
});
afterAll(async () => {
  await auth?.close();
  await peers?.close();
});

function setup(options: { tokenUrl?: string; timeoutMs?: number; secret?: string | undefined; card?: string } = {}) {
  const text = `apiVersion: switchboard.dev/v1
kind: Topology
metadata: { name: oauth2 }
spec:
  agents: [{ name: desk, llm: offline }]
  externalAgents:
    - name: echo
      a2a:
        card: "${options.card ?? peers.url('echo')}"
        timeoutMs: ${options.timeoutMs ?? 10_000}
        oauth2: { tokenUrl: "${options.tokenUrl ?? auth.url}", clientId: "switchboard desk", clientSecret: ECHO_CLIENT_SECRET, scopes: [a2a.call, travel.read] }
`;
  const topology = loadTopology(text, 'oauth2.yaml').topology!;
  const clock = { now: 1_000_000 };
  const events = new RuntimeEventBus();
  const emitted: unknown[] = [];
  events.on('protocol.a2a.response', (e) => emitted.push(e));
  const secrets = { get: (name: string) => (name === 'ECHO_CLIENT_SECRET' ? ('secret' in options ? options.secret : SECRET) : undefined) };
  const gateway = new ProtocolGateway({ adapters: [A2aAdapter.forTopology(topology)], events, secrets, tokens: new OAuth2Tokens(secrets, () => clock.now) });
  const peer: GatewayPeer = a2aGatewayRoutes(topology)[0]!.peer;
  const call = (content: string, timeoutMs = peer.timeoutMs) => gateway.exchange({ agent: 'desk', peer: { ...peer, timeoutMs }, text: content });
  return { call, clock, emitted, peer };
}

const tokensSeen = (from: number) => peers.received.slice(from).map((r) => r.headers['authorization']);

describe('OAuth2 client credentials on the protocol gateway', () => {
  it('asks for a token once (Basic client auth, grant and scopes), keeps it until shortly before it expires, and shares one request among calls in flight', async () => {
    auth.asked.length = 0;
    const { call, clock } = setup();
    const before = peers.received.length;
    expect((await call('one')).text).toBe('echo: one');
    expect((await call('two')).ok).toBe(true);
    expect(auth.asked).toHaveLength(1);
    // RFC 6749 §2.3.1: id and secret form-encoded (the space as +), then Basic.
    expect(auth.asked[0]!.authorization).toBe(`Basic ${Buffer.from(`switchboard+desk:${SECRET}`).toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(auth.asked[0]!.body))).toEqual({ grant_type: 'client_credentials', scope: 'a2a.call travel.read' });
    expect(tokensSeen(before)).toEqual(['Bearer tok-1', 'Bearer tok-1']);
    // 30 s before its hour is up, a new one.
    clock.now += 3600_000 - 29_000;
    await Promise.all([call('three'), call('four'), call('five')]);
    expect(auth.asked).toHaveLength(2);
    expect(tokensSeen(before).slice(2)).toEqual(['Bearer tok-2', 'Bearer tok-2', 'Bearer tok-2']);
  });

  it('keeps a token that arrives after its caller gave up: the next call uses it', async () => {
    auth.asked.length = 0;
    const saved = auth.answer;
    auth.answer = (n) => ({ status: 200, body: { access_token: `slow-${n}`, token_type: 'Bearer', expires_in: 3600 }, delayMs: 600 });
    try {
      const { call } = setup();
      const answeredBefore = auth.answered;
      expect((await call('too soon', 300)).error).toBe(`A2A agent "echo": no OAuth2 token from ${auth.url} within 300 ms (its timeoutMs).`);
      await until(() => auth.answered > answeredBefore, 'the slow token');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const before = peers.received.length;
      expect((await call('later')).ok).toBe(true);
      expect(auth.asked).toHaveLength(1);
      expect(tokensSeen(before)).toEqual(['Bearer slow-1']);
    } finally {
      auth.answer = saved;
    }
  });

  it('drops the token when a call fails on the wire, so a token the peer may have refused is not used again', async () => {
    auth.asked.length = 0;
    const { call } = setup({ card: `http://127.0.0.1:${await freePort()}/` });
    const first = await call('first');
    expect(first.error).toMatch(/connection refused/);
    await call('second');
    expect(auth.asked).toHaveLength(2);
  });

  it('fails the call clearly, never with the secret, when the endpoint refuses, answers no token, is not there, hangs, or the secret is not set', async () => {
    const say = async (options: Parameters<typeof setup>[0], answer?: TokenEndpoint['answer']) => {
      const saved = auth.answer;
      if (answer) auth.answer = answer;
      try {
        const { call, emitted } = setup(options);
        const result = await call('hello');
        expect(result.ok).toBe(false);
        expect(JSON.stringify([result, emitted])).not.toContain(SECRET);
        return result.error;
      } finally {
        auth.answer = saved;
      }
    };
    expect(await say({}, () => ({ status: 401, body: { error: 'invalid_client', error_description: 'Client\u001b[31m authentication failed' } }))).toBe(`no OAuth2 token for A2A agent "echo" from ${auth.url}: HTTP 401 invalid_client (Client authentication failed)`);
    expect(await say({}, () => ({ status: 200, body: { token_type: 'Bearer' } }))).toBe(`no OAuth2 token for A2A agent "echo" from ${auth.url}: the answer has no usable access_token`);
    expect(await say({}, () => ({ status: 200, body: { access_token: 'x', token_type: 'mac' } }))).toBe(`no OAuth2 token for A2A agent "echo" from ${auth.url}: the token is of type "mac", not a bearer token`);
    const nowhere = `http://127.0.0.1:${await freePort()}/token`;
    expect(await say({ tokenUrl: nowhere })).toBe(`no OAuth2 token for A2A agent "echo" from ${nowhere}: connection refused`);
    expect(await say({ timeoutMs: 300 }, () => 'hang')).toBe(`A2A agent "echo": no OAuth2 token from ${auth.url} within 300 ms (its timeoutMs).`);
    expect(await say({ secret: undefined })).toBe('A2A agent "echo"\'s OAuth2 client secret is not set: set the environment variable ECHO_CLIENT_SECRET before calling it.');
  });
});
