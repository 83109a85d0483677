// Adding an A2A agent from its card: an external agent with the card URL and skills, named from the
// card (suffixed on a clash, never overwriting), found again by its card URL; "Refresh card" keeps
// capabilities the user wrote; the bus store fetches cards, says why one failed and drops a stale answer.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { A2aCardSummary } from '../../agents/protocol/a2a-card.js';
import { loadTopology } from '../../agents/topology/load.js';
import { toYaml } from '../../agents/topology/save.js';
import type { Topology } from '../../agents/topology/schema.js';
import { validateTopology } from '../../agents/topology/validate.js';
import { createRpcDispatcher } from '../../main/bridge/rpc.js';
import { RpcError } from '../../preload/contract.js';
import { ApiClient, type Transport } from '../../renderer/src/api.js';
import { addA2aPeer, findA2aPeer, refreshA2aSkills } from '../../renderer/src/design/model/add-a2a.js';
import { createStores } from '../../renderer/src/stores/stores.js';
import { fakeHandlers } from '../helpers/host-fixtures.js';

const trio = (): Topology => {
  const loaded = loadTopology(readFileSync('templates/seed-000-trio.yaml', 'utf8'), 'seed-000-trio.yaml');
  if (!loaded.topology) throw new Error('the trio template does not load');
  return loaded.topology;
};

const card = (over: Partial<A2aCardSummary> = {}): A2aCardSummary => ({
  cardUrl: 'http://127.0.0.1:41241/.well-known/agent-card.json',
  name: 'Travel Partner',
  description: 'Books trips',
  version: '2.1.0',
  endpoint: { url: 'http://127.0.0.1:41241/a2a/jsonrpc', binding: 'JSONRPC', protocolVersion: '1.0' },
  streaming: true,
  skills: [
    { id: 'book_flight', name: 'Book a flight', description: 'Finds and books a flight' },
    { id: 'book_hotel', name: 'Book a hotel', description: '' },
  ],
  ...over,
});

describe('adding an A2A agent from its card', () => {
  it('adds an external agent with the card URL, skills and skill ids as capabilities, at the spot', () => {
    const result = addA2aPeer(trio(), card(), { x: 40, y: 80 });
    if (!result.ok) throw new Error(result.reason);
    expect(result.name).toBe('Travel_Partner');
    const external = result.topology.spec.externalAgents.find((e) => e.name === 'Travel_Partner');
    expect(external).toMatchObject({ description: 'Books trips', capabilities: ['book_flight', 'book_hotel'], a2a: { card: card().cardUrl, skills: card().skills, timeoutMs: 60_000 } });
    expect(result.topology.layout.nodes['Travel_Partner']).toEqual({ x: 40, y: 80 });
    expect(validateTopology(result.topology).filter((p) => p.severity === 'error')).toEqual([]);
    expect(toYaml(result.topology)).toContain(`card: ${card().cardUrl}`);
    expect(findA2aPeer(result.topology, card().cardUrl)).toBe('Travel_Partner');
  });

  it('suffixes a clashing name and refuses the same card twice, naming the node that is it', () => {
    const first = addA2aPeer(trio(), card({ name: 'weather_bot' }), { x: 0, y: 0 });
    if (!first.ok) throw new Error(first.reason);
    expect(first.name).toBe('weather_bot_2');
    expect(first.note).toContain('"weather_bot" already names another node');
    expect(first.topology.spec.agents.find((a) => a.name === 'weather_bot')).toBeDefined();
    const again = addA2aPeer(first.topology, card({ name: 'other' }), { x: 0, y: 0 });
    expect(again).toEqual({ ok: false, reason: 'other is on the canvas already, as "weather_bot_2".', existing: 'weather_bot_2' });
  });

  it('refreshes skills; capabilities follow them unless the user wrote their own', () => {
    const added = addA2aPeer(trio(), card(), { x: 0, y: 0 });
    if (!added.ok) throw new Error(added.reason);
    const newer = card({ skills: [{ id: 'itinerary', name: 'Itinerary', description: '' }] });
    const followed = refreshA2aSkills(added.topology, 'Travel_Partner', newer).spec.externalAgents.find((e) => e.name === 'Travel_Partner');
    expect(followed).toMatchObject({ capabilities: ['itinerary'], a2a: { skills: newer.skills } });
    const edited: Topology = { ...added.topology, spec: { ...added.topology.spec, externalAgents: added.topology.spec.externalAgents.map((e) => (e.name === 'Travel_Partner' ? { ...e, capabilities: ['travel'] } : e)) } };
    const kept = refreshA2aSkills(edited, 'Travel_Partner', newer).spec.externalAgents.find((e) => e.name === 'Travel_Partner');
    expect(kept).toMatchObject({ capabilities: ['travel'], a2a: { skills: newer.skills } });
  });
});

describe('the bus store fetching A2A cards', () => {
  const storesWith = (handler: (input: { url: string }) => Promise<{ card: A2aCardSummary }>) => {
    const handlers = fakeHandlers();
    handlers['peer.getCard'].mockImplementation(handler);
    const dispatch = createRpcDispatcher(handlers);
    const transport: Transport = { call: (method, input) => dispatch(method, input), on: () => () => undefined, onConnection: () => () => undefined };
    return createStores(new ApiClient(transport));
  };

  it('keeps the card, or why it could not be read', async () => {
    const stores = storesWith(async ({ url }) => {
      if (url.includes('bad')) throw new RpcError('failed', 'http://bad/ did not answer with an agent card (HTML).');
      return { card: card({ cardUrl: url }) };
    });
    await stores.bus.getState().fetchCard('http://good/');
    expect(stores.bus.getState().card).toMatchObject({ url: 'http://good/', busy: false, error: null, summary: { cardUrl: 'http://good/' } });
    await stores.bus.getState().fetchCard('http://bad/');
    expect(stores.bus.getState().card).toEqual({ url: 'http://bad/', busy: false, summary: null, error: 'http://bad/ did not answer with an agent card (HTML).' });
  });

  it('drops a slow answer for a URL the user has since replaced', async () => {
    const waiting: ((value: { card: A2aCardSummary }) => void)[] = [];
    const stores = storesWith(({ url }) => new Promise((resolve) => waiting.push(() => resolve({ card: card({ cardUrl: url }) }))));
    const slow = stores.bus.getState().fetchCard('http://slow/');
    const fast = stores.bus.getState().fetchCard('http://fast/');
    await new Promise((r) => setTimeout(r, 10));
    waiting[1]!({ card: card() });
    await fast;
    waiting[0]!({ card: card() });
    await slow;
    expect(stores.bus.getState().card?.summary?.cardUrl).toBe('http://fast/');
  });
});
