// The synadia-bridge template through the one run session (as the app and `switchboard run` start
// it, on the embedded server with its recorder tapping every subject): the example is answered
// with the external reviewer's streamed review (a stand-in built with the protocol's agent SDK),
// and the run's trace shows the prompt from desk to reviewer and its stream, labelled.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTopology } from '../../agents/topology/load.js';
import { startNatsServer, type SessionServer } from '../../main/host/run-session-server.js';
import { RunSession } from '../../main/host/run-session.js';
import { TraceLibrary } from '../../main/host/trace/index.js';
import { AgentService } from '../fixtures/synadia-sdk/agent/src/index.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

const TEMPLATE = readFileSync(path.join(repoRoot, 'templates/synadia-bridge.yaml'), 'utf8');

let server: SessionServer;
let tmp: string;
let session: RunSession;
let library: TraceLibrary;
let nc: NatsConnection;
let reviewer: AgentService;
const warnings: string[] = [];

beforeAll(async () => {
  tmp = await makeTempDir('synadia-call-session');
  server = await startNatsServer({ mode: 'embedded' }, { appRoot: repoRoot });
  const topology = loadTopology(TEMPLATE, 'synadia-bridge.yaml').topology!;
  library = new TraceLibrary(path.join(tmp, 'traces'));
  session = await RunSession.start({ server: server.handle, topology, text: TEMPLATE, baseDir: repoRoot, senderName: 'session_user', warn: (w) => warnings.push(w), library });
  nc = await connect(session.connection);
  reviewer = new AgentService({ nc, agent: 'claude-code', owner: 'acme', name: 'reviewer', keepaliveIntervalS: null });
  reviewer.onPrompt(async (envelope, response) => {
    await response.send('Reviewed: ');
    await response.send(envelope.prompt);
  });
  await reviewer.start();
  await nc.flush();
}, 60_000);

afterAll(async () => {
  await reviewer?.stop().catch(() => undefined);
  await nc?.close();
  await session?.stop().catch(() => undefined);
  await server?.stop();
  await removeTempDir(tmp);
});

describe('synadia-bridge through the run session', () => {
  it('answers the example with the reviewer’s streamed review, and the trace labels the prompt and its stream', async () => {
    const example = loadTopology(TEMPLATE, 'synadia-bridge.yaml').topology!.metadata.example!;
    // The reviewer started after the run: the registry learns of it from its first heartbeat.
    await session.network.registry.waitFor((r) => r.get('reviewer')?.status === 'available', 10_000);
    const reply = await session.send(example.to, example.input, { timeoutMs: 20_000 });
    expect(reply.content).toContain('1. [code.review → reviewer] Reviewed: Review the retry loop in fetch.ts');

    await reviewer.stop();
    await session.stop(); // the recorder stores everything the server routed
    const store = await library.open(session.runId!);
    const page = await store.queryWithFacts({ kind: 'message', limit: 1000 });
    // The index knows a prompt by its subject: the type and agent filters find it.
    const prompts = await store.query({ type: 'synadia.prompt', agent: 'desk' });
    await store.close();
    expect(prompts.records.map((r) => (r.kind === 'message' ? r.subject : null))).toEqual(['agents.prompt.claude-code.acme.reviewer']);
    const rows = page.records.flatMap((record, i) => (record.kind === 'message' ? [{ record, facts: page.facts[i]! }] : []));
    const prompt = rows.find((r) => r.record.subject === 'agents.prompt.claude-code.acme.reviewer');
    expect(prompt?.facts).toMatchObject({ type: 'synadia.prompt', from: 'desk', to: 'reviewer', status: 'ok' });
    const stream = rows.filter((r) => r.record.subject === prompt!.record.reply);
    expect(stream.map((r) => r.facts.type)).toEqual(['synadia.ack', 'synadia.response', 'synadia.response', 'synadia.end']);
    for (const r of stream) expect(r.facts).toMatchObject({ from: 'reviewer', to: 'desk', requestSeq: prompt!.record.seq });
    expect(warnings).toEqual([]);
  });
});
