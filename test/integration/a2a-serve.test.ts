// Switchboard agents served over A2A (spec v1.0), checked with the official SDK's client on a real
// nats-server through the one run session: the card read by ClientFactory, a blocking answer, a
// streamed one (artifact updates, then completed), a breakpoint-held run answered after resume, a
// budget failure as a failed task, 404s for what is not served, a port in use, and a stop that
// fails the tasks in flight, closes the port and leaves the client's bus request in the trace.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Role, TaskState, type Message, type StreamResponse, type Task } from '@a2a-js/sdk';
import { ClientFactory, ClientFactoryOptions, createAuthenticatingFetchWithRetry, JsonRpcTransportFactory, type Client } from '@a2a-js/sdk/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A2A_STOPPED_REASON } from '../../agents/interop/a2a/serve/server.js';
import { loadTopology } from '../../agents/topology/load.js';
import { startNatsServer, type SessionServer } from '../../main/host/run-session-server.js';
import { RunSession } from '../../main/host/run-session.js';
import { TraceLibrary } from '../../main/host/trace/index.js';
import { runCli, startRun } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

const TOPOLOGY = `
apiVersion: switchboard.dev/v1
kind: Topology
metadata: { name: a2a-serve }
spec:
  a2a: { exposeAll: true }
  llms: { offline: { provider: scripted } }
  agents:
    - name: echo
      description: Says back what it is told
      capabilities: [echoing, repeating]
      llm: offline
      prompt: "Peers: {{peers}}"
      script: { fallback: "Echo says: {{input}}", stream_chunks: 4 }
    - name: broke
      description: Has no budget left
      llm: offline
      budget: { maxTokens: 1 }
    - name: hidden
      llm: offline
      a2a: false
`;

let server: SessionServer;
let tmp: string;
let library: TraceLibrary;
let session: RunSession;
const warnings: string[] = [];
const systemPrompts: string[] = [];

beforeAll(async () => {
  tmp = await makeTempDir('a2a-serve');
  server = await startNatsServer({ mode: 'embedded' }, { appRoot: repoRoot });
  const topology = loadTopology(TOPOLOGY, 'a2a-serve.yaml').topology!;
  library = new TraceLibrary(path.join(tmp, 'traces'));
  session = await RunSession.start({ server: server.handle, topology, text: TOPOLOGY, baseDir: repoRoot, senderName: 'a2a_test', appVersion: '0.1.0-a2a', warn: (text) => warnings.push(text), library, onNetwork: (network) => network.events.on('llm.call', (call) => void (call.agent === 'echo' && systemPrompts.push(call.request.system))) });
}, 60_000);
afterAll(async () => {
  await session?.stop();
  await server?.stop();
  await removeTempDir(tmp);
});

/** The served card of `agent`, as the run reports it. */
const served = (agent: string) => {
  const card = session.a2aCards.find((c) => c.agent === agent);
  if (!card) throw new Error(`${agent} is not served (served: ${session.a2aCards.map((c) => c.agent).join(', ')})`);
  return card;
};

/** An SDK client of `agent`, built from its card URL as any A2A client would. */
const clientOf = (agent: string): Promise<Client> => new ClientFactory().createFromUrl(served(agent).cardUrl, '');

/** A user message with one text part, every field as the SDK's types spell it. */
function userMessage(text: string): Message {
  const part = { content: { $case: 'text' as const, value: text }, metadata: undefined, filename: '', mediaType: 'text/plain' };
  return { messageId: crypto.randomUUID(), contextId: '', taskId: '', role: Role.ROLE_USER, parts: [part], metadata: undefined, extensions: [], referenceTaskIds: [] };
}

/** The send request around `text`. */
const request = (text: string) => ({ tenant: '', message: userMessage(text), configuration: undefined, metadata: undefined });

/** A blocking send's task (a bare message would be a defect here: the executor always makes a task). */
async function send(client: Client, text: string): Promise<Task> {
  const result = await client.sendMessage(request(text));
  if (!('status' in result)) throw new Error(`expected a task, got ${JSON.stringify(result)}`);
  return result;
}

/** The text parts of a message or artifact list, joined. */
const textOf = (parts: readonly { content?: { $case: string; value?: unknown } | undefined }[] | undefined): string =>
  (parts ?? []).map((p) => (p.content?.$case === 'text' ? String(p.content.value) : '')).join('');

/** Every event of a streamed send (into `events` as they come, when given). */
async function stream(client: Client, text: string, events: StreamResponse[] = []): Promise<StreamResponse[]> {
  for await (const event of client.sendMessageStream(request(text))) events.push(event);
  return events;
}

describe('agents served over A2A', () => {
  it('serves each exposed agent its card (skills from its capabilities, streaming, one JSON-RPC interface) and a root card only when one is served', async () => {
    expect(session.a2aCards.map((c) => c.agent)).toEqual(['echo', 'broke']);
    const client = await clientOf('echo');
    const card = await client.getAgentCard();
    expect(card).toMatchObject({ name: 'echo', description: 'Says back what it is told', version: '0.1.0-a2a', capabilities: { streaming: true }, defaultInputModes: ['text/plain'] });
    expect(card.skills.map((s) => s.id)).toEqual(['echoing', 'repeating']);
    expect(card.supportedInterfaces).toEqual([expect.objectContaining({ url: served('echo').url, protocolBinding: 'JSONRPC', protocolVersion: '1.0' })]);
    expect(served('echo').url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/a2a\/echo$/);
    // Two agents served: no root card (it could only be one of them).
    const root = await fetch(new URL('/.well-known/agent-card.json', served('echo').url));
    expect(root.status).toBe(404);
  });

  it('answers a message with a completed task whose artifact is the agent answer; the asking client is no peer', async () => {
    const task = await send(await clientOf('echo'), 'hello there');
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(task.artifacts.map((a) => textOf(a.parts)).join('')).toBe('Echo says: hello there');
    expect(systemPrompts.at(-1)).toContain('broke');
    expect(systemPrompts.join('\n')).not.toContain('a2a_client');
  });

  it('streams the answer as artifact updates (appended, the last marked), then a completed status', async () => {
    const events = await stream(await clientOf('echo'), 'stream it');
    const kinds = events.map((e) => e.payload?.$case);
    expect(kinds[0]).toBe('task');
    const artifacts = events.flatMap((e) => (e.payload?.$case === 'artifactUpdate' ? [e.payload.value] : []));
    expect(artifacts.length).toBeGreaterThan(1);
    expect(artifacts.map((a) => textOf(a.artifact?.parts)).join('')).toBe('Echo says: stream it');
    expect(artifacts.map((a) => a.append)).toEqual(artifacts.map((_, i) => i > 0));
    expect(artifacts.map((a) => a.lastChunk)).toEqual(artifacts.map((_, i) => i === artifacts.length - 1));
    const last = events.at(-1)!.payload;
    expect(last?.$case === 'statusUpdate' && last.value.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(kinds.indexOf('artifactUpdate')).toBeLessThan(kinds.length - 1);
  });

  it('holds a call at a breakpoint of the agent until it is resumed', async () => {
    const controller = session.network.controller;
    controller.setBreakpoint('echo', 'decide');
    let answered = false;
    const pending = send(await clientOf('echo'), 'wait for me').then((task) => ((answered = true), task));
    await until(() => controller.paused().some((p) => p.agent === 'echo'), 'echo paused at decide', 10_000);
    expect(answered).toBe(false);
    controller.setBreakpoint('echo', 'decide', false);
    controller.continueAll();
    const task = await pending;
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(task.artifacts.map((a) => textOf(a.parts)).join('')).toBe('Echo says: wait for me');
  });

  it('cleans the caller text with the protocol gateway (control characters out) and passes data parts on as JSON', async () => {
    const task = await send(await clientOf('echo'), 'clean\u0007 me\u001b[31m up');
    expect(task.artifacts.map((x) => textOf(x.parts)).join('')).toBe('Echo says: clean me up');
    const data = { ...request(''), message: { ...userMessage(''), parts: [{ content: { $case: 'data' as const, value: { order: 42 } }, metadata: undefined, filename: '', mediaType: 'application/json' }] } };
    const result = await (await clientOf('echo')).sendMessage(data);
    expect('artifacts' in result && result.artifacts.map((x) => textOf(x.parts)).join('')).toBe('Echo says: {"order":42}');
  });

  it('takes messages up to the protocol gateway size limit (past the SDK parser 100 kB) and refuses a larger body with a JSON-RPC error', async () => {
    const big = 'x'.repeat(300_000);
    const task = await send(await clientOf('echo'), big);
    expect(task.artifacts.map((x) => textOf(x.parts)).join('')).toBe(`Echo says: ${big}`);
    const response = await fetch(served('echo').url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'SendMessage', params: { text: 'y'.repeat(2 * 1024 * 1024) } }) });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: -32600, message: expect.stringMatching(/^the request is \d+ bytes, more than the limit of 1048576 bytes \(spec\.protocolGateway\.maxResponseBytes\)$/) } });
  });

  it('turns a budget failure into a failed task that says why', async () => {
    const task = await send(await clientOf('broke'), 'anything');
    expect(task.status?.state).toBe(TaskState.TASK_STATE_FAILED);
    expect(textOf(task.status?.message?.parts)).toMatch(/^budget_exceeded: /);
  });

  it('answers 404 with what is served for an unknown agent, an opted-out one, and their cards', async () => {
    const base = served('echo').url.replace(/\/a2a\/echo$/, '');
    for (const url of [`${base}/a2a/nobody`, `${base}/a2a/hidden`]) {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'SendMessage', params: {} }) });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: 'not_found', message: expect.stringContaining('served: /a2a/echo, /a2a/broke') });
      expect((await fetch(`${url}/.well-known/agent-card.json`)).status).toBe(404);
    }
    const failure = await new ClientFactory().createFromUrl(`${base}/a2a/nobody/.well-known/agent-card.json`, '').catch((error: unknown) => error);
    expect(String(failure)).toContain('404');
  });

  it('says a port in use clearly, and a run serving one agent also serves the root card', async () => {
    const port = Number(new URL(served('echo').url).port);
    // Agents of their own names: a stopped run's agents go offline in the registry the main run shares.
    const other = (a2a: string) => `
apiVersion: switchboard.dev/v1
kind: Topology
metadata: { name: a2a-other }
spec:
  a2a: ${a2a}
  llms: { offline: { provider: scripted } }
  agents:
    - { name: solo, llm: offline, a2a: true, script: { fallback: "Solo: {{input}}" } }
    - { name: quiet, llm: offline }
`;
    const busy = loadTopology(other(`{ port: ${port} }`), 'busy.yaml').topology!;
    const failure = await RunSession.start({ server: server.handle, topology: busy, text: null, baseDir: repoRoot, senderName: 'a2a_busy', warn: () => undefined }).catch((error: unknown) => error);
    expect((failure as Error).message).toContain(`A2A: 127.0.0.1:${port} is in use (spec.a2a.port)`);
    const single = loadTopology(other('{}'), 'single.yaml').topology!;
    const one = await RunSession.start({ server: server.handle, topology: single, text: null, baseDir: repoRoot, senderName: 'a2a_single', warn: () => undefined });
    try {
      expect(one.a2aCards.map((c) => c.agent)).toEqual(['solo']);
      const client = await new ClientFactory().createFromUrl(new URL('/', one.a2aCards[0]!.url).href);
      expect((await client.getAgentCard()).supportedInterfaces[0]?.url).toBe(one.a2aCards[0]!.url);
      expect((await send(client, 'hi')).artifacts.map((x) => textOf(x.parts)).join('')).toBe('Solo: hi');
    } finally {
      await one.stop();
    }
  });

  it('stops with the run: calls in flight end failed ("stopped"), the port closes, and the client request is in the trace', async () => {
    const client = await clientOf('echo');
    await send(client, 'for the record');
    session.network.controller.setBreakpoint('echo', 'decide');
    const blocking = send(client, 'caught by the stop');
    await until(() => session.network.controller.paused().some((p) => p.agent === 'echo'), 'echo paused at decide', 10_000);
    // The agent works one request at a time: the streamed call waits behind the held one, in flight all the same.
    const events: StreamResponse[] = [];
    const streamed = stream(client, 'streamed into the stop', events);
    await until(() => events.some((e) => e.payload?.$case === 'statusUpdate' && e.payload.value.status?.state === TaskState.TASK_STATE_WORKING), 'the streamed call working', 10_000);
    const url = served('echo').url;
    await session.stop();
    const task = await blocking;
    expect(task.status?.state).toBe(TaskState.TASK_STATE_FAILED);
    expect(textOf(task.status?.message?.parts)).toBe(A2A_STOPPED_REASON);
    const last = (await streamed).at(-1)?.payload;
    expect(last?.$case === 'statusUpdate' && last.value.status?.state).toBe(TaskState.TASK_STATE_FAILED);
    await expect(fetch(url, { method: 'POST' })).rejects.toThrow();
    expect(warnings).toEqual([]);
    const out = path.join(tmp, 'run.ndjson');
    await library.exportNdjson(session.runId!, out);
    const records = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind?: string; subject?: string; payload?: string });
    const asked = records.find((r) => r.kind === 'message' && r.subject === 'agents.request.echo' && r.payload?.includes('for the record'));
    expect(asked?.payload).toContain('"from_agent":"a2a_client"');
    expect(asked?.payload).toContain('"protocol":"a2a"');
    // The served call as the protocol gateway's events, inbound, paired by the A2A task id and tied to the bus request.
    const rows = records as { kind?: string; name?: string; payload?: unknown }[];
    const calls = rows.filter((r) => r.kind === 'event' && r.name === 'protocol.a2a.request').map((r) => r.payload as { callId: string; agent: string; direction: string; preview: string });
    const recorded = calls.find((c) => c.preview === 'for the record');
    expect(recorded).toMatchObject({ agent: 'echo', direction: 'inbound', peer: 'a2a-caller' });
    const answered = rows.find((r) => r.kind === 'event' && r.name === 'protocol.a2a.response' && (r.payload as { callId: string }).callId === recorded!.callId)?.payload;
    const requestId = (JSON.parse(asked!.payload!) as { message_id: string }).message_id;
    expect(answered).toMatchObject({ state: 'completed', error: null, preview: 'Echo says: for the record', requestId });
    expect(asked?.payload).toContain(`"a2a_task_id":"${recorded!.callId}"`);
    const stopped = rows.filter((r) => r.kind === 'event' && r.name === 'protocol.a2a.response' && (r.payload as { error: string | null }).error === A2A_STOPPED_REASON);
    expect(stopped).toHaveLength(2);
  });
});

describe('switchboard run serving agents over A2A', () => {
  it('prints each served agent URL and card URL (on --a2a-listen, when given); an SDK client gets the answer there; SIGTERM closes the port', async () => {
    const file = path.join(tmp, 'served.yaml');
    writeFileSync(file, TOPOLOGY);
    const bad = await runCli(['run', file, '--a2a-listen', 'everywhere']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--a2a-listen: give HOST:PORT');
    const port = await freePort();
    const run = await startRun([file, '--a2a-listen', `127.0.0.1:${port}`], { ready: /broke: also served over A2A at \S+ \(agent card: \S+\)/ });
    try {
      const lines = run.output().split('\n').filter((line) => line.includes('also served over A2A'));
      expect(lines).toHaveLength(2);
      const [, url, cardUrl] = /^echo: also served over A2A at (\S+) \(agent card: (\S+)\)$/m.exec(run.output()) ?? [];
      expect(url).toBe(`http://127.0.0.1:${port}/a2a/echo`);
      expect(cardUrl).toBe(`${url}/.well-known/agent-card.json`);
      const client = await new ClientFactory().createFromUrl(cardUrl!, '');
      expect((await send(client, 'from the CLI')).artifacts.map((x) => textOf(x.parts)).join('')).toBe('Echo says: from the CLI');
      expect((await run.sigterm()).code).toBe(0);
      await expect(fetch(url!, { method: 'POST' })).rejects.toThrow();
    } finally {
      await run.stop();
    }
  }, 60_000);
});

describe('callers must send spec.a2a.credential when it is set', () => {
  const SECRET = 'A2A_SERVE_TEST_TOKEN';
  const guardedTopology = (port: number) => `apiVersion: switchboard.dev/v1
kind: Topology
metadata: { name: a2a-guarded }
spec:
  a2a: { port: ${port}, credential: { secret: ${SECRET} } }
  llms: { offline: { provider: scripted } }
  agents:
    - name: desk
      llm: offline
      tools: [request_agent]
      script:
        rules:
          - matches: "ask (.+)"
            tool_calls: [{ name: request_agent, arguments: { agent: vault_remote, content: "{{match.1}}" } }]
          - after_tool: request_agent
            reply: "vault said: {{tool_result}}"
    - name: vault
      llm: offline
      a2a: true
      script: { fallback: "Vault says: {{input}}" }
  externalAgents:
    - name: vault_remote
      a2a: { card: "http://127.0.0.1:${port}/a2a/vault/", credential: { secret: ${SECRET} }, timeoutMs: 10000 }
  edges:
    - { from: desk, to: vault_remote, kind: request }
`;

  it('refuses a call without it or with a wrong one (401) before the agent sees it, answers one with it (the SDK retrying with the header it asked for), and declares it on the public card; the protocol gateway sends it to a peer that asks', async () => {
    const text = guardedTopology(await freePort());
    const topology = loadTopology(text, 'a2a-guarded.yaml').topology!;
    const secrets = { get: (name: string) => (name === SECRET ? 'tok-s3cret' : undefined) };
    const unset = await RunSession.start({ server: server.handle, topology, text, baseDir: repoRoot, senderName: 'a2a_guard_test', appVersion: '0.1.0-a2a', library, warn: (line) => warnings.push(line), secrets: { get: () => undefined } }).then(
      () => null,
      (error: unknown) => error as Error,
    );
    expect(unset?.message).toContain(`spec.a2a.credential: set the environment variable ${SECRET} before the run`);
    const guarded = await RunSession.start({ server: server.handle, topology, text, baseDir: repoRoot, senderName: 'a2a_guard_test', appVersion: '0.1.0-a2a', library, warn: (line) => warnings.push(line), secrets });
    try {
      const { url, cardUrl } = guarded.a2aCards[0]!;
      // The card stays public and says how to call.
      const card = (await (await fetch(cardUrl)).json()) as { securitySchemes: Record<string, unknown>; securityRequirements: unknown[] };
      expect(card.securitySchemes).toEqual({ switchboard: { httpAuthSecurityScheme: expect.objectContaining({ scheme: 'Bearer' }) } });
      expect(card.securityRequirements).toEqual([{ schemes: { switchboard: { list: [] } } }]);
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'SendMessage', params: { message: { messageId: 'm1', role: 'ROLE_USER', parts: [{ text: 'let me in' }] } } });
      const post = (headers: Record<string, string>) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      const none = await post({});
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="switchboard"');
      expect(((await none.json()) as { error: { message: string } }).error.message).toBe("this A2A agent asks for a credential: send Authorization: Bearer <token> (its card's securitySchemes say so)");
      const wrong = await post({ authorization: 'Bearer tok-guess' });
      expect(wrong.status).toBe(401);
      expect(JSON.stringify(await wrong.json())).not.toContain('tok-s3cret');
      // The official SDK client: refused without it; with the SDK's own authenticating fetch, answered.
      await expect(send(await new ClientFactory().createFromUrl(cardUrl, ''), 'no token')).rejects.toThrow(/this A2A agent asks for a credential: send Authorization: Bearer <token>/);
      const asked: string[] = [];
      const fetchImpl = createAuthenticatingFetchWithRetry(fetch, {
        headers: async () => ({}),
        shouldRetryWithHeaders: async (_req, res) => (asked.push(res.headers.get('www-authenticate') ?? ''), res.status === 401 ? { Authorization: 'Bearer tok-s3cret' } : undefined),
      });
      const options = ClientFactoryOptions.createFrom(ClientFactoryOptions.default, { transports: [new JsonRpcTransportFactory({ fetchImpl })] });
      const authed = await new ClientFactory(options).createFromUrl(cardUrl, '');
      expect((await send(authed, 'with token')).artifacts.map((x) => textOf(x.parts)).join('')).toBe('Vault says: with token');
      expect(asked).toEqual(['Bearer realm="switchboard"']);
      // Switchboard's own gateway calling a guarded peer attaches the credential by reference.
      const reply = await guarded.send('desk', 'ask open sesame', { timeoutMs: 20_000 });
      expect(reply.content).toBe('vault said: Vault says: open sesame');
    } finally {
      await guarded.stop();
    }
  }, 60_000);
});
