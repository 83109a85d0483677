// The exported nats-server config on a real nats-server: it passes `nats-server -t`, every edge of
// the topology carries its traffic between real runtime agents that log in with their own nkeys,
// the registry and a blackboard work through JetStream, and everything outside the edges is
// refused with a permissions violation (publish, subscribe, JetStream).
import { spawnSync } from 'node:child_process';
import { Kvm, type KV } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentMessage } from '../../agents/protocol/agent-message.js';
import { SEED_001_PROFILE } from '../../agents/protocol/subjects.js';
import { Agent, AgentRequestError, DEFAULT_REGISTRY_BUCKET, type MessageHandler } from '../../agents/runtime/agent.js';
import { RuntimeEventBus } from '../../agents/protocol/runtime-events.js';
import { CapabilityRegistry } from '../../agents/runtime/registry.js';
import { OBSERVER_USER } from '../../agents/topology/export/nats-conf.js';
import { natsServerBinary } from '../helpers/nats-binary.js';
import { refusal, startConfServer, subscribeVerdict, topology, violations, type ConfServer } from '../helpers/nats-conf-server.js';
import { until } from '../helpers/until.js';

/** The first `count` distinct keys a watcher delivers; a stalled watcher (no flow control) fails instead of hanging. */
async function watchedKeys(kv: KV, key: string, count: number): Promise<string[]> {
  const watch = await kv.watch({ key });
  const keys = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      watch.stop();
      reject(new Error(`the watcher stalled after ${keys.size} of ${count} keys`));
    }, 20_000);
  });
  const read = (async () => {
    for await (const entry of watch) {
      keys.add(entry.key);
      if (keys.size === count) break;
    }
    return [...keys];
  })();
  try {
    return await Promise.race([read, stalled]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------

describe('a seed-000 topology with the KV registry and a blackboard', () => {
  const spec = topology({
    agents: [
      { name: 'asker', llm: 'offline', blackboards: ['board', 'archive'] },
      { name: 'answerer', llm: 'offline', replicas: 2 },
      { name: 'worker', llm: 'offline' },
      { name: 'auditor', llm: 'offline' },
      { name: 'outsider', llm: 'offline' },
    ],
    blackboards: [{ name: 'board' }, { name: 'archive', bucket: 'team_archive' }],
    edges: [
      { from: 'asker', to: 'answerer', kind: 'request' },
      { from: 'asker', to: 'worker', kind: 'direct' },
      { from: 'answerer', to: 'worker', kind: 'handoff' },
      { from: 'asker', to: 'outsider', kind: 'broadcast' },
      { from: 'answerer', to: 'auditor', kind: 'subscribe', subject: 'agents.handoff.>' },
    ],
  });
  let server: ConfServer;
  const started: Agent[] = [];
  const inbox = new Map<string, AgentMessage[]>();
  const announced = new Map<string, Set<string>>();
  const tapped: string[] = [];
  let answererInstances: Set<string>;

  /** Requests are answered (streamed when asked); direct messages and handoffs are reported back; reports end there. */
  const handler =
    (name: string): MessageHandler =>
    async (message, context) => {
      inbox.get(name)!.push(message);
      if (message.message_type === 'request') {
        context.stream?.write('part one, ');
        context.stream?.write('part two');
        return { content: `${name} (${context.agent.instance}) answers: ${message.content}` };
      }
      if (message.in_reply_to !== null || message.message_type === 'broadcast') return undefined;
      return `${name} did: ${message.content}`;
    };

  beforeAll(async () => {
    server = await startConfServer(spec);
    const observer = await server.connectAs(OBSERVER_USER);
    observer.subscribe('>', {
      callback: (error, msg) => {
        if (!error) tapped.push(msg.subject);
      },
    });
    await observer.flush();
    // One instance per agent, plus a second answerer: replicas log in as the same user.
    const instances = [...spec.spec.agents.map((a) => a.name), 'answerer'];
    for (const [i, name] of instances.entries()) {
      inbox.set(name, inbox.get(name) ?? []);
      announced.set(name, announced.get(name) ?? new Set());
      const events = new RuntimeEventBus();
      events.on('agent.announced', ({ metadata }) => announced.get(name)!.add(metadata.name));
      const agent = new Agent({ name, instance: `i${i}`, connection: await server.login(name), handler: handler(name), heartbeatMs: 0, events });
      started.push(agent);
      await agent.start(); // registers in the KV registry: fails unless the registry grants work
    }
    answererInstances = new Set(started.filter((a) => a.name === 'answerer').map((a) => a.instance));
  });
  afterAll(async () => {
    await Promise.all(started.map((a) => a.stop(500)));
    await server?.stop();
  });
  /** The first instance of `name`. */
  const agent = (name: string) => started.find((a) => a.name === name)!;

  it('passes nats-server -t', () => {
    const check = spawnSync(natsServerBinary(), ['-t', '-c', server.confPath], { encoding: 'utf8' });
    expect(check.stderr + check.stdout).toMatch(/valid/);
    expect(check.status).toBe(0);
  });

  it('request edge: the reply comes back, and so do the stream frames', async () => {
    const reply = await agent('asker').request('answerer', 'hello', { timeoutMs: 5000 });
    expect(reply.content).toMatch(/^answerer \(i\d\) answers: hello$/);
    const frames: AgentMessage[] = [];
    const streamed = await agent('asker').request('answerer', 'stream it', { timeoutMs: 5000, stream: (f) => frames.push(f) });
    expect(streamed.content).toMatch(/answers: stream it$/);
    expect(frames.map((f) => f.message_type)).toEqual(['stream.begin', 'stream.chunk', 'stream.chunk', 'stream.end']);
    expect(frames.filter((f) => f.message_type === 'stream.chunk').map((f) => f.content)).toEqual(['part one, ', 'part two']);
  });

  it('replicas share one user and one queue group', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20 && seen.size < 2; i++) {
      const reply = await agent('asker').request('answerer', `n${i}`, { timeoutMs: 5000 });
      seen.add(/\((i\d)\)/.exec(reply.content)![1]!);
    }
    expect(seen).toEqual(answererInstances);
  });

  it('direct edge: the message arrives and the receiver reports back', async () => {
    const sent = await agent('asker').send('worker', 'sweep the floor');
    await until(() => inbox.get('asker')!.some((m) => m.in_reply_to === sent.message_id));
    expect(inbox.get('worker')!.find((m) => m.message_id === sent.message_id)?.message_type).toBe('direct');
    expect(inbox.get('asker')!.find((m) => m.in_reply_to === sent.message_id)?.content).toBe('worker did: sweep the floor');
  });

  it('handoff edge: the task arrives, the tracking copy is published (and heard on the subscribe edge), the receiver reports back', async () => {
    const tracked: AgentMessage[] = [];
    // The auditor's subscribe edge grants it agents.handoff.>, on its own agent connection.
    const audit = agent('auditor').connection.subscribe('agents.handoff.>', {
      callback: (error, msg) => {
        if (!error) tracked.push(msg.json<AgentMessage>());
      },
    });
    await agent('auditor').connection.flush();
    expect(audit.isClosed()).toBe(false); // a refused subscription is closed by the server's -ERR
    const sent = await agent('answerer').handoff('worker', 'take over');
    await until(() => inbox.get('answerer')!.some((m) => m.in_reply_to === sent.message_id) && tracked.length > 0);
    expect(inbox.get('worker')!.find((m) => m.message_id === sent.message_id)?.message_type).toBe('handoff');
    expect(tracked.map((m) => m.message_id)).toEqual([sent.message_id]);
    expect(tapped).toContain('agents.handoff.answerer.to.worker');
  });

  it('broadcast and announcements reach every agent', async () => {
    const sent = await agent('asker').broadcast('all hands');
    await until(() => ['answerer', 'worker', 'auditor', 'outsider'].every((n) => inbox.get(n)!.some((m) => m.message_id === sent.message_id)));
    // Agents started later announced themselves to those started earlier.
    expect([...announced.get('asker')!].sort()).toEqual(['answerer', 'auditor', 'outsider', 'worker']);
    expect(tapped).toContain('agents.all');
  });

  it('KV registry: every agent registered itself; an agent can watch it but write only its own keys', async () => {
    // The workbench's view, on the observer user.
    const observer = await server.connectAs(OBSERVER_USER);
    const registry = new CapabilityRegistry({ connection: observer });
    await registry.start();
    try {
      await registry.waitFor((r) => spec.spec.agents.every((a) => r.get(a.name)?.status === 'available'));
      expect(registry.get('worker')?.source).toBe('kv'); // learned from the watch: announcements came before it started
    } finally {
      await registry.stop();
    }
    // An agent's own view of the registry, with its own narrow grants.
    const nc = await server.connectAs('worker');
    const kv = await new Kvm(nc).create(DEFAULT_REGISTRY_BUCKET, { history: 1 });
    const keys: string[] = [];
    const watch = await kv.watch();
    for await (const entry of watch) {
      keys.push(entry.key);
      if (entry.delta === 0) break;
    }
    expect(keys.sort()).toEqual(expect.arrayContaining(['asker.i0', 'answerer.i1', 'answerer.i5', 'worker.i2', 'outsider.i4']));
    expect(await kv.put('worker.extra', '{}')).toBeGreaterThan(0);
    const denied = await refusal(kv.put('asker.forged', '{}'));
    expect(denied).toMatchObject({ operation: 'publish', subject: `$KV.${DEFAULT_REGISTRY_BUCKET}.asker.forged` });
  });

  it('blackboards: the agent that has them can put, get, delete, list and watch (enough data for flow control)', async () => {
    const nc = await server.connectAs('asker');
    const board = await new Kvm(nc).create('board', { history: 5 });
    const first = await board.put('plan', 'step one');
    await board.put('plan', 'step two');
    expect((await board.get('plan'))?.string()).toBe('step two');
    expect((await board.get('plan', { revision: first }))?.string()).toBe('step one');
    await board.delete('plan');
    expect((await board.get('plan'))?.operation).toBe('DEL');
    await board.put('plan', 'step three');
    // A bucket made without direct get (an older client's, say) is read through STREAM.MSG.GET.
    const archive = await new Kvm(nc).create('team_archive', { history: 1, allow_direct: false });
    await archive.put('old', 'news');
    expect((await archive.get('old'))?.string()).toBe('news');
    // ~8 MB through one watcher: more than a push consumer sends before asking for flow control.
    const big = 'x'.repeat(200_000);
    for (let i = 0; i < 40; i++) await board.put(`big.${i}`, big);
    expect(await watchedKeys(board, 'big.>', 40)).toHaveLength(40);
    // The workbench reads blackboards too, and its watchers need flow control as much.
    const observer = await server.connectAs(OBSERVER_USER);
    expect(await watchedKeys(await new Kvm(observer).open('board'), 'big.>', 40)).toHaveLength(40);
    const keys: string[] = [];
    for await (const key of await board.keys()) keys.push(key);
    expect(keys).toContain('plan');
  }, 60_000);

  it('refuses a request along no edge (publish permission violation)', async () => {
    const agentError = await agent('asker')
      .request('outsider', 'psst', { timeoutMs: 5000 })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(agentError).toBeInstanceOf(AgentRequestError);
    expect((agentError as AgentRequestError).code).toBe('forbidden');
    expect((agentError as AgentRequestError).message).toMatch(/Permissions Violation for Publish to "agents\.request\.outsider"/);

    const nc = await server.connectAs('asker');
    const statuses = violations(nc);
    const denied = await refusal(nc.request('agents.request.outsider', 'psst', { timeout: 5000 }));
    expect(denied).toMatchObject({ operation: 'publish', subject: 'agents.request.outsider' });
    await until(() => statuses.some((v) => v.subject === 'agents.request.outsider'));
    // The responder of a request edge cannot turn it around.
    const back = await server.connectAs('answerer');
    expect(await refusal(back.request('agents.request.asker', 'hi', { timeout: 5000 }))).toMatchObject({ operation: 'publish', subject: 'agents.request.asker' });
  });

  it('refuses direct messages, handoffs and stream frames without their edge', async () => {
    const nc = await server.connectAs('asker');
    const statuses = violations(nc);
    nc.publish('agents.direct.answerer', '{}'); // asker -> answerer is a request edge only
    nc.publish('agents.handoff.asker.to.worker', '{}'); // asker -> worker is direct, not handoff
    nc.publish('agents.response.asker.1', '{}'); // nobody requests from asker
    nc.publish('agents.direct.outsider', '{}');
    await nc.flush();
    await until(() => statuses.length >= 4);
    expect(statuses.map((v) => [v.operation, v.subject])).toEqual([
      ['publish', 'agents.direct.answerer'],
      ['publish', 'agents.handoff.asker.to.worker'],
      ['publish', 'agents.response.asker.1'],
      ['publish', 'agents.direct.outsider'],
    ]);
    // What the edges do allow goes through without a word.
    nc.publish('agents.direct.worker', JSON.stringify({ not: 'an agent message' }));
    await nc.flush();
    expect(statuses).toHaveLength(4);
  });

  it("refuses subscribing to another agent's request subject, direct subject or inbox", async () => {
    const nc = await server.connectAs('outsider');
    for (const subject of ['agents.request.answerer', 'agents.direct.asker', '_INBOX_asker.>', 'agents.response.answerer.*', 'agents.handoff.>', '>']) {
      const { refused } = await subscribeVerdict(nc, subject);
      expect(refused, subject).toMatchObject({ operation: 'subscription', subject });
    }
    // Its own subjects are fine.
    for (const subject of ['agents.request.outsider', 'agents.all', '_INBOX_outsider.x']) {
      const { sub, refused } = await subscribeVerdict(nc, subject);
      expect(refused, subject).toBeNull();
      sub.unsubscribe();
    }
  });

  it('keeps an agent without the blackboard out of it', async () => {
    const nc = await server.connectAs('outsider');
    const denied = await refusal(new Kvm(nc).create('board', { history: 5 }));
    expect(denied).toMatchObject({ operation: 'publish', subject: '$JS.API.STREAM.INFO.KV_board' });
    // Not even by writing to the bucket's subjects or reading it directly.
    const statuses = violations(nc);
    nc.publish('$KV.board.plan', 'overwritten');
    await nc.flush();
    await until(() => statuses.some((v) => v.subject === '$KV.board.plan'));
    expect(await refusal(nc.request('$JS.API.DIRECT.GET.KV_board.$KV.board.plan', '', { timeout: 5000 }))).toMatchObject({ operation: 'publish' });
    expect(await refusal(nc.request('$JS.API.STREAM.DELETE.KV_board', '', { timeout: 5000 }))).toMatchObject({ operation: 'publish' });
  });
});

describe('a topology with announcements only and no blackboards', () => {
  const spec = topology({
    registry: 'announcements',
    agents: [
      { name: 'alpha', llm: 'offline' },
      { name: 'beta', llm: 'offline' },
    ],
    edges: [{ from: 'alpha', to: 'beta', kind: 'request' }],
  });
  let server: ConfServer;
  const started: Agent[] = [];
  beforeAll(async () => {
    server = await startConfServer(spec);
  });
  afterAll(async () => {
    await Promise.all(started.map((a) => a.stop(500)));
    await server?.stop();
  });

  it('runs its agents without JetStream, and JetStream refuses them', async () => {
    for (const name of ['alpha', 'beta']) {
      const agent = new Agent({ name, connection: await server.login(name), registryBucket: null, heartbeatMs: 0, handler: async (m) => `ok: ${m.content}` });
      started.push(agent);
      await agent.start();
    }
    expect((await started[0]!.request('beta', 'ping', { timeoutMs: 5000 })).content).toBe('ok: ping');

    // An agent that tries to register in KV anyway cannot start.
    const stray = new Agent({ name: 'alpha', instance: 'stray', connection: await server.login('alpha'), heartbeatMs: 0 });
    // Its first JetStream request (the bucket's stream info: jetstream-buckets.ts skips the account-info check).
    expect(await refusal(stray.start())).toMatchObject({ operation: 'publish', subject: `$JS.API.STREAM.INFO.KV_${DEFAULT_REGISTRY_BUCKET}` });
    await stray.stop(0);

    const nc = await server.connectAs('beta');
    expect(await refusal(new Kvm(nc).create(DEFAULT_REGISTRY_BUCKET))).toMatchObject({ operation: 'publish', subject: '$JS.API.INFO' });
    expect(await refusal(nc.request(`$KV.${DEFAULT_REGISTRY_BUCKET}.beta.x`, '{}', { timeout: 5000 }))).toMatchObject({ operation: 'publish' });
  });
});

describe('a seed-001 topology', () => {
  const spec = topology({
    profile: 'seed-001',
    registry: 'announcements',
    agents: [
      { name: 'client', llm: 'offline' },
      { name: 'service', llm: 'offline' },
      { name: 'bystander', llm: 'offline' },
    ],
    edges: [{ from: 'client', to: 'service', kind: 'request' }],
  });
  let server: ConfServer;
  const started: Agent[] = [];
  beforeAll(async () => {
    server = await startConfServer(spec);
  });
  afterAll(async () => {
    await Promise.all(started.map((a) => a.stop(500)));
    await server?.stop();
  });

  it('carries the request edge on agent.{name}.task and refuses the rest', async () => {
    const heard: string[] = [];
    for (const name of ['client', 'service', 'bystander']) {
      const agent = new Agent({
        name,
        profile: SEED_001_PROFILE,
        connection: await server.login(name),
        registryBucket: null,
        heartbeatMs: 0,
        handler: async (m) => {
          heard.push(`${name}:${m.message_type}`);
          return `done: ${m.content}`;
        },
      });
      started.push(agent);
      await agent.start();
    }
    const [client, , bystander] = started;
    expect((await client!.request('service', 'job', { timeoutMs: 5000 })).content).toBe('done: job');
    await client!.broadcast('news');
    await until(() => heard.includes('service:broadcast') && heard.includes('bystander:broadcast'));

    const err = await bystander!.request('service', 'job', { timeoutMs: 5000 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect((err as Error).message).toMatch(/Permissions Violation for Publish to "agent\.service\.task"/);
    const nc = await server.connectAs('client');
    const statuses = violations(nc);
    nc.publish('agents.direct.service', '{}'); // seed 000's subjects are not this profile's
    await nc.flush();
    await until(() => statuses.length > 0);
    expect(statuses[0]).toMatchObject({ operation: 'publish', subject: 'agents.direct.service' });
    expect((await subscribeVerdict(nc, 'agent.service.task')).refused).toMatchObject({ operation: 'subscription' });
  });
});
