// The seed-002-ops template through the one run session (as the app and `switchboard run` start
// it, embedded server, recorder tapping every subject): the example is answered offline, and the
// stored trace reads the seed-002 traffic — the capability task and its result as request and
// response paired (facts: from, to, requestSeq), status messages as presence, a raw client's
// invalid envelope as an invalid message plus a `message.invalid` event. Then the same example
// through the built `switchboard run`, with its trace file.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTopology } from '../../agents/topology/load.js';
import { startNatsServer, type SessionServer } from '../../main/host/run-session-server.js';
import { RunSession } from '../../main/host/run-session.js';
import { TraceLibrary } from '../../main/host/trace/index.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { runCli } from '../helpers/cli.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

const TEMPLATE = readFileSync(path.join(repoRoot, 'templates/seed-002-ops.yaml'), 'utf8');

let server: SessionServer;
let tmp: string;
let session: RunSession;
let library: TraceLibrary;
let nc: NatsConnection;
const warnings: string[] = [];

beforeAll(async () => {
  tmp = await makeTempDir('seed-002-session');
  server = await startNatsServer({ mode: 'embedded' }, { appRoot: repoRoot });
  const topology = loadTopology(TEMPLATE, 'seed-002-ops.yaml').topology!;
  library = new TraceLibrary(path.join(tmp, 'traces'));
  session = await RunSession.start({ server: server.handle, topology, text: TEMPLATE, baseDir: repoRoot, senderName: 'session_user', warn: (w) => warnings.push(w), library });
  nc = await connect(session.connection);
}, 60_000);

afterAll(async () => {
  await nc?.close();
  await session?.stop().catch(() => undefined);
  await server?.stop();
  await removeTempDir(tmp);
});

describe('seed-002-ops through the run session', () => {
  it('answers the example, and the trace pairs the capability task with its result and records the invalid envelope', async () => {
    const example = loadTopology(TEMPLATE, 'seed-002-ops.yaml').topology!.metadata.example!;
    const reply = await session.send(example.to, example.input, { timeoutMs: 20_000 });
    expect(reply.content).toMatch(/^net_ops: the resolver/);
    const bad = { id: randomUUID(), timestamp: Date.now() / 1000, type: 'shout', source: { id: 'intruder' }, payload: { content: 'x' } };
    const failed = await nc.request('agents.prod.task.database.any', JSON.stringify(bad), { timeout: 10_000 });
    expect(failed.string()).toContain('not a seed-002 message');

    await session.stop(); // the recorder stores everything the server routed
    const store = await library.open(session.runId!);
    const page = await store.queryWithFacts({ kind: 'message', limit: 1000 });
    const invalidEvents = await store.query({ kind: 'event', type: 'message.invalid' });
    const errors = await store.query({ kind: 'message', errors: true, subject: 'agents.prod.task.>' });
    await store.close();
    const rows = page.records.flatMap((record, i) => (record.kind === 'message' ? [{ record, facts: page.facts[i]! }] : []));

    const task = rows.find((r) => r.record.subject === 'agents.prod.task.network.any');
    expect(task?.record.parsed).toMatchObject({ ok: true, message: { message_type: 'request', from_agent: 'ops_desk', content: example.input } });
    expect(task?.facts).toMatchObject({ type: 'request', from: 'ops_desk', status: 'ok' });
    const result = rows.find((r) => r.facts.requestSeq === task!.record.seq);
    expect(result?.facts).toMatchObject({ type: 'response', from: 'net_ops', to: 'ops_desk', status: 'ok' });
    expect(result?.record.parsed).toMatchObject({ ok: true, message: { in_reply_to: (task!.record.parsed as { message: { message_id: string } }).message.message_id } });

    const statuses = rows.filter((r) => r.record.subject.startsWith('agents.prod.status.'));
    expect(new Set(statuses.map((r) => r.facts.from))).toEqual(new Set(['ops_desk', 'net_ops', 'db_ops', 'session_user']));
    expect(new Set(statuses.map((r) => r.facts.type))).toEqual(new Set(['announcement']));

    const invalid = rows.find((r) => r.record.subject === 'agents.prod.task.database.any' && !r.record.parsed.ok);
    expect(invalid?.record.parsed).toMatchObject({ ok: false, reason: expect.stringMatching(/not a seed-002 message: type/) });
    // Flagged as an error (invalid on a task subject), unlike the valid tasks there.
    expect(errors.records.map((r) => r.seq)).toEqual([invalid!.record.seq]);
    expect(invalidEvents.records).toHaveLength(1);
    expect(invalidEvents.records[0]).toMatchObject({ kind: 'event', agent: 'db_ops', payload: { subject: 'agents.prod.task.database.any' } });
    expect(warnings).toEqual([]);
  });
});

describe('seed-002-ops through switchboard run', () => {
  it('prints the network specialist’s answer (exit 0), and its trace file has the task and its result', async () => {
    const trace = path.join(tmp, 'seed-002.ndjson');
    const out = await runCli(['run', path.join(repoRoot, 'templates/seed-002-ops.yaml'), '--quiet', '--trace', trace, '--input', 'DNS lookups time out for api.example.com', '--to', 'ops_desk']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^net_ops: the resolver for api\.example\.com is unreachable/);
    const records = readFileSync(trace, 'utf8').trim().split('\n').slice(1).map((line) => JSON.parse(line) as { kind: string; subject?: string; parsed?: { ok: boolean; message?: { message_type: string; message_id: string; in_reply_to: string | null } } });
    const task = records.find((r) => r.subject === 'agents.prod.task.network.any');
    expect(task?.parsed).toMatchObject({ ok: true, message: { message_type: 'request' } });
    const result = records.find((r) => r.parsed?.message?.in_reply_to === task!.parsed!.message!.message_id);
    expect(result?.parsed?.message?.message_type).toBe('response');
  });
});
