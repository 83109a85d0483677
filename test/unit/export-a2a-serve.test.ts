// The exported config's grants for agents served over A2A: the run client a2a_client runs on the
// served agent's credentials (its request subject, inbox, the agent's request subject and stream
// frames); an agent not served gets none of it. The runner's own behaviour is
// test/integration/a2a-serve.test.ts.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportCompose } from '../../agents/topology/export/compose.js';
import { derivePermissions, type UserPermissions } from '../../agents/topology/export/nats-conf.js';
import { a2aServed } from '../../agents/topology/a2a-exposure.js';
import { TopologySchema, type Topology, type TopologyInput } from '../../agents/topology/schema.js';

function topology(spec: TopologyInput['spec']): Topology {
  return TopologySchema.parse({ apiVersion: 'switchboard.dev/v1', kind: 'Topology', metadata: { name: 'a2a' }, spec });
}

const pub = (user: UserPermissions | undefined) => user!.publish.map((g) => g.subject);
const sub = (user: UserPermissions | undefined) => user!.subscribe.map((g) => g.subject);

const served = topology({
  registry: 'announcements',
  a2a: { exposeAll: true, port: 8300 },
  agents: [
    { name: 'desk', llm: 'offline' },
    { name: 'helper', llm: 'offline', a2a: false },
  ],
});

describe('A2A serving in exported config', () => {
  it('says which agents are served and where: exposeAll, overridden per agent', () => {
    expect(a2aServed(served)).toEqual({ host: '127.0.0.1', port: 8300, agents: ['desk'] });
    expect(a2aServed(topology({ agents: [{ name: 'a', llm: 'offline', a2a: true }, { name: 'b', llm: 'offline' }] })).agents).toEqual(['a']);
    expect(a2aServed(topology({ agents: [{ name: 'a', llm: 'offline' }] })).agents).toEqual([]);
  });

  it('grants a2a_client on the served agent user what it needs to ask the agent and relay its stream', () => {
    const users = new Map(derivePermissions(served).map((u) => [u.name, u]));
    const desk = users.get('desk');
    expect(sub(desk)).toEqual(expect.arrayContaining(['agents.request.a2a_client', '_INBOX_a2a_client.>', 'agents.response.desk.*']));
    expect(pub(desk)).toEqual(expect.arrayContaining(['agents.request.desk', 'agents.response.desk.*']));
    expect(desk!.allowResponses).toBe(true);
    expect(desk!.subscribe.find((g) => g.subject === '_INBOX_a2a_client.>')!.why).toMatch(/^a2a_client \(runs on this user\)/);
    const helper = users.get('helper');
    expect([...sub(helper), ...pub(helper)].filter((s) => s.includes('a2a_client'))).toEqual([]);
  });

  it('compose: a served agent listens on 0.0.0.0 in its container on its own port, published as itself (one apart; 8300 up when spec.a2a.port is 0); replicas publish none', () => {
    type Service = { command: string[]; ports?: string[] };
    const services = (t: Topology) => (parse(exportCompose(t)) as { services: Record<string, Service> }).services;
    const fixed = services(served);
    expect(fixed['desk']!.command.slice(-2)).toEqual(['--a2a-listen', '0.0.0.0:8300']);
    expect(fixed['desk']!.ports).toEqual(['8300:8300']);
    expect(fixed['helper']!.command).not.toContain('--a2a-listen');
    expect(fixed['helper']!.ports).toBeUndefined();
    const any = services(topology({ a2a: { exposeAll: true }, agents: [{ name: 'a', llm: 'offline' }, { name: 'b', llm: 'offline' }, { name: 'c', llm: 'offline', replicas: 2 }] }));
    expect([any['a']!.ports, any['b']!.ports, any['c']!.ports]).toEqual([['8300:8300'], ['8301:8301'], undefined]);
    expect(any['c']!.command.slice(-1)).toEqual(['0.0.0.0:8302']);
  });

  it("compose passes each agent's process the secrets it reads, by name only: its model's key, its A2A peers' credentials and OAuth2 client secrets, the served credential", () => {
    type Service = { environment?: Record<string, string> };
    const withSecrets = topology({
      llms: { cloud: { provider: 'openai', model: 'gpt-4o-mini', apiKeyEnv: 'OPENAI_KEY' }, offline: { provider: 'scripted' } },
      a2a: { credential: { secret: 'SERVED_TOKEN' } },
      agents: [
        { name: 'desk', llm: 'cloud', a2a: true },
        { name: 'booker', llm: 'offline' },
        { name: 'quiet', llm: 'offline' },
      ],
      externalAgents: [
        { name: 'travel', a2a: { card: 'https://travel.example.com/', credential: { secret: 'TRAVEL_TOKEN' } } },
        { name: 'hotel', a2a: { card: 'https://hotel.example.com/', oauth2: { tokenUrl: 'https://auth.example.com/token', clientId: 'sb', clientSecret: 'HOTEL_CLIENT_SECRET' } } },
      ],
      edges: [
        { from: 'booker', to: 'travel', kind: 'request' },
        { from: 'booker', to: 'hotel', kind: 'request' },
      ],
    });
    const services = (parse(exportCompose(withSecrets)) as { services: Record<string, Service> }).services;
    expect(services['desk']!.environment).toEqual({ OPENAI_KEY: '${OPENAI_KEY}', SERVED_TOKEN: '${SERVED_TOKEN}' });
    expect(services['booker']!.environment).toEqual({ TRAVEL_TOKEN: '${TRAVEL_TOKEN}', HOTEL_CLIENT_SECRET: '${HOTEL_CLIENT_SECRET}' });
    expect(services['quiet']!.environment).toBeUndefined();
    expect(a2aServed(withSecrets).credential).toEqual({ header: 'Authorization', scheme: 'Bearer', secret: 'SERVED_TOKEN' });
  });
});
