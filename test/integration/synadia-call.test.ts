// Switchboard agents calling external Synadia Agent Protocol agents, against agents built with the
// protocol's own agent SDK (test/fixtures/synadia-sdk/agent) on a real nats-server: request_agent
// and delegation by capability through the tool gateway get the streamed answer assembled; an
// agent answering 429 and one that goes silent give clear errors; the trace labels the prompt and
// every message of its stream, tied to the prompt.
import path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SynadiaCaller } from '../../agents/interop/synadia/caller.js';
import { Agent } from '../../agents/runtime/agent.js';
import { planNetwork } from '../../agents/runtime/from-topology.js';
import { AgentNetwork } from '../../agents/runtime/network.js';
import { newMessage } from '../../agents/runtime/wire.js';
import { loadTopology } from '../../agents/topology/load.js';
import { AgentService } from '../fixtures/synadia-sdk/agent/src/index.js';
import { ReferenceAgent } from '../fixtures/synadia-sdk/agent/src/testing/index.js';
import { TraceLibrary } from '../../main/host/trace/index.js';
import { TraceRecorder } from '../../main/host/trace/recorder.js';
import { startTestServer, type TestServer } from '../helpers/nats-server.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

const TOPOLOGY = `
apiVersion: switchboard.dev/v1
kind: Topology
metadata: { name: synadia-call }
spec:
  llms: { offline: { provider: scripted } }
  agents:
    - name: asker
      llm: offline
      tools: [request_agent, delegate]
      pattern: { subtaskTimeoutMs: 5000 }
      script:
        rules:
          - matches: "^nap (.+)"
            tool_calls: [{ name: request_agent, arguments: { agent: sleeper, content: "{{match.1}}", timeout_ms: 1500 } }]
          - matches: "^ask (\\\\w+): (.+)"
            tool_calls: [{ name: request_agent, arguments: { agent: "{{match.1}}", content: "{{match.2}}" } }]
          - matches: "^delegate (.+)"
            tool_calls: [{ name: delegate, arguments: { subtasks: [{ capability: code.review, task: "{{match.1}}" }] } }]
          - after_tool: request_agent
            reply: "{{tool_result}}"
          - after_tool: delegate
            reply: "{{tool_result}}"
  externalAgents:
    - { name: reviewer, capabilities: [code.review], synadia: { agent: claude-code, owner: acme, name: reviewer } }
    - { name: limited, synadia: { agent: claude-code, owner: acme, name: limited } }
    - { name: sleeper, synadia: { agent: claude-code, owner: acme, name: sleeper } }
    - { name: latecomer, capabilities: [late.work], synadia: { agent: claude-code, owner: acme, name: latecomer } }
    - { name: mover, synadia: { agent: claude-code, owner: acme, name: mover } }
    - { name: small, synadia: { agent: claude-code, owner: acme, name: small } }
    - { name: hidden, synadia: { agent: claude-code, owner: acme, name: hidden } }
  edges:
    - { from: asker, to: reviewer, kind: request }
    - { from: asker, to: limited, kind: request }
    - { from: asker, to: sleeper, kind: request }
    - { from: asker, to: latecomer, kind: request }
`;

let nats: TestServer;
let nc: NatsConnection;
let network: AgentNetwork;
let user: Agent;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  nats = await startTestServer();
  nc = await connect(nats.connection);
  // A reviewer that streams its answer in several response chunks, with an ack between them (the SDK sends the leading ack itself).
  const reviewer = new AgentService({ nc, agent: 'claude-code', owner: 'acme', name: 'reviewer', keepaliveIntervalS: null });
  reviewer.onPrompt(async (envelope, response) => {
    await response.send('Reviewed: ');
    await response.send({ type: 'status', status: 'ack' });
    await response.send(`"${envelope.prompt}" `);
    await response.send('looks fine.');
  });
  await reviewer.start();
  stops.push(() => reviewer.stop());
  // An agent that refuses with 429 (the SDK's reference agent hands over the raw message).
  const limited = new ReferenceAgent({
    nc,
    agent: 'claude-code',
    owner: 'acme',
    name: 'limited',
    promptHandler: (msg) => {
      msg.respondError(429, 'too many prompts, try later');
      msg.respond(new Uint8Array(0));
    },
  });
  await limited.start();
  stops.push(() => limited.stop());
  // An agent that acks and then says nothing more.
  const sleeper = new AgentService({ nc, agent: 'claude-code', owner: 'acme', name: 'sleeper', keepaliveIntervalS: null });
  sleeper.onPrompt(() => new Promise<void>(() => undefined));
  await sleeper.start();
  stops.push(() => sleeper.stop());

  const loaded = loadTopology(TOPOLOGY, 'synadia-call.yaml');
  if (!loaded.topology) throw new Error(JSON.stringify(loaded.problems));
  const plan = planNetwork(loaded.topology);
  network = new AgentNetwork({ connection: nats.connection, agents: plan.agents, profile: plan.profile, registryBucket: plan.registryBucket, synadiaExternals: plan.synadiaExternals, heartbeatMs: 0 });
  await network.start();
  user = new Agent({ name: 'synadia_user', connection: nats.connection, heartbeatMs: 0, registryBucket: null });
  await user.start();
}, 30_000);

afterAll(async () => {
  await user?.stop();
  await network?.stop();
  for (const stop of stops) await stop().catch(() => undefined);
  await nc?.close();
  await nats?.stop();
});

describe('calling Synadia protocol agents', () => {
  it('request_agent gets the streamed chunks assembled in order, as a reply to the asker', async () => {
    const reply = await user.request('asker', 'ask reviewer: the retry loop', { timeoutMs: 10_000 });
    expect(reply.metadata['status']).toBe('completed');
    expect(reply.content).toBe('Reviewed: "the retry loop" looks fine.');
  });

  it('delegation by capability finds the external agent in the registry (discovered at start, kept by its heartbeats) and reaches it', async () => {
    await network.registry.waitFor((r) => r.get('reviewer')?.status === 'available');
    expect(network.registry.lookup('code.review')).toEqual([{ agent: 'reviewer', subject: expect.any(String) }]);
    expect(network.registry.get('reviewer')?.source).toBe('synadia');
    const reply = await user.request('asker', 'delegate the parser change', { timeoutMs: 10_000 });
    expect(reply.content).toBe('1. [code.review → reviewer] Reviewed: "the parser change" looks fine.');
  });

  it('an agent that starts after the network is found by its heartbeat, also under a short subject token', async () => {
    expect(network.registry.get('latecomer')).toBeUndefined();
    const late = new AgentService({ nc, agent: 'claude-code', subjectToken: 'cc', owner: 'acme', name: 'latecomer', heartbeatIntervalS: 1, keepaliveIntervalS: null });
    late.onPrompt((envelope, response) => response.send(`late: ${envelope.prompt}`));
    await late.start();
    stops.push(() => late.stop());
    await network.registry.waitFor((r) => r.get('latecomer')?.status === 'available');
    expect(network.registry.lookup('late.work').map((t) => t.agent)).toEqual(['latecomer']);
    expect((await user.request('asker', 'ask latecomer: hello', { timeoutMs: 10_000 })).content).toBe('late: hello');
  });

  it('finds the agent again when its prompt subject meets no responders (it came back under another subject)', async () => {
    const start = async (subjectToken: string) => {
      const service = new AgentService({ nc, agent: 'claude-code', subjectToken, owner: 'acme', name: 'mover', keepaliveIntervalS: null });
      service.onPrompt((envelope, response) => response.send(`${subjectToken}: ${envelope.prompt}`));
      await service.start();
      await nc.flush(); // its $SRV subscriptions are at the server before anyone looks
      return service;
    };
    const asker = network.agent('asker');
    const first = await start('claude-code');
    expect((await asker.request('mover', 'one', { timeoutMs: 5000 })).content).toBe('claude-code: one');
    await first.stop();
    const second = await start('cc');
    stops.push(() => second.stop());
    expect((await asker.request('mover', 'two', { timeoutMs: 5000 })).content).toBe('cc: two');
    await second.stop();
    await expect(asker.request('mover', 'three', { timeoutMs: 5000 })).rejects.toThrow(/^mover was not found: no Synadia agent answered/);
  });

  it('under a tap of every subject (no "no responders" then), a prompt nobody acks times out and the next one finds the agent again', async () => {
    const tap = await connect(nats.connection);
    tap.subscribe('>', { callback: () => undefined });
    await tap.flush();
    const start = async (subjectToken: string) => {
      const service = new AgentService({ nc, agent: 'claude-code', subjectToken, owner: 'acme', name: 'hidden', keepaliveIntervalS: null });
      service.onPrompt((envelope, response) => response.send(`${subjectToken}: ${envelope.prompt}`));
      await service.start();
      await nc.flush(); // its $SRV subscriptions are at the server before anyone looks
      stops.push(() => service.stop());
      return service;
    };
    try {
      const asker = network.agent('asker');
      const first = await start('claude-code');
      expect((await asker.request('hidden', 'one', { timeoutMs: 5000 })).content).toBe('claude-code: one');
      await first.stop();
      await start('cc');
      await expect(asker.request('hidden', 'two', { timeoutMs: 800 })).rejects.toThrow(
        'hidden did not answer on agents.prompt.claude-code.acme.hidden within 800 ms (not even the protocol\'s leading ack).',
      );
      expect((await asker.request('hidden', 'three', { timeoutMs: 5000 })).content).toBe('cc: three');
    } finally {
      await tap.close();
    }
  });

  it("refuses locally what the agent's endpoint says it would refuse: a prompt over max_payload, attachments it does not take", async () => {
    const small = new AgentService({ nc, agent: 'claude-code', owner: 'acme', name: 'small', maxPayload: '1KB', attachmentsOk: false, keepaliveIntervalS: null });
    const prompts: string[] = [];
    small.onPrompt((envelope, response) => (prompts.push(envelope.prompt), response.send('ok')));
    await small.start();
    await nc.flush();
    stops.push(() => small.stop());
    const asker = network.agent('asker');
    await expect(asker.request('small', 'x'.repeat(2000), { timeoutMs: 5000 })).rejects.toThrow('The prompt is 2000 bytes; small accepts at most 1024 (its max_payload). It was not sent.');
    const attachments = [{ filename: 'a.txt', content: 'aGk=' }];
    await expect(asker.request('small', 'see file', { timeoutMs: 5000, metadata: { attachments } })).rejects.toThrow('small does not accept attachments (attachments_ok is false); 1 were given.');
    expect((await asker.request('small', 'fits', { timeoutMs: 5000 })).content).toBe('ok');
    expect(prompts).toEqual(['fits']);
  });

  it('an agent answering 429 gives a clear error naming it and its words', async () => {
    const reply = await user.request('asker', 'ask limited: anything', { timeoutMs: 10_000 });
    expect(reply.content).toBe('limited answered 429: too many prompts, try later');
  });

  it('an agent that acks and goes silent fails with a clear timeout (the request timeout, shorter than the 60 s default)', async () => {
    const reply = await user.request('asker', 'nap a long task', { timeoutMs: 10_000 });
    expect(reply.content).toMatch(/^sleeper went silent on _INBOX_asker\.\S+: no chunk for 1500 ms \(0 response chunks so far, no end of stream\)\.$/);
  });

  it('an agent nobody serves is reported as not found by discovery', async () => {
    const caller = new SynadiaCaller({ name: 'ghost', identity: { agent: 'claude-code', owner: 'acme', name: 'ghost' }, discoveryWaitMs: 500 });
    const asker = network.agent('asker');
    const message = newMessage({ message_type: 'request', from_agent: 'asker', to_agent: 'ghost', content: 'hi' });
    await expect(caller.request(asker, message, 2000)).rejects.toThrow(
      'ghost was not found: no Synadia agent answered $SRV.INFO.agents with agent "claude-code", owner "acme" and a prompt subject ending in "ghost".',
    );
  });

  it('leaves the prompt, the chunks, the acks and the end of stream in the trace, labelled and tied to the prompt', async () => {
    const tmp = await makeTempDir('synadia-call');
    try {
      const store = await new TraceLibrary(path.join(tmp, 'traces')).create({});
      const recorder = new TraceRecorder(store, {});
      await recorder.tap(nats.connection);
      const detach = recorder.attach(network.events);
      try {
        await user.request('asker', 'ask reviewer: traced', { timeoutMs: 10_000 });
        await user.request('asker', 'ask limited: traced', { timeoutMs: 10_000 });
      } finally {
        detach();
        await recorder.stop(); // everything the server routed is recorded and stored
      }
      const page = await store.queryWithFacts({ kind: 'message', limit: 1000 });
      const rows = page.records.flatMap((record, i) => (record.kind === 'message' ? [{ record, facts: page.facts[i]! }] : []));
      const promptTo = (name: string) => rows.find((r) => r.record.subject === `agents.prompt.claude-code.acme.${name}`)!;
      const streamOf = (prompt: (typeof rows)[number]) => rows.filter((r) => r.record.subject === prompt.record.reply);

      const prompt = promptTo('reviewer');
      expect(prompt.record.payload).toBe('traced');
      expect(prompt.facts).toMatchObject({ type: 'synadia.prompt', from: 'asker', to: 'reviewer', status: 'ok' });
      const stream = streamOf(prompt);
      expect(stream.map((r) => r.facts.type)).toEqual(['synadia.ack', 'synadia.response', 'synadia.ack', 'synadia.response', 'synadia.response', 'synadia.end']);
      for (const r of stream) expect(r.facts).toMatchObject({ requestSeq: prompt.record.seq, from: 'reviewer', to: 'asker', status: 'ok' });
      expect(stream.at(-1)!.facts.latencyMs).toBeGreaterThanOrEqual(0);

      const refused = promptTo('limited');
      expect(refused.facts).toMatchObject({ type: 'synadia.prompt', from: 'asker', to: 'limited', status: 'failed', error: '429: too many prompts, try later' });
      expect(streamOf(refused).map((r) => [r.facts.type, r.facts.status])).toEqual([
        ['synadia.error', 'failed'],
        ['synadia.end', 'ok'],
      ]);
      await store.close();
    } finally {
      await removeTempDir(tmp);
    }
  });
});
