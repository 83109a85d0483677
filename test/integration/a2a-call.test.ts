// Switchboard agents calling external A2A agents (seed 004 sequence 2.3) through the run session
// on a real nats-server: the asker's request_agent / delegate go out on protocol.a2a.request.{peer},
// the run's protocol gateway calls peers built with @a2a-js/sdk (test/helpers/a2a-servers.ts).
// Answers come back (a message, streamed artifacts assembled); PII is stripped before the peer
// sees it and recorded as stripped (never the value); a failed task, a peer that hangs, one asking
// for input, an unreachable card and a URL that is not a card each end in a clear failed reply;
// the trace holds the bus request and the gateway's protocol.a2a.request/response, tied to it.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTopology } from '../../agents/topology/load.js';
import { startNatsServer, type SessionServer } from '../../main/host/run-session-server.js';
import { RunSession } from '../../main/host/run-session.js';
import { TraceLibrary } from '../../main/host/trace/index.js';
import { startA2aServers, type A2aTestServers } from '../helpers/a2a-servers.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { freePort } from '../helpers/ports.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

const EMAIL = 'jane.doe@example.com';
/** The echo peer's credential, attached by reference (the topology names the variable). */
const TOKEN = 'a2a-call-secret-7f3';

function topologyText(peers: A2aTestServers, gone: string): string {
  return `
apiVersion: switchboard.dev/v1
kind: Topology
metadata: { name: a2a-call }
spec:
  llms: { offline: { provider: scripted } }
  agents:
    - name: asker
      llm: offline
      prompt: You ask others.
      tools: [request_agent, delegate]
      pattern: { subtaskTimeoutMs: 10000 }
      script:
        rules:
          - matches: "^ask (\\\\w+): (.+)"
            tool_calls: [{ name: request_agent, arguments: { agent: "{{match.1}}", content: "{{match.2}}", timeout_ms: 10000 } }]
          - matches: "^delegate (.+)"
            tool_calls: [{ name: delegate, arguments: { subtasks: [{ capability: echo.text, task: "{{match.1}}" }] } }]
          - after_tool: request_agent
            reply: "{{tool_result}}"
          - after_tool: delegate
            reply: "{{tool_result}}"
  externalAgents:
    - { name: echo, capabilities: [echo.text], a2a: { card: "${peers.url('echo')}", credential: { secret: A2A_CALL_TEST_TOKEN }, skills: [{ id: summarize, name: Summarize }] } }
    - { name: stream, a2a: { card: "${peers.url('stream')}/.well-known/agent-card.json" } }
    - { name: fail, a2a: { card: "${peers.url('fail')}" } }
    - { name: hang, a2a: { card: "${peers.url('hang')}", timeoutMs: 1000 } }
    - { name: gone, a2a: { card: "${gone}" } }
    - { name: page, a2a: { card: "${peers.base}/html" } }
    - { name: input, a2a: { card: "${peers.url('input')}" } }
  edges:
    - { from: asker, to: echo, kind: request }
    - { from: asker, to: stream, kind: request }
    - { from: asker, to: fail, kind: request }
    - { from: asker, to: hang, kind: request }
    - { from: asker, to: gone, kind: request }
    - { from: asker, to: page, kind: request }
    - { from: asker, to: input, kind: request }
`;
}

let server: SessionServer;
let tmp: string;
let session: RunSession;
let library: TraceLibrary;
let peers: A2aTestServers;
const warnings: string[] = [];

beforeAll(async () => {
  tmp = await makeTempDir('a2a-call');
  process.env['A2A_CALL_TEST_TOKEN'] = TOKEN;
  peers = await startA2aServers();
  const gone = `http://127.0.0.1:${await freePort()}/`;
  server = await startNatsServer({ mode: 'embedded' }, { appRoot: repoRoot });
  const text = topologyText(peers, gone);
  const loaded = loadTopology(text, 'a2a-call.yaml');
  expect(loaded.problems.filter((p) => p.severity === 'error')).toEqual([]);
  library = new TraceLibrary(path.join(tmp, 'traces'));
  session = await RunSession.start({ server: server.handle, topology: loaded.topology!, text, baseDir: tmp, senderName: 'session_user', warn: (w) => warnings.push(w), library });
}, 60_000);

afterAll(async () => {
  await session?.stop().catch(() => undefined);
  await server?.stop();
  await peers?.close();
  await removeTempDir(tmp);
  delete process.env['A2A_CALL_TEST_TOKEN'];
});

const ask = async (content: string) => (await session.send('asker', content, { timeoutMs: 20_000 })).content;

describe('calling external A2A agents', () => {
  it('gets the answer through request_agent, with PII stripped before the peer sees it and the credential attached', async () => {
    const answer = await ask(`ask echo: mail ${EMAIL} the summary`);
    expect(answer).toContain('echo: mail [email removed] the summary');
    const seen = peers.received.filter((r) => r.agent === 'echo');
    expect(seen).toHaveLength(1);
    expect(JSON.stringify(seen)).not.toContain(EMAIL);
    expect(seen[0]!.headers['authorization']).toBe(`Bearer ${TOKEN}`);
  });

  it('gets the answer through delegate by capability (the registry lists the A2A agent)', async () => {
    expect(session.network.registry.get('echo')).toMatchObject({ status: 'available', capabilities: ['echo.text', 'summarize'], source: 'a2a' });
    const answer = await ask('delegate summarize the week');
    expect(answer).toContain('echo: summarize the week');
  });

  it('assembles streamed artifacts', async () => {
    expect(await ask('ask stream: go')).toContain('Hello, world\n(3 chunks for: go)');
  });

  it('says clearly when the peer fails, hangs, asks for input, cannot be reached or is not an A2A agent', async () => {
    const failed = await ask('ask fail: the numbers');
    expect(failed).toMatch(/fail.*failed.*the peer broke: the numbers/s);
    const started = Date.now();
    const hang = await ask('ask hang: anything');
    expect(hang).toMatch(/A2A agent "hang" did not answer within 1000 ms/);
    console.log(`hanging A2A peer: failed reply after ${Date.now() - started} ms`);
    const gone = await ask('ask gone: hello');
    expect(gone).toMatch(/connection refused/);
    const page = await ask('ask page: hello');
    expect(page).toMatch(/is not an A2A agent card: it is a web page/);
    const input = await ask('ask input: pay the bill');
    expect(input).toMatch(/ended the call as "input-required": it asked for more input: "Which account do you mean\?"; a delegated request cannot answer back/);
    console.log([failed, hang, gone, page, input].join('\n'));
  });

  it('traces the bus request and the gateway exchange, tied to it, without the stripped value or the credential', async () => {
    await session.stop();
    const store = await library.open(session.runId!);
    const messages = await store.queryWithFacts({ subject: 'protocol.a2a.request.echo.*', limit: 1000 });
    const events = await store.query({ kind: 'event', type: 'protocol.a2a.request', limit: 1000 });
    const responses = await store.query({ kind: 'event', type: 'protocol.a2a.response', limit: 1000 });
    const everything = await store.query({ limit: 1000 });
    await store.close();
    expect(everything.records.length).toBeLessThan(1000); // all of the run was read
    expect(JSON.stringify(everything.records)).not.toContain(TOKEN);
    // The bus request (asker -> echo, on the gateway's subject) is answered on asker's inbox, and the rows say so.
    const first = messages.records[0];
    expect(first?.kind === 'message' && first.parsed.ok && first.parsed.message.to_agent).toBe('echo');
    expect(messages.facts[0]).toMatchObject({ from: 'asker', to: 'echo', type: 'request', status: 'ok' });
    expect(messages.facts[0]!.replySeq).not.toBeNull();
    // The gateway's exchange names the bus request it served.
    const requestId = first?.kind === 'message' && first.parsed.ok ? first.parsed.message.message_id : null;
    const request = events.records.find((r) => r.kind === 'event' && r.name === 'protocol.a2a.request' && r.payload.requestId === requestId);
    expect(request?.kind === 'event' && request.payload).toMatchObject({ agent: 'asker', peer: 'echo', direction: 'outbound', stripped: [{ kind: 'email', count: 1 }] });
    for (const secret of [EMAIL, TOKEN]) {
      expect(JSON.stringify(events.records)).not.toContain(secret);
      expect(JSON.stringify(responses.records)).not.toContain(secret);
    }
    const states = responses.records.flatMap((r) => (r.kind === 'event' && r.name === 'protocol.a2a.response' ? [`${r.payload.peer}:${r.payload.state}`] : []));
    expect(states).toEqual(expect.arrayContaining(['echo:completed', 'stream:completed', 'fail:failed', 'hang:timeout']));
  });
});
