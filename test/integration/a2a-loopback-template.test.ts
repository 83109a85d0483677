// The a2a-loopback template through the run session on the embedded server, offline: the concierge
// delegates to travel_desk, an external A2A agent declared by the card this same run serves for
// travel_agent. The request leaves through the protocol gateway with the e-mail, phone and card
// number stripped (recorded by kind, never the values) and the answer comes back; an A2A client
// built with the official SDK reads the same card and gets an answer directly.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Role, type Message } from '@a2a-js/sdk';
import { ClientFactory } from '@a2a-js/sdk/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTopology } from '../../agents/topology/load.js';
import { startNatsServer, type SessionServer } from '../../main/host/run-session-server.js';
import { RunSession } from '../../main/host/run-session.js';
import { TraceLibrary } from '../../main/host/trace/index.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

const text = readFileSync(path.join(repoRoot, 'templates/a2a-loopback.yaml'), 'utf8');
const PII = ['ada@example.com', '+44 20 7946 0958', '4111 1111 1111 1111'];

let server: SessionServer;
let tmp: string;
let session: RunSession;
let library: TraceLibrary;

beforeAll(async () => {
  tmp = await makeTempDir('a2a-loopback');
  server = await startNatsServer({ mode: 'embedded' }, { appRoot: repoRoot });
  const loaded = loadTopology(text, 'a2a-loopback.yaml');
  expect(loaded.problems).toEqual([]);
  library = new TraceLibrary(path.join(tmp, 'traces'));
  session = await RunSession.start({ server: server.handle, topology: loaded.topology!, text, baseDir: tmp, senderName: 'session_user', warn: () => undefined, library });
}, 60_000);

afterAll(async () => {
  await session?.stop().catch(() => undefined);
  await server?.stop();
  await removeTempDir(tmp);
});

describe('the a2a-loopback template', () => {
  it('serves travel_agent on the card travel_desk is declared by', () => {
    expect(session.a2aCards).toEqual([{ agent: 'travel_agent', url: 'http://127.0.0.1:41241/a2a/travel_agent', cardUrl: 'http://127.0.0.1:41241/a2a/travel_agent/.well-known/agent-card.json' }]);
  });

  it('answers its example through the protocol gateway, with the personal data stripped on the way out', async () => {
    const example = loadTopology(text, 'a2a-loopback.yaml').topology!.metadata.example!;
    const reply = await session.send(example.to, example.input, { timeoutMs: 30_000 });
    expect(reply.metadata['status']).toBe('completed');
    expect(reply.content).toMatch(/^The travel partner says: Booked\. Request as it reached me: Book a hotel in Lisbon for 2 nights for /);
    for (const value of PII) expect(reply.content).not.toContain(value);
  });

  it('answers an A2A client built with the official SDK on the same card', async () => {
    const client = await new ClientFactory().createFromUrl(session.a2aCards[0]!.cardUrl, '');
    const part = { content: { $case: 'text' as const, value: 'Book a flight to Porto' }, metadata: undefined, filename: '', mediaType: 'text/plain' };
    const message: Message = { messageId: crypto.randomUUID(), contextId: '', taskId: '', role: Role.ROLE_USER, parts: [part], metadata: undefined, extensions: [], referenceTaskIds: [] };
    const result = await client.sendMessage({ tenant: '', message, configuration: undefined, metadata: undefined });
    if (!('status' in result)) throw new Error(`expected a task, got ${JSON.stringify(result)}`);
    const answer = result.artifacts.flatMap((a) => a.parts).map((p) => (p.content?.$case === 'text' ? String(p.content.value) : '')).join('');
    expect(answer).toBe('Booked. Request as it reached me: Book a flight to Porto');
  });

  it('records what was stripped by kind, never the values', async () => {
    await session.stop();
    const store = await library.open(session.runId!);
    const requests = await store.query({ kind: 'event', type: 'protocol.a2a.request', limit: 100 });
    const events = await store.query({ kind: 'event', limit: 1000 });
    await store.close();
    const outbound = requests.records.filter((r) => r.kind === 'event' && r.name === 'protocol.a2a.request' && r.payload.direction === 'outbound');
    expect(outbound).toHaveLength(1);
    const stripped = outbound[0]!.kind === 'event' && outbound[0]!.name === 'protocol.a2a.request' ? outbound[0]!.payload.stripped : [];
    expect(new Set(stripped.map((s) => s.kind))).toEqual(new Set(['email', 'phone', 'card']));
    // The gateway's and the served side's events never carry the values (the user's own request on the bus does).
    const gatewayEvents = events.records.filter((r) => r.kind === 'event' && r.name.startsWith('protocol.'));
    for (const value of PII) expect(JSON.stringify(gatewayEvents)).not.toContain(value);
  });
});
