// The exported config's protocol gateway grants (seed 004 sequence 2.3): an external A2A agent has
// no user (it is not on the bus); a caller with a request edge to one publishes
// protocol.a2a.request.{peer}.{itself} only, and its process's protocol gateway subscribes that
// subject and answers on the caller's reply subject; another caller of the same peer cannot take its calls.
import { describe, expect, it } from 'vitest';
import { derivePermissions, type UserPermissions } from '../../agents/topology/export/nats-conf.js';
import { a2aGatewayRoutes } from '../../agents/interop/gateway/service.js';
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
    { from: 'helper', to: 'travel', kind: 'request' },
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

  it('a caller publishes protocol.a2a.request.{peer}.{itself} only for the peers it has edges to, not the profile request subject', () => {
    const coordinator = users.get('coordinator');
    expect(pub(coordinator)).toContain('protocol.a2a.request.travel.coordinator');
    expect(pub(coordinator).filter((s) => s.startsWith('protocol.'))).toEqual(['protocol.a2a.request.travel.coordinator']);
    expect(pub(coordinator)).not.toContain('agents.request.travel');
    expect(pub(coordinator)).toContain('agents.request.legacy'); // a bus external is asked as before
    expect(pub(users.get('helper')).filter((s) => s.startsWith('protocol.')).sort()).toEqual(['protocol.a2a.request.hotel.helper', 'protocol.a2a.request.travel.helper']);
  });

  it("the gateway in the caller's process subscribes its own calls only (not another caller's of the same peer) and answers on the reply subject", () => {
    const coordinator = users.get('coordinator')!;
    expect(sub(coordinator).filter((s) => s.startsWith('protocol.'))).toEqual(['protocol.a2a.request.travel.coordinator']);
    expect(coordinator.subscribe.find((g) => g.subject === 'protocol.a2a.request.travel.coordinator')!.why).toMatch(/switchboard-protocol-gateway, queue group protocol-gateway/);
    expect(coordinator.allowResponses).toBe(true);
    expect(sub(users.get('helper')).filter((s) => s.startsWith('protocol.')).sort()).toEqual(['protocol.a2a.request.hotel.helper', 'protocol.a2a.request.travel.helper']);
  });

  it('a process running some agents serves exactly the peers they ask, on their own subjects (so its user has the grants); the whole topology every caller', () => {
    const routes = (only?: string[]) => a2aGatewayRoutes(travel, only).map((r) => [r.peer.name, r.subjects]);
    expect(routes()).toEqual([
      ['travel', ['protocol.a2a.request.travel.*']],
      ['hotel', ['protocol.a2a.request.hotel.*']],
    ]);
    expect(routes(['coordinator'])).toEqual([['travel', ['protocol.a2a.request.travel.coordinator']]]);
    expect(routes(['helper'])).toEqual([
      ['travel', ['protocol.a2a.request.travel.helper']],
      ['hotel', ['protocol.a2a.request.hotel.helper']],
    ]);
    expect(routes(['coordinator', 'helper'])[0]).toEqual(['travel', ['protocol.a2a.request.travel.coordinator', 'protocol.a2a.request.travel.helper']]);
    expect(a2aGatewayRoutes(travel, ['coordinator'])[0]!.peer).toEqual({ name: 'travel', protocol: 'a2a', timeoutMs: 60_000, credential: { header: 'Authorization', scheme: 'Bearer', secret: 'TRAVEL_TOKEN' } });
  });
});
