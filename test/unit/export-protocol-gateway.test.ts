// The exported config's protocol gateway grants (seed 004 sequence 2.3): an external A2A agent has
// no user (it is not on the bus); a caller with a request edge to one publishes
// protocol.a2a.request.{peer} only, and its process's protocol gateway subscribes that subject and
// answers on the caller's reply subject.
import { describe, expect, it } from 'vitest';
import { derivePermissions, type UserPermissions } from '../../agents/topology/export/nats-conf.js';
import { a2aPeersOf } from '../../agents/interop/gateway/service.js';
import { TopologySchema, type Topology, type TopologyInput } from '../../agents/topology/schema.js';

function topology(spec: TopologyInput['spec']): Topology {
  return TopologySchema.parse({ apiVersion: 'switchboard.dev/v1', kind: 'Topology', metadata: { name: 'a2a' }, spec });
}

const travel = topology({
  agents: [
    { name: 'coordinator', llm: 'offline' },
    { name: 'helper', llm: 'offline' },
  ],
  externalAgents: [
    { name: 'travel', a2a: { card: 'https://travel.example.com/', credential: { secret: 'TRAVEL_TOKEN' } } },
    { name: 'hotel', a2a: { card: 'https://hotel.example.com/' } },
    { name: 'legacy' },
  ],
  edges: [
    { from: 'coordinator', to: 'travel', kind: 'request' },
    { from: 'coordinator', to: 'legacy', kind: 'request' },
    { from: 'helper', to: 'hotel', kind: 'request' },
  ],
});

const byName = (users: UserPermissions[]) => new Map(users.map((u) => [u.name, u]));
const pub = (user: UserPermissions | undefined) => user!.publish.map((g) => g.subject);
const sub = (user: UserPermissions | undefined) => user!.subscribe.map((g) => g.subject);

describe('derivePermissions: the protocol gateway', () => {
  const users = byName(derivePermissions(travel));

  it('gives external A2A agents no user; other externals keep theirs', () => {
    expect(users.has('travel')).toBe(false);
    expect(users.has('hotel')).toBe(false);
    expect(users.get('legacy')?.kind).toBe('external');
  });

  it('a caller publishes protocol.a2a.request.{peer} only for the peers it has edges to, not the profile request subject', () => {
    const coordinator = users.get('coordinator');
    expect(pub(coordinator)).toContain('protocol.a2a.request.travel');
    expect(pub(coordinator)).not.toContain('protocol.a2a.request.hotel');
    expect(pub(coordinator)).not.toContain('agents.request.travel');
    expect(pub(coordinator)).toContain('agents.request.legacy'); // a bus external is asked as before
    expect(pub(users.get('helper'))).toEqual(expect.arrayContaining(['protocol.a2a.request.hotel']));
    expect(pub(users.get('helper'))).not.toContain('protocol.a2a.request.travel');
  });

  it("the gateway in the caller's process subscribes the same subject and answers on the reply subject", () => {
    const coordinator = users.get('coordinator')!;
    expect(sub(coordinator)).toContain('protocol.a2a.request.travel');
    expect(coordinator.subscribe.find((g) => g.subject === 'protocol.a2a.request.travel')!.why).toMatch(/switchboard-protocol-gateway, queue group protocol-gateway/);
    expect(coordinator.allowResponses).toBe(true);
    expect(sub(users.get('helper'))).not.toContain('protocol.a2a.request.travel');
  });

  it('a process running some agents serves exactly the peers they ask (so its user has the grants)', () => {
    expect(a2aPeersOf(travel).map((p) => p.name)).toEqual(['travel', 'hotel']);
    expect(a2aPeersOf(travel, ['coordinator'])).toEqual([{ name: 'travel', protocol: 'a2a', timeoutMs: 60_000, credential: { header: 'Authorization', scheme: 'Bearer', secret: 'TRAVEL_TOKEN' } }]);
    expect(a2aPeersOf(travel, ['helper']).map((p) => p.name)).toEqual(['hotel']);
  });
});
