// The exported config's Synadia Agent Protocol grants: a served agent's user (endpoints, $SRV
// discovery, heartbeat, streamed replies, the run client on its credentials), the synadia_caller
// user, a declared external protocol agent's user and what its Switchboard callers need. Their
// behaviour on a real server is test/integration/nats-conf-synadia.test.ts.
import { describe, expect, it } from 'vitest';
import { derivePermissions, exportNatsConf, type NkeyPair, type UserPermissions } from '../../agents/topology/export/nats-conf.js';
import { TopologySchema, type Topology, type TopologyInput } from '../../agents/topology/schema.js';

function topology(spec: TopologyInput['spec']): Topology {
  return TopologySchema.parse({ apiVersion: 'switchboard.dev/v1', kind: 'Topology', metadata: { name: 'synadia' }, spec });
}

const byName = (users: UserPermissions[]) => new Map(users.map((u) => [u.name, u]));
const pub = (user: UserPermissions | undefined) => user!.publish.map((g) => g.subject);
const sub = (user: UserPermissions | undefined) => user!.subscribe.map((g) => g.subject);
const SRV = ['PING', 'INFO', 'STATS'].flatMap((v) => [`$SRV.${v}`, `$SRV.${v}.agents`, `$SRV.${v}.agents.*`]);

const bridge = topology({
  registry: 'announcements',
  synadia: { owner: 'acme' },
  agents: [
    { name: 'desk', llm: 'offline', synadia: true },
    { name: 'helper', llm: 'offline' },
  ],
  externalAgents: [{ name: 'reviewer', synadia: { agent: 'stand-in', owner: 'ops', name: 'reviewer' } }],
  edges: [{ from: 'desk', to: 'reviewer', kind: 'request' }],
});

describe('derivePermissions: Synadia Agent Protocol', () => {
  const users = byName(derivePermissions(bridge));

  it('a served agent subscribes to its endpoints and $SRV discovery, beats, and answers with streams', () => {
    const desk = users.get('desk');
    expect(sub(desk)).toEqual(expect.arrayContaining(['agents.prompt.switchboard.acme.desk', 'agents.status.switchboard.acme.desk', ...SRV]));
    expect(pub(desk)).toContain('agents.hb.switchboard.acme.desk');
    expect(desk!.streamedResponses).toMatch(/streamed prompt answers/);
    // The run client on the same credentials asks it and reads its frames.
    expect(pub(desk)).toEqual(expect.arrayContaining(['agents.request.desk', 'agents.response.desk.*']));
    expect(sub(desk)).toEqual(expect.arrayContaining(['agents.request.synadia_client', '_INBOX_synadia_client.>', 'agents.response.desk.*']));
    expect(desk!.subscribe.find((g) => g.subject === '$SRV.INFO.agents')!.why).toMatch(/by service name/);
  });

  it('an agent that is not served gets none of it', () => {
    const helper = users.get('helper');
    expect([...pub(helper), ...sub(helper)].filter((s) => s.includes('$SRV') && s !== '$SRV.INFO.agents')).toEqual([]);
    expect(pub(helper)).not.toContain('agents.hb.switchboard.acme.helper');
    expect(helper!.streamedResponses).toBeUndefined();
  });

  it('the caller of an external protocol agent discovers and prompts it; every agent follows its heartbeats', () => {
    const desk = users.get('desk');
    expect(pub(desk)).toEqual(expect.arrayContaining(['$SRV.INFO.agents', 'agents.prompt.*.ops.reviewer']));
    expect(pub(desk)).not.toContain('agents.request.reviewer');
    expect(sub(users.get('helper'))).toContain('agents.hb.*.*.*');
    expect(pub(users.get('helper'))).toContain('$SRV.INFO.agents');
    expect(pub(users.get('helper'))).not.toContain('agents.prompt.*.ops.reviewer');
  });

  it('the external protocol agent gets the protocol grants only', () => {
    const reviewer = users.get('reviewer');
    expect(reviewer!.kind).toBe('synadia');
    expect(sub(reviewer)).toEqual(['agents.prompt.*.ops.reviewer', 'agents.status.*.ops.reviewer', ...SRV]);
    expect(pub(reviewer)).toEqual(['agents.hb.*.ops.reviewer']);
    expect(reviewer!.buckets).toEqual([]);
  });

  it('synadia_caller discovers and prompts the served agents only', () => {
    const caller = users.get('synadia_caller');
    expect(caller!.kind).toBe('synadia-caller');
    expect(pub(caller)).toEqual([
      '$SRV.PING',
      '$SRV.PING.agents',
      '$SRV.INFO',
      '$SRV.INFO.agents',
      '$SRV.INFO.agents.*',
      'agents.prompt.switchboard.acme.desk',
      'agents.status.switchboard.acme.desk',
    ]);
    expect(sub(caller)).toEqual(['_INBOX_synadia_caller.>', 'agents.hb.*.*.*']);
    expect(caller!.allowResponses).toBe(false);
  });

  it('no served agent, no caller user; a name taken by an agent moves it aside', () => {
    const none = byName(derivePermissions(topology({ agents: [{ name: 'a', llm: 'offline' }] })));
    expect(none.has('synadia_caller')).toBe(false);
    const taken = byName(derivePermissions(topology({ synadia: { exposeAll: true }, agents: [{ name: 'synadia_caller', llm: 'offline' }] })));
    expect(taken.get('synadia_caller')!.kind).toBe('agent');
    expect(taken.get('synadia_caller-2')!.kind).toBe('synadia-caller');
  });
});

describe('exportNatsConf: Synadia users', () => {
  let n = 0;
  const createUser = (): NkeyPair => {
    const tag = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[n++ % 26]!;
    return { publicKey: `U${tag.repeat(55)}`, seed: `SU${tag.repeat(56)}` };
  };
  const { config, secrets } = exportNatsConf(bridge, { createUser });

  it('streams are allowed as responses, with the reason beside them', () => {
    expect(config).toMatch(/allow_responses: \{ max: 100000, expires: "10m" \} # Synadia protocol: .*streamed prompt answers/);
    expect(config).toContain('# synadia_caller (Synadia protocol clients calling the served agents); seed in synadia_caller.nk');
    expect(config).toContain('# reviewer (external Synadia protocol agent); seed in reviewer.nk');
    expect(config).toContain('"$SRV.INFO.agents.*" # Synadia protocol: $SRV.INFO by instance id');
    expect(secrets.map((s) => s.fileName)).toContain('synadia_caller.nk');
  });
});
