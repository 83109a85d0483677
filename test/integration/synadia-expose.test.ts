// Switchboard agents served as Synadia Agent Protocol agents, checked with the protocol's own
// client SDK on a real nats-server through the one run session: discovery ($SRV.PING/INFO:
// metadata, endpoints, one service per replica), streamed answers (a JSON envelope from the SDK,
// plain text by hand), 400s for bad prompts, a failing agent's error, heartbeats and the status
// endpoint, and the prompt, its chunks and the terminator in the run's trace.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSynadiaChunk, SynadiaHeartbeatSchema } from '../../agents/protocol/synadia.js';
import { AgentNetwork } from '../../agents/runtime/network.js';
import { loadTopology } from '../../agents/topology/load.js';
import { startNatsServer, type SessionServer } from '../../main/host/run-session-server.js';
import { RunSession } from '../../main/host/run-session.js';
import { TraceLibrary } from '../../main/host/trace/index.js';
import { Agents, ServiceError, type Agent as SynadiaAgent } from '../fixtures/synadia-sdk/client/src/index.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';

const TOPOLOGY = `
apiVersion: switchboard.dev/v1
kind: Topology
metadata: { name: synadia-expose }
spec:
  synadia: { owner: acme, exposeAll: true, heartbeatS: 1 }
  llms: { offline: { provider: scripted } }
  agents:
    - name: echo
      description: Says back what it is told
      llm: offline
      replicas: 2
      prompt: "Peers: {{peers}}"
      script: { fallback: "Echo says: {{input}}", stream_chunks: 4 }
    - name: broke
      description: Has no budget left
      llm: offline
      budget: { maxTokens: 1 }
    - name: hidden
      llm: offline
      synadia: false
`;

let server: SessionServer;
let tmp: string;
let library: TraceLibrary;
let session: RunSession;
let nc: NatsConnection;
let client: Agents;
let found: SynadiaAgent[];
const systemPrompts: string[] = [];
const warnings: string[] = [];

beforeAll(async () => {
  tmp = await makeTempDir('synadia-expose');
  server = await startNatsServer({ mode: 'embedded' }, { appRoot: repoRoot });
  const topology = loadTopology(TOPOLOGY, 'synadia-expose.yaml').topology!;
  library = new TraceLibrary(path.join(tmp, 'traces'));
  session = await RunSession.start({ server: server.handle, topology, text: TOPOLOGY, baseDir: repoRoot, senderName: 'expose_test', appVersion: '0.1.0-expose', warn: (text) => warnings.push(text), library, onNetwork: (network) => network.events.on('llm.call', (call) => void (call.agent === 'echo' && systemPrompts.push(call.request.system))) });
  nc = await connect(session.connection);
  client = new Agents({ nc });
  found = (await client.discover({ timeoutMs: 1000 })).filter((a) => a.agent === 'switchboard');
}, 60_000);
afterAll(async () => {
  await client?.close();
  await nc?.close();
  await session?.stop();
  await server?.stop();
  await removeTempDir(tmp);
});

/** The SDK's agent named `name` (the first instance). */
const named = (name: string): SynadiaAgent => {
  const agent = found.find((a) => a.name === name);
  if (!agent) throw new Error(`${name} was not discovered (found: ${found.map((a) => a.name).join(', ')})`);
  return agent;
};

/** Every message of a raw request until the terminator (empty body, no headers). */
async function rawPrompt(subject: string, body: string): Promise<Msg[]> {
  const messages: Msg[] = [];
  for await (const msg of await nc.requestMany(subject, body, { strategy: 'sentinel', maxWait: 10_000 })) {
    messages.push(msg);
    if (msg.data.length === 0 && !msg.headers) break;
  }
  return messages;
}

describe('Switchboard agents served over the Synadia Agent Protocol', () => {
  it('are discovered with the protocol metadata and endpoints, one service per replica, and not when opted out', () => {
    expect(found.map((a) => a.name).sort()).toEqual(['broke', 'echo', 'echo']);
    const echo = named('echo');
    expect(echo).toMatchObject({ owner: 'acme', protocolVersion: '0.3', description: 'Says back what it is told' });
    expect(echo.version).toBe('0.1.0-expose');
    expect(echo.metadata).toMatchObject({ agent: 'switchboard', owner: 'acme', protocol_version: '0.3' });
    expect(echo.endpoints.map((e) => e.name).sort()).toEqual(['prompt', 'status']);
    expect(echo.promptSubject).toBe('agents.prompt.switchboard.acme.echo');
    expect(echo.promptEndpoint).toMatchObject({ attachmentsOk: false, maxPayloadBytes: nc.info!.max_payload });
    expect(new Set(found.filter((a) => a.name === 'echo').map((a) => a.instanceId)).size).toBe(2);
  });

  it('streams the answer to a JSON envelope (the SDK) in several response chunks; the asking client is no peer', async () => {
    // The client announced itself when the run started (earlier tests asked through it): its presence
    // says client: true, so the registry does not learn it and it is no peer in {{peers}}.
    await session.network.registry.waitFor((r) => r.get('broke') !== undefined);
    expect(session.network.registry.get('synadia_client')).toBeUndefined();
    const texts: string[] = [];
    const statuses: string[] = [];
    for await (const message of await named('echo').prompt('hello there')) {
      if (message.type === 'response') texts.push(message.text);
      else if (message.type === 'status') statuses.push(message.status);
    }
    expect(texts.length).toBeGreaterThan(1);
    expect(texts.join('')).toBe('Echo says: hello there');
    expect(statuses[0]).toBe('ack');
    expect(statuses.at(-1)).toBe('done');
    expect(systemPrompts.at(-1)).toContain('broke');
    expect(systemPrompts.at(-1)).not.toContain('synadia_client');
  });

  it('answers a plain-text prompt with chunks and the terminator', async () => {
    const messages = await rawPrompt('agents.prompt.switchboard.acme.echo', 'plain words');
    const chunks = messages.slice(0, -1).map((m) => decodeSynadiaChunk(m.string()));
    const text = chunks.flatMap((c) => (c.ok && c.value.type === 'response' ? [c.value.text] : [])).join('');
    expect(text).toBe('Echo says: plain words');
    expect(messages.at(-1)!.data.length).toBe(0);
    expect(messages.at(-1)!.headers).toBeUndefined();
  });

  it.each([
    ['an empty prompt', '', 'empty_prompt'],
    ['an envelope without a prompt', '{"prompt":""}', 'invalid_request'],
    ['attachments (attachments_ok is false)', '{"prompt":"see file","attachments":[{"filename":"a.txt","content":"aGk="}]}', 'attachments_not_supported'],
  ])('refuses %s with a 400, then the terminator', async (_what, body, error) => {
    const messages = await rawPrompt('agents.prompt.switchboard.acme.echo', body);
    expect(messages).toHaveLength(2);
    expect(messages[0]!.headers?.get('Nats-Service-Error-Code')).toBe('400');
    expect(messages[0]!.headers?.get('Nats-Service-Error')).not.toBe('');
    expect(JSON.parse(messages[0]!.string())).toMatchObject({ error });
    expect(messages[1]!.data.length).toBe(0);
    expect(messages[1]!.headers).toBeUndefined();
  });

  it('turns a failing agent into a service error the SDK raises', async () => {
    const failure = await (async () => {
      for await (const _ of await named('broke').prompt('anything')) void _;
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ServiceError);
    expect(failure).toMatchObject({ code: 500, body: { error: 'budget_exceeded' } });
  });

  it('holds a prompt at a breakpoint of the agent until it is resumed', async () => {
    const controller = session.network.controller;
    controller.setBreakpoint('echo', 'decide');
    const texts: string[] = [];
    const done = (async () => {
      for await (const message of await named('echo').prompt('wait for me')) if (message.type === 'response') texts.push(message.text);
    })();
    await until(() => controller.paused().some((p) => p.agent === 'echo'), 'echo paused at decide', 10_000);
    expect(texts).toEqual([]);
    controller.setBreakpoint('echo', 'decide', false);
    controller.continueAll();
    await done;
    expect(texts.join('')).toBe('Echo says: wait for me');
  });

  it('heartbeats every interval and answers on the status endpoint', async () => {
    const echo = named('echo');
    await until(() => client.liveness(echo.instanceId)?.isOnline === true, 'a heartbeat of echo', 10_000);
    expect(client.liveness(echo.instanceId)?.intervalS).toBe(1);
    const status = SynadiaHeartbeatSchema.parse((await nc.request('agents.status.switchboard.acme.echo', '', { timeout: 5000 })).json());
    expect(status).toMatchObject({ agent: 'switchboard', owner: 'acme', interval_s: 1 });
    expect(found.filter((a) => a.name === 'echo').map((a) => a.instanceId)).toContain(status.instance_id);
  });

  it('lets a prompt in flight finish when its network stops, and ends one that outlasts the grace with a 500', async () => {
    let started = 0;
    let release = () => undefined as void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const synadia = { owner: 'acme', heartbeatS: 1 };
    const network = new AgentNetwork({
      connection: session.connection,
      registryBucket: null,
      heartbeatMs: 0,
      agents: [
        // Work that takes a while: an answer still to come when the stop begins.
        { name: 'slow', handler: async () => (started++, await new Promise((resolve) => setTimeout(resolve, 500)), 'slow answer'), synadia },
        // Work that outlasts the stop's grace.
        { name: 'stuck', handler: async () => (started++, await gate, 'too late'), synadia },
      ],
    });
    await network.start();
    try {
      const slow = rawPrompt('agents.prompt.switchboard.acme.slow', 'take your time');
      const stuck = rawPrompt('agents.prompt.switchboard.acme.stuck', 'never mind');
      await until(() => started === 2, 'both agents at work');
      const stopping = network.stop();
      const answer = (await slow).flatMap((m) => {
        const chunk = m.data.length > 0 ? decodeSynadiaChunk(m.string()) : null;
        return chunk?.ok && chunk.value.type === 'response' ? [chunk.value.text] : [];
      });
      expect(answer.join('')).toBe('slow answer');
      const ended = await stuck;
      release();
      await stopping;
      expect(ended.at(-2)!.headers?.get('Nats-Service-Error-Code')).toBe('500');
      expect(JSON.parse(ended.at(-2)!.string())).toMatchObject({ error: 'stopped' });
      expect(ended.at(-1)!.data.length).toBe(0);
      expect(ended.at(-1)!.headers).toBeUndefined();
    } finally {
      release();
      await network.stop();
    }
  });

  it('stops with the run (a prompt in flight still answered), and leaves the prompt, the request to the agent, the chunks and the terminator in its trace', async () => {
    await rawPrompt('agents.prompt.switchboard.acme.echo', 'for the record');
    // Held at a breakpoint when the run stops: the stop releases it, and its asker waits for the answer.
    session.network.controller.setBreakpoint('echo', 'decide');
    const held = (async () => {
      const texts: string[] = [];
      for await (const message of await named('echo').prompt('caught by the stop')) if (message.type === 'response') texts.push(message.text);
      return texts.join('');
    })();
    await until(() => session.network.controller.paused().some((p) => p.agent === 'echo'), 'echo paused at decide', 10_000);
    await session.stop();
    await expect(held).resolves.toBe('Echo says: caught by the stop');
    expect(warnings).toEqual([]);
    expect((await client.discover({ timeoutMs: 500 })).filter((a) => a.agent === 'switchboard')).toEqual([]);
    const out = path.join(tmp, 'run.ndjson');
    await library.exportNdjson(session.runId!, out);
    const records = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind?: string; subject?: string; reply?: string | null; payload?: string; size?: number; headers?: unknown });
    const prompt = records.find((r) => r.kind === 'message' && r.subject === 'agents.prompt.switchboard.acme.echo' && r.payload === 'for the record');
    expect(prompt?.reply).toBeTruthy();
    const request = records.find((r) => r.kind === 'message' && r.subject === 'agents.request.echo' && r.payload?.includes('for the record'));
    expect(request?.payload).toContain('"from_agent":"synadia_client"');
    const replies = records.filter((r) => r.kind === 'message' && r.subject === prompt!.reply);
    expect(replies.filter((r) => r.payload?.includes('"type":"response"')).length).toBeGreaterThan(1);
    expect(replies.at(-1)).toMatchObject({ size: 0, headers: null });
  });
});
