// The A2A client's fetch cuts an answer larger than the wire cap off while it is read: a declared
// Content-Length over the cap is refused before reading, an endless body after the cap's bytes; an
// answer under the cap passes whole.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { cappedFetch } from '../../agents/interop/a2a/capped-fetch.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('cappedFetch', () => {
  it('passes an answer under the cap whole', async () => {
    const url = await serve((_req, res) => res.end('x'.repeat(1000)));
    expect(await (await cappedFetch(1024)(url)).text()).toBe('x'.repeat(1000));
  });

  it('refuses a declared Content-Length over the cap before reading it', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': String(10_000_000) });
      res.write('x'.repeat(100));
    });
    await expect(cappedFetch(1024)(url)).rejects.toThrow(`the answer from ${url} passed 1024 bytes (at 10000000)`);
  });

  it('cuts an endless body off once the cap has arrived', async () => {
    let sent = 0;
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const pump = () => {
        while (res.write(Buffer.alloc(16 * 1024, 0x61))) sent += 16 * 1024;
        res.once('drain', pump);
      };
      pump();
    });
    const response = await cappedFetch(64 * 1024)(url);
    await expect(response.text()).rejects.toThrow(/passed 65536 bytes .*so it was cut off/);
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  });
});
