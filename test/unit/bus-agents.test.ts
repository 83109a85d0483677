// The Agents on the bus panel's rules: a discovered agent becomes an external agent (a Synadia
// agent with its identity, a suffixed name on a clash; a seed agent under its own name or not at
// all), never overwriting a node; how statuses, ages and offers read; the store's listing, busy
// state and error against the contract's fake handlers.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import type { DiscoveredAgent } from '../../agents/protocol/discovered-agent.js';
import { loadTopology } from '../../agents/topology/load.js';
import { toYaml } from '../../agents/topology/save.js';
import type { Topology } from '../../agents/topology/schema.js';
import { validateTopology } from '../../agents/topology/validate.js';
import { createRpcDispatcher } from '../../main/bridge/rpc.js';
import { RpcError } from '../../preload/contract.js';
import { ApiClient, type Transport } from '../../renderer/src/api.js';
import { agentFromDrop, lastSeenText, offersText, promptedOn, sortAgents } from '../../renderer/src/bus/bus-model.js';
import { addDiscoveredAt } from '../../renderer/src/design/actions.js';
import { addDiscovered, findDiscovered, nodeNameFrom } from '../../renderer/src/design/model/add-discovered.js';
import { emptyTopology } from '../../renderer/src/design/model/add-node.js';
import { clearSpot } from '../../renderer/src/design/model/positions.js';
import { createStores } from '../../renderer/src/stores/stores.js';
import { fakeHandlers } from '../helpers/host-fixtures.js';

const trio = (): Topology => {
  const loaded = loadTopology(readFileSync('templates/seed-000-trio.yaml', 'utf8'), 'seed-000-trio.yaml');
  if (!loaded.topology) throw new Error('the trio template does not load');
  return loaded.topology;
};

/** A discovered agent with the fields that do not matter here filled in. */
const discovered = (over: Partial<DiscoveredAgent>): DiscoveredAgent => ({
  name: 'echo',
  protocol: 'synadia',
  description: 'Echoes what it is told',
  capabilities: [],
  endpoints: [{ name: 'prompt', subject: 'agents.prompt.echoer.acme.echo' }],
  status: 'available',
  lastSeen: '2026-12-06T17:00:00.000Z',
  node: 'nats-a',
  instances: 1,
  version: '0.3',
  synadia: { agent: 'echoer', owner: 'acme', name: 'echo' },
  ...over,
});

describe('a discovered agent onto the canvas', () => {
  it('adds a Synadia agent as an external agent with its identity, valid and saved with the file', () => {
    const result = addDiscovered(trio(), discovered({}), { x: 40, y: 80 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result).toMatchObject({ name: 'echo', note: null });
    const external = result.topology.spec.externalAgents.find((e) => e.name === 'echo');
    expect(external).toEqual({ name: 'echo', description: 'Echoes what it is told', capabilities: [], answers: true, synadia: { agent: 'echoer', owner: 'acme', name: 'echo' } });
    expect(result.topology.layout.nodes['echo']).toEqual({ x: 40, y: 80 });
    expect(validateTopology(result.topology).filter((p) => p.severity === 'error')).toEqual([]);
    expect(toYaml(result.topology)).toMatch(/synadia:\n\s+agent: echoer\n\s+owner: acme\n\s+name: echo/);
  });

  it('gives a Synadia agent whose name is taken a suffixed name and says so; the node there is untouched', () => {
    const before = trio();
    const result = addDiscovered(before, discovered({ name: 'weather_bot', synadia: { agent: 'wx', owner: 'acme', name: 'weather_bot' } }), { x: 0, y: 0 });
    expect(result.ok && result.name).toBe('weather_bot_2');
    expect(result.ok && result.note).toBe('Added as "weather_bot_2": "weather_bot" already names another node.');
    if (!result.ok) return;
    expect(result.topology.spec.agents.find((a) => a.name === 'weather_bot')).toEqual(before.spec.agents.find((a) => a.name === 'weather_bot'));
  });

  it('turns a name that is no subject token into one, and finds the agent once it is there', () => {
    expect(nodeNameFrom('claude code@laptop.local')).toBe('claude_code_laptop_local');
    expect(nodeNameFrom('***')).toBe('external_agent');
    const agent = discovered({ name: 'my agent' });
    const first = addDiscovered(emptyTopology(), agent, { x: 0, y: 0 });
    expect(first.ok && first.name).toBe('my_agent');
    if (!first.ok) return;
    expect(findDiscovered(first.topology, agent)).toBe('my_agent');
    // Same identity again: not a second copy, the one there is named.
    expect(addDiscovered(first.topology, agent, { x: 0, y: 0 })).toEqual({ ok: false, reason: 'my agent is on the canvas already, as "my_agent".', existing: 'my_agent' });
    // Same name, another identity: a new node.
    const other = addDiscovered(first.topology, discovered({ name: 'my agent', synadia: { agent: 'other', owner: 'acme', name: 'my_agent' } }), { x: 0, y: 0 });
    expect(other.ok && other.name).toBe('my_agent_2');
  });

  it('adds a seed agent under its own name only: refuses when an agent of the topology has it, and warns of another profile', () => {
    const seed = (name: string, protocol: DiscoveredAgent['protocol'] = 'seed-000') => discovered({ name, protocol, synadia: null, capabilities: ['weather'], endpoints: [] });
    const clash = addDiscovered(trio(), seed('weather_bot'), { x: 0, y: 0 });
    expect(clash).toMatchObject({ ok: false, existing: 'weather_bot' });
    expect(!clash.ok && clash.reason).toMatch(/already an agent of this topology .* cannot be added under another/);
    const added = addDiscovered(trio(), seed('forecaster'), { x: 0, y: 0 });
    expect(added).toMatchObject({ ok: true, name: 'forecaster', note: null });
    expect(added.ok && added.topology.spec.externalAgents.at(-1)).toMatchObject({ name: 'forecaster', capabilities: ['weather'] });
    expect(added.ok && added.topology.spec.externalAgents.at(-1)).not.toHaveProperty('synadia');
    expect(addDiscovered(trio(), seed('pinger', 'seed-001'), { x: 0, y: 0 })).toMatchObject({ ok: true, note: expect.stringMatching(/speaks seed-001 and this topology speaks seed-000/) });
    expect(addDiscovered(trio(), seed('bad name'), { x: 0, y: 0 })).toMatchObject({ ok: false, existing: null, reason: expect.stringMatching(/cannot name a node/) });
  });

  it('the action edits with one undo step, selects the node, and on a repeat selects it and says so', () => {
    const stores = createStores(new ApiClient({ call: async () => ({ ok: true, value: null }), on: () => () => undefined, onConnection: () => () => undefined }));
    // No document open yet: one is started.
    expect(addDiscoveredAt(stores, discovered({}), { x: 3, y: 7 })).toBe('echo');
    expect(stores.document.getState().past.map((e) => e.label)).toEqual(['Add echo from the bus']);
    expect(stores.design.getState().selection.nodes).toEqual(['echo']);
    stores.design.getState().select({ nodes: [], edges: [] });
    expect(addDiscoveredAt(stores, discovered({}), { x: 3, y: 7 })).toBe('echo');
    expect(stores.document.getState().past).toHaveLength(1);
    expect(stores.design.getState().selection.nodes).toEqual(['echo']);
    expect(stores.design.getState().notice?.text).toBe('echo is on the canvas already, as "echo".');
  });
});

describe('how the panel words an agent', () => {
  const now = Date.parse('2026-12-06T17:00:00.000Z');
  it('says how long ago it was seen', () => {
    expect(lastSeenText(null, now)).toBe('not heard from');
    expect(lastSeenText('2026-12-06T16:59:58.000Z', now)).toBe('seen just now');
    expect(lastSeenText('2026-12-06T16:59:30.000Z', now)).toBe('seen 30 s ago');
    expect(lastSeenText('2026-12-06T16:55:00.000Z', now)).toBe('seen 5 min ago');
    expect(lastSeenText('2026-12-06T14:00:00.000Z', now)).toBe('seen 3 h ago');
    expect(lastSeenText('2026-12-04T17:00:00.000Z', now)).toBe('seen 2 d ago');
  });
  it('lists capabilities, else endpoints; live agents first', () => {
    expect(offersText(discovered({ capabilities: ['weather', 'forecast'] }))).toBe('weather, forecast');
    expect(offersText(discovered({ endpoints: [{ name: 'prompt', subject: 'x' }, { name: 'status', subject: 'y' }] }))).toBe('endpoints: prompt, status');
    expect(offersText(discovered({ endpoints: [] }))).toBe('no capabilities declared');
    const order = sortAgents([discovered({ name: 'b', status: 'offline' }), discovered({ name: 'c' }), discovered({ name: 'a', status: 'busy' })]).map((a) => a.name);
    expect(order).toEqual(['c', 'a', 'b']);
  });
  it("names a Synadia agent's prompt subject as listed (an SDK subject token may be shorter than its agent name)", () => {
    const reviewer = discovered({ protocol: 'synadia', synadia: { agent: 'claude-code', owner: 'acme', name: 'reviewer' }, endpoints: [{ name: 'prompt', subject: 'agents.prompt.cc.acme.reviewer' }] });
    expect(promptedOn(reviewer)).toBe('Prompted on agents.prompt.cc.acme.reviewer');
    expect(promptedOn({ ...reviewer, endpoints: [] })).toBe('Its prompt endpoint was not listed');
  });
  it('reads a drop only when it is a discovered agent', () => {
    expect(agentFromDrop(JSON.stringify(discovered({})))).toEqual(discovered({}));
    expect(agentFromDrop('{"name":"x"}')).toBeNull();
    expect(agentFromDrop('not json')).toBeNull();
  });
});

describe('the bus store', () => {
  const storesWith = (handler: () => Promise<{ agents: DiscoveredAgent[] }>) => {
    const handlers = fakeHandlers();
    handlers['bus.listAgents'].mockImplementation(handler);
    const dispatch = createRpcDispatcher(handlers);
    const transport: Transport = { call: (method, input) => dispatch(method, input), on: () => () => undefined, onConnection: () => () => undefined };
    return { stores: createStores(new ApiClient(transport)), handlers };
  };

  it('lists the agents, busy while it asks, and joins a refresh already under way', async () => {
    let answer!: (value: { agents: DiscoveredAgent[] }) => void;
    const { stores, handlers } = storesWith(() => new Promise((resolve) => (answer = resolve)));
    const bus = stores.bus;
    const first = bus.getState().refresh();
    const second = bus.getState().refresh();
    expect(bus.getState().busy).toBe(true);
    await vi.waitFor(() => expect(handlers['bus.listAgents']).toHaveBeenCalledTimes(1));
    answer({ agents: [discovered({})] });
    await Promise.all([first, second]);
    expect(handlers['bus.listAgents']).toHaveBeenCalledTimes(1);
    expect(bus.getState()).toMatchObject({ busy: false, error: null, agents: [discovered({})] });
    expect(bus.getState().listedAt).not.toBeNull();
  });

  it('keeps the last list and says why a listing failed', async () => {
    let fail = false;
    const { stores } = storesWith(async () => {
      if (fail) throw new RpcError('failed', 'no server');
      return { agents: [discovered({})] };
    });
    await stores.bus.getState().refresh();
    fail = true;
    await stores.bus.getState().refresh();
    expect(stores.bus.getState()).toMatchObject({ busy: false, error: 'no server', agents: [discovered({})] });
  });
});

describe('a clear spot for an added node', () => {
  it('moves down past the nodes in the way, and stays put when nothing is', () => {
    expect(clearSpot({ x: 0, y: 0 }, [])).toEqual({ x: 0, y: 0 });
    expect(clearSpot({ x: 0, y: 0 }, [{ x: 400, y: 0 }])).toEqual({ x: 0, y: 0 });
    expect(clearSpot({ x: 0, y: 0 }, [{ x: 20, y: 10 }, { x: -30, y: 110 }])).toEqual({ x: 0, y: 300 }); // 100 and 200 are within a box of 110
  });
});
