// A real `switchboard serve` keeps serving through broken and hostile clients on its port: the
// refused upgrade followed by a reset that used to end it with an unhandled ECONNRESET, and a few
// quick others. After each, the page loads and an authenticated bridge call answers.
// The long version (floods, hundreds of idle connections, memory) is test/faults/hostile-clients.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectStillServing,
  getRequest,
  openRawWebSocket,
  rawExchange,
  startServeTarget,
  upgradeRequest,
  writeThenReset,
  wsFrame,
  type ServeTarget,
} from '../helpers/hostile-client.js';
import { removeTempDir } from '../helpers/temp-dir.js';

let target: ServeTarget;
let port: number;
let token: string;

beforeAll(async () => {
  target = await startServeTarget('bridge-hostile');
  ({ port, token } = target);
});

afterAll(async () => {
  if (!target) return;
  try {
    expect(await target.serve.stop()).toBe(0);
  } finally {
    await removeTempDir(target.dataDir); // also when serve did not exit cleanly: no data dir left in the temp dir
  }
});

const stillServing = () => expectStillServing(target);

describe('serve survives hostile clients on its port', () => {
  it.each([
    ['a wrong token', '/rpc?token=wrong', undefined],
    ['no token', '/rpc', undefined],
    ['the right token from a foreign origin', 'TOKEN', 'http://evil.example'],
  ])('a refused upgrade (%s) followed by a reset', async (_label, target, origin) => {
    const request = upgradeRequest(target === 'TOKEN' ? `/rpc?token=${token}` : target, origin);
    // Many at once, some reset at once, some a moment later: the refusal is written into a reset socket.
    await Promise.all(Array.from({ length: 20 }, (_, i) => writeThenReset(port, request, i % 2 === 0 ? 0 : 5)));
    await stillServing();
  });

  it('answers the refusal itself with its status when the client waits', async () => {
    expect((await rawExchange(port, upgradeRequest('/rpc?token=wrong'))).status).toBe(401);
    expect((await rawExchange(port, upgradeRequest(`/rpc?token=${token}`, 'http://evil.example'))).status).toBe(403);
  });

  it('answers garbage bytes, an unparsable target and oversize headers with 4xx', async () => {
    expect((await rawExchange(port, Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x0d, 0x0a, 0x0d, 0x0a]))).status).toBe(400);
    expect((await rawExchange(port, getRequest('/%E0%A4%A'))).status).toBe(400);
    expect((await rawExchange(port, upgradeRequest('http://[/rpc'))).status).toBe(400);
    expect((await rawExchange(port, getRequest('/', [`X-Big: ${'a'.repeat(64 * 1024)}`]))).status).toBe(431);
    await stillServing();
  });

  it('closes a bridge connection that sends an invalid frame, and keeps serving', async () => {
    const invalidUtf8 = await openRawWebSocket(port, `/rpc?token=${token}`);
    const closed = new Promise<void>((resolve) => invalidUtf8.once('close', () => resolve()));
    invalidUtf8.resume();
    invalidUtf8.write(wsFrame(0x1, Buffer.from([0xff, 0xfe, 0xfd])));
    await closed;
    // A reset right after the handshake, mid-frame.
    const midFrame = await openRawWebSocket(port, `/rpc?token=${token}`);
    midFrame.write(wsFrame(0x1, Buffer.from('{"t":"call","id":1,"method":"host.getInfo"}')).subarray(0, 10));
    midFrame.resetAndDestroy();
    await stillServing();
  });
});
