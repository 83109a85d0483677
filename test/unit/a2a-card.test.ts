/** The agent card reader's bounds against a card server that never stops sending (agents/interop/a2a/card.ts). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentCard } from '@a2a-js/sdk';
import { A2aCardError, assertCredentialStaysHome, fetchAgentCard } from '../../agents/interop/a2a/card.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A server whose card answer is `{"name":"x` followed by spaces forever (sent as fast as it is read). */
async function endlessCard(): Promise<{ url: string; sent: () => number }> {
  let sent = 0;
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      let more = true;
      while (more && !res.destroyed) {
        more = res.write(chunk);
        sent += chunk.length;
      }
      if (!res.destroyed) res.once('drain', pump);
    };
    res.write('{"name":"x');
    pump();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, sent: () => sent };
}

describe('agent card: bounded reading', () => {
  it('stops reading a card answer past 1 MiB and says it is not a card (was: read it all until the timeout)', async () => {
    const { url, sent } = await endlessCard();
    const error = await fetchAgentCard(url, { timeoutMs: 4000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(A2aCardError);
    expect((error as A2aCardError).problem).toBe('not_a_card');
    expect((error as A2aCardError).message).toMatch(/is not an A2A agent card: it sent more than 1048576 bytes/);
    console.log(`card server had sent ${sent()} bytes when the reader stopped`);
  });
});

describe('a credential stays with the card\'s origin', () => {
  const card = (...urls: string[]) => ({ name: 'partner', supportedInterfaces: urls.map((url) => ({ url, protocolBinding: 'JSONRPC', protocolVersion: '1.0', tenant: '' })) }) as unknown as AgentCard;
  const home = 'https://partner.example.com/.well-known/agent-card.json';

  it('lets calls go to the card\'s own origin', () => {
    expect(() => assertCredentialStaysHome(card('https://partner.example.com/a2a/rpc'), home)).not.toThrow();
  });

  it('refuses a card sending calls to another host, or down to plain http, naming both origins', () => {
    expect(() => assertCredentialStaysHome(card('https://collector.example.net/rpc'), home)).toThrow(
      "partner's card sends calls to https://collector.example.net, not to https://partner.example.com where the card is: its credential is only sent to the card's own origin.",
    );
    expect(() => assertCredentialStaysHome(card('https://partner.example.com/rpc', 'http://partner.example.com/rpc'), home)).toThrow(/sends calls to http:\/\/partner\.example\.com/);
  });
});
