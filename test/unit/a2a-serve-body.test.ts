// The A2A listener's own body parsing (server.ts parses bodies itself, up to the size limit): a body
// that is not JSON is answered as the SDK answers it — a JSON-RPC parse error (-32700) — never an
// HTML error page; one over the limit is a JSON-RPC error saying the limit; a GET on the endpoint
// is 405, not 'nothing served here'. No NATS: a fake client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A2aServer } from '../../agents/interop/a2a/serve/server.js';
import { newMessage } from '../../agents/runtime/wire.js';

let server: A2aServer;

beforeAll(async () => {
  const client = { request: async () => newMessage({ message_type: 'response', from_agent: 'echo', to_agent: 'a2a_client', content: 'hi' }) };
  server = await A2aServer.start({ host: '127.0.0.1', port: 0, agents: [{ name: 'echo' }], client, version: '0.0.0', maxRequestBytes: 2048 });
});
afterAll(async () => {
  await server?.stop(Date.now() + 2000);
});

const post = (body: string) => fetch(server.cards[0]!.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('A2A listener bodies', () => {
  it('answers a body that is not JSON with a JSON-RPC parse error', async () => {
    const res = await post('{"jsonrpc": "2.0", "method": ');
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } });
  });

  it('answers a body over the limit with a JSON-RPC error that says the limit', async () => {
    const res = await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'SendMessage', params: { pad: 'x'.repeat(4096) } }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32600, message: expect.stringContaining('limit of 2048 bytes') } });
  });

  it('answers a GET on a served endpoint 405 (JSON-RPC is POST), and an unknown path 404 naming what is served', async () => {
    const get = await fetch(server.cards[0]!.url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(await get.json()).toMatchObject({ error: 'method_not_allowed', message: '/a2a/echo takes JSON-RPC requests by POST (its agent card: /a2a/echo/.well-known/agent-card.json)' });
    const unknown = await fetch(`${server.baseUrl}/a2a/nobody`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ message: 'no A2A agent is served at /a2a/nobody (served: /a2a/echo)' });
  });
});
