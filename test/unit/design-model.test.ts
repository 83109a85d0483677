// The designer's pure operations on a topology: every edit the canvas makes, without React.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTopology } from '../../agents/topology/load.js';
import { toYaml } from '../../agents/topology/save.js';
import type { Topology } from '../../agents/topology/schema.js';
import { validateTopology } from '../../agents/topology/validate.js';
import { layoutGraph } from '../../renderer/src/design/canvas/auto-layout.js';
import { layoutRequest } from '../../renderer/src/design/canvas/layout-client.js';
import { fuzzyMatch } from '../../renderer/src/design/fuzzy.js';
import { addNode, emptyTopology } from '../../renderer/src/design/model/add-node.js';
import { copyFragment, duplicateNodes, pasteFragment } from '../../renderer/src/design/model/clipboard.js';
import { allowedEdgeKinds } from '../../renderer/src/design/model/connection-kinds.js';
import { allowedBetween, connect, disconnect, listConnections, setConnectionKind, updateEdge } from '../../renderer/src/design/model/connections.js';
import { deleteElements } from '../../renderer/src/design/model/delete.js';
import { nameProblem, uniqueName } from '../../renderer/src/design/model/names.js';
import { findNode, listNodes } from '../../renderer/src/design/model/node-kinds.js';
import { moveNodes, nudgeNodes, snap } from '../../renderer/src/design/model/positions.js';
import { problemTarget, problemsByElement } from '../../renderer/src/design/model/problem-targets.js';
import { renameNode } from '../../renderer/src/design/model/rename.js';
import { connectionSubject } from '../../renderer/src/design/model/subjects.js';
import { updateNode } from '../../renderer/src/design/model/update.js';

const template = (name: string): Topology => {
  const result = loadTopology(readFileSync(path.resolve('templates', `${name}.yaml`), 'utf8'), `${name}.yaml`);
  if (!result.topology) throw new Error(`template ${name} does not load`);
  return result.topology;
};
const errors = (t: Topology) => validateTopology(t).filter((p) => p.severity === 'error');
/** The topology survives a save and reload unchanged (nothing the schema refuses crept in). */
const roundTrips = (t: Topology) => expect(loadTopology(toYaml(t), 't.yaml').topology).toEqual(t);

/** An empty topology with the named nodes added (positions on a row). */
function build(...nodes: [Parameters<typeof addNode>[1], number][]): { t: Topology; names: string[] } {
  let t = emptyTopology();
  const names: string[] = [];
  for (const [kind, x] of nodes) {
    const added = addNode(t, kind, { x, y: 0 });
    t = added.topology;
    names.push(added.name);
  }
  return { t, names };
}

function connected(t: Topology, from: string, to: string, kind?: Parameters<typeof connect>[3]): Topology {
  const result = connect(t, from, to, kind);
  if (!result.ok) throw new Error(result.reason);
  return result.topology;
}

describe('names', () => {
  it('numbers new names and continues existing suffixes', () => {
    expect(uniqueName('agent', new Set(), { alwaysNumber: true })).toBe('agent_1');
    expect(uniqueName('agent', new Set(['agent_1', 'agent_2']), { alwaysNumber: true })).toBe('agent_3');
    expect(uniqueName('writer', new Set())).toBe('writer');
    expect(uniqueName('writer', new Set(['writer']))).toBe('writer_2');
    expect(uniqueName('writer_2', new Set(['writer_2', 'writer_3']))).toBe('writer_4');
  });

  it('refuses invalid and clashing names with the reason', () => {
    const t = template('coordinator');
    expect(nameProblem(t, 'agent', 'has space')).toMatch(/subject token/);
    expect(nameProblem(t, 'agent', '')).toBe('A name is required.');
    expect(nameProblem(t, 'agent', 'order_agent')).toMatch(/already the name/);
    expect(nameProblem(t, 'agent', 'order_agent', 'order_agent')).toBeNull();
    expect(nameProblem(t, 'mcp', 'a__b')).toMatch(/__/);
  });
});

describe('addNode', () => {
  it('adds each kind with a unique valid name, schema defaults and a position', () => {
    const { t, names } = build(['agent', 0], ['agent', 200], ['external', 400], ['tool', 600], ['mcp', 800], ['blackboard', 1000]);
    expect(names).toEqual(['agent_1', 'agent_2', 'external_agent_1', 'tool_1', 'mcp_server_1', 'blackboard_1']);
    expect(listNodes(t).map((n) => n.kind)).toEqual(['agent', 'agent', 'external', 'tool', 'mcp', 'blackboard']);
    expect(t.spec.agents[0]).toMatchObject({ role: 'assistant', llm: 'offline', replicas: 1, tools: [] });
    expect(t.layout.nodes['tool_1']).toEqual({ x: 600, y: 0 });
    expect(errors(t)).toEqual([]);
    roundTrips(t);
  });

  it('declares offline model settings when the topology has none', () => {
    const bare = { ...emptyTopology(), spec: { ...emptyTopology().spec, llms: {} } };
    const { topology } = addNode(bare, 'agent', { x: 0, y: 0 });
    expect(topology.spec.llms).toEqual({ offline: { provider: 'scripted' } });
    expect(errors(topology)).toEqual([]);
  });

  it('never reuses a name taken by another kind', () => {
    const { t } = build(['agent', 0]);
    const renamed = renameNode(t, 'agent_1', 'tool_1');
    expect(renamed.ok).toBe(true);
    const { name } = addNode(renamed.ok ? renamed.topology : t, 'tool', { x: 0, y: 0 });
    expect(name).toBe('tool_2');
  });
});

describe('allowedEdgeKinds', () => {
  it('offers the channels between agents, request first', () => {
    expect(allowedEdgeKinds('agent', 'agent')).toEqual({ ok: true, kinds: ['request', 'direct', 'handoff', 'broadcast', 'subscribe'] });
    expect(allowedEdgeKinds('agent', 'external')).toEqual({ ok: true, kinds: ['request', 'direct', 'handoff', 'broadcast'] });
    expect(allowedEdgeKinds('external', 'agent')).toMatchObject({ ok: true, kinds: ['request', 'direct', 'handoff', 'broadcast', 'subscribe'] });
  });

  it('follows the profile and whether an external agent answers', () => {
    expect(allowedEdgeKinds('agent', 'agent', { profile: 'seed-001' })).toEqual({ ok: true, kinds: ['request', 'broadcast', 'subscribe'] });
    expect(allowedEdgeKinds('agent', 'external', { answers: false })).toEqual({ ok: true, kinds: ['direct', 'handoff', 'broadcast'] });
  });

  it('reads lines to tools, MCP servers and blackboards as references', () => {
    expect(allowedEdgeKinds('agent', 'tool')).toEqual({ ok: true, kinds: ['tool'] });
    expect(allowedEdgeKinds('agent', 'mcp')).toEqual({ ok: true, kinds: ['tool'] });
    expect(allowedEdgeKinds('agent', 'blackboard')).toEqual({ ok: true, kinds: ['blackboard'] });
    expect(allowedEdgeKinds('blackboard', 'agent')).toEqual({ ok: true, kinds: ['watch', 'subscribe'] });
  });

  it('refuses pairs that mean nothing, with a reason', () => {
    for (const [from, to] of [
      ['tool', 'agent'],
      ['tool', 'blackboard'],
      ['blackboard', 'tool'],
      ['blackboard', 'external'],
      ['external', 'tool'],
      ['external', 'blackboard'],
      ['mcp', 'tool'],
    ] as const) {
      const result = allowedEdgeKinds(from, to);
      expect(result.ok, `${from} -> ${to}`).toBe(false);
      if (!result.ok) expect(result.reason.length).toBeGreaterThan(10);
    }
  });
});

describe('connect', () => {
  it('adds a request edge between agents by default, and the other kinds on demand', () => {
    const { t, names } = build(['agent', 0], ['agent', 200]);
    const result = connect(t, names[0]!, names[1]!);
    expect(result).toMatchObject({ ok: true, id: 'request:agent_1->agent_2', kinds: ['request', 'direct', 'handoff', 'broadcast', 'subscribe'] });
    if (!result.ok) return;
    expect(result.topology.spec.edges).toEqual([{ from: 'agent_1', to: 'agent_2', kind: 'request' }]);
    const both = connected(result.topology, 'agent_1', 'agent_2', 'handoff');
    expect(both.spec.edges.map((e) => e.kind)).toEqual(['request', 'handoff']);
    // The same kind twice adds nothing new: that kind is no longer offered.
    expect(allowedBetween(both, 'agent_1', 'agent_2')).toEqual({ ok: true, kinds: ['direct', 'broadcast', 'subscribe'] });
    expect(connect(both, 'agent_1', 'agent_2', 'request')).toMatchObject({ ok: false });
    expect(errors(both)).toEqual([]);
  });

  it('gives subscribe edges a subject: the blackboard bucket or the source agent’s events', () => {
    const { t } = build(['agent', 0], ['agent', 200], ['blackboard', 400]);
    const sub = connected(t, 'agent_1', 'agent_2', 'subscribe');
    expect(sub.spec.edges[0]).toEqual({ from: 'agent_1', to: 'agent_2', kind: 'subscribe', subject: 'events.agent_1.>' });
    const fromBoard = connected(t, 'blackboard_1', 'agent_2', 'subscribe');
    expect(fromBoard.spec.edges[0]!.subject).toBe('$KV.blackboard_1.>');
    expect(errors(sub)).toEqual([]);
    expect(errors(fromBoard)).toEqual([]);
  });

  it('lets an agent call a tool, an MCP server’s tools, and use or watch a blackboard', () => {
    const { t } = build(['agent', 0], ['tool', 200], ['mcp', 400], ['blackboard', 600]);
    let next = connected(t, 'agent_1', 'tool_1');
    next = connected(next, 'agent_1', 'mcp_server_1');
    next = connected(next, 'agent_1', 'blackboard_1');
    next = connected(next, 'blackboard_1', 'agent_1');
    const agent = next.spec.agents[0]!;
    expect(agent.tools).toEqual(['tool_1', 'mcp_server_1/*']);
    expect(agent.blackboards).toEqual(['blackboard_1']);
    expect(agent.pattern?.watch).toEqual([{ blackboard: 'blackboard_1', key: '>' }]);
    expect(next.spec.edges).toEqual([]);
    expect(listConnections(next).map((c) => c.id)).toEqual([
      'tool:agent_1->tool_1',
      'tool:agent_1->mcp_server_1/*',
      'blackboard:agent_1->blackboard_1',
      'watch:blackboard_1->agent_1',
    ]);
    expect(errors(next)).toEqual([]);
    roundTrips(next);
  });

  it('reads a line dragged from a tool to an agent the right way round', () => {
    const { t } = build(['agent', 0], ['tool', 200]);
    const result = connect(t, 'tool_1', 'agent_1');
    expect(result).toMatchObject({ ok: true, id: 'tool:agent_1->tool_1' });
  });

  it('adds the agent to a tool’s allow list, so the line is not an error', () => {
    const t = template('coordinator');
    const next = connected(t, 'order_agent', 'search_catalog');
    expect(next.spec.tools.find((x) => x.name === 'search_catalog')!.allow).toEqual(['product_agent', 'order_agent']);
    expect(errors(next)).toEqual([]);
  });

  it('refuses invalid pairs, self-loops and unknown nodes with a reason', () => {
    const { t } = build(['agent', 0], ['tool', 200], ['blackboard', 400]);
    expect(connect(t, 'blackboard_1', 'tool_1')).toMatchObject({ ok: false, reason: expect.stringMatching(/watch a blackboard/) });
    expect(connect(t, 'agent_1', 'agent_1')).toMatchObject({ ok: false, reason: expect.stringMatching(/itself/) });
    expect(connect(t, 'agent_1', 'nobody')).toMatchObject({ ok: false, reason: expect.stringMatching(/no node called "nobody"/) });
    expect(connect(t, 'agent_1', 'blackboard_1', 'request')).toMatchObject({ ok: false });
    const twice = connected(t, 'agent_1', 'tool_1');
    expect(connect(twice, 'agent_1', 'tool_1')).toMatchObject({ ok: false, reason: expect.stringMatching(/already connected/) });
  });

  it('changes a line’s kind, between channels and between watch and subscribe', () => {
    const { t } = build(['agent', 0], ['agent', 200], ['blackboard', 400]);
    let next = connected(t, 'agent_1', 'agent_2');
    const changed = setConnectionKind(next, 'request:agent_1->agent_2', 'broadcast');
    expect(changed).toMatchObject({ ok: true, id: 'broadcast:agent_1->agent_2' });
    if (!changed.ok) return;
    expect(changed.topology.spec.edges).toEqual([{ from: 'agent_1', to: 'agent_2', kind: 'broadcast' }]);
    next = connected(changed.topology, 'blackboard_1', 'agent_2');
    const sub = setConnectionKind(next, 'watch:blackboard_1->agent_2', 'subscribe');
    expect(sub.ok && sub.topology.spec.agents[1]!.pattern).toBeUndefined();
    expect(sub.ok && sub.topology.spec.edges.at(-1)).toEqual({ from: 'blackboard_1', to: 'agent_2', kind: 'subscribe', subject: '$KV.blackboard_1.>' });
  });

  it('updates an edge’s fields', () => {
    const { t } = build(['agent', 0], ['agent', 200]);
    const next = updateEdge(connected(t, 'agent_1', 'agent_2'), 0, { description: 'asks for prices' });
    expect(next.spec.edges[0]).toEqual({ from: 'agent_1', to: 'agent_2', kind: 'request', description: 'asks for prices' });
    expect(updateEdge(next, 0, { description: undefined }).spec.edges[0]).not.toHaveProperty('description');
  });
});

describe('listConnections', () => {
  it('draws the coordinator template’s requests and tool grants', () => {
    const lines = listConnections(template('coordinator'));
    expect(lines.map((c) => `${c.kind} ${c.from}->${c.to}`)).toEqual([
      'request coordinator->product_agent',
      'request coordinator->order_agent',
      'tool product_agent->search_catalog',
      'tool order_agent->get_order_status',
    ]);
  });

  it('keeps ids unique when a file repeats an edge', () => {
    const { t } = build(['agent', 0], ['agent', 200]);
    const edge = { from: 'agent_1', to: 'agent_2', kind: 'request' as const };
    const ids = listConnections({ ...t, spec: { ...t.spec, edges: [edge, edge] } }).map((c) => c.id);
    expect(ids).toEqual(['request:agent_1->agent_2', 'request:agent_1->agent_2#2']);
  });
});

describe('deleteElements', () => {
  it('deletes a node with its edges and every reference to it', () => {
    const t = template('swarm');
    const next = deleteElements(t, { nodes: ['skeptic', 'deliberation'] });
    expect(findNode(next, 'skeptic')).toBeNull();
    expect(next.spec.edges.some((e) => e.from === 'skeptic' || e.to === 'skeptic')).toBe(false);
    const dispatcher = next.spec.agents.find((a) => a.name === 'dispatcher')!;
    expect(dispatcher.pattern?.peers).toEqual(['optimist', 'pragmatist']);
    expect(dispatcher.pattern?.blackboard).toBeUndefined();
    expect(next.spec.agents.every((a) => !a.blackboards.includes('deliberation'))).toBe(true);
    expect(next.layout.nodes).not.toHaveProperty('skeptic');
    // Only the dispatcher's missing blackboard remains to fix: nothing dangles.
    expect(errors(next).map((p) => p.message)).toEqual(['A dispatcher needs pattern.blackboard (where peers write).']);
  });

  it('deletes a tool from the agents that list it and from allow lists when an agent goes', () => {
    const t = template('coordinator');
    const noTool = deleteElements(t, { nodes: ['search_catalog'] });
    expect(noTool.spec.agents.find((a) => a.name === 'product_agent')!.tools).toEqual([]);
    const noAgent = deleteElements(t, { nodes: ['order_agent'] });
    expect(noAgent.spec.tools.find((x) => x.name === 'get_order_status')!.allow).toEqual([]);
    expect(errors(noTool)).toEqual([]);
  });

  it('drops the example when its target is deleted, and deletes lines by id', () => {
    const t = template('coordinator');
    expect(deleteElements(t, { nodes: ['coordinator'] }).metadata.example).toBeUndefined();
    const next = deleteElements(t, { edges: ['request:coordinator->order_agent', 'tool:product_agent->search_catalog'] });
    expect(next.spec.edges).toHaveLength(1);
    expect(next.spec.agents.find((a) => a.name === 'product_agent')!.tools).toEqual([]);
    expect(deleteElements(t, {})).toBe(t);
  });

  it('deletes watch lines and drops the pattern they leave empty', () => {
    const t = template('blackboard');
    const next = deleteElements(t, { edges: ['watch:research->analyst'] });
    expect(next.spec.agents.find((a) => a.name === 'analyst')!.pattern).toBeUndefined();
  });
});

describe('renameNode', () => {
  it('renames every reference: edges, patterns, tools, allow lists, example and layout', () => {
    const swarm = renameNode(template('swarm'), 'deliberation', 'debate');
    expect(swarm.ok).toBe(true);
    if (!swarm.ok) return;
    expect(swarm.topology.spec.agents[0]!.pattern?.blackboard).toBe('debate');
    expect(swarm.topology.spec.agents[1]!.blackboards).toEqual(['debate']);
    expect(swarm.topology.layout.nodes['debate']).toEqual({ x: 660, y: 360 });
    expect(errors(swarm.topology)).toEqual([]);

    const coordinator = renameNode(template('coordinator'), 'product_agent', 'catalog');
    if (!coordinator.ok) throw new Error(coordinator.reason);
    const t = coordinator.topology;
    expect(t.spec.edges[0]).toMatchObject({ from: 'coordinator', to: 'catalog' });
    expect(t.spec.tools[0]!.allow).toEqual(['catalog']);
    expect(errors(t)).toEqual([]);
    const renamedTarget = renameNode(t, 'coordinator', 'boss');
    expect(renamedTarget.ok && renamedTarget.topology.metadata.example?.to).toBe('boss');
  });

  it('moves subscriptions to a blackboard’s implicit bucket and MCP tool entries along', () => {
    const t = renameNode(template('blackboard'), 'research', 'notes');
    expect(t.ok && t.topology.spec.edges.map((e) => e.subject)).toEqual(['$KV.notes.facts', '$KV.notes.analysis']);
    const { t: base } = build(['agent', 0], ['mcp', 200]);
    const withServer = renameNode(connected(base, 'agent_1', 'mcp_server_1'), 'mcp_server_1', 'files');
    expect(withServer.ok && withServer.topology.spec.agents[0]!.tools).toEqual(['files/*']);
  });

  it('refuses clashing or invalid names', () => {
    const t = template('coordinator');
    expect(renameNode(t, 'coordinator', 'order_agent')).toMatchObject({ ok: false, reason: expect.stringMatching(/already/) });
    expect(renameNode(t, 'coordinator', 'a.b')).toMatchObject({ ok: false });
    expect(renameNode(t, 'nobody', 'x')).toMatchObject({ ok: false });
  });
});

describe('positions', () => {
  it('moves, snaps and nudges, starting unsaved nodes from where they are shown', () => {
    const t = template('coordinator');
    expect(snap({ x: 31, y: 49 })).toEqual({ x: 40, y: 40 });
    expect(moveNodes(t, { coordinator: { x: 80, y: 180 } })).toBe(t);
    const moved = moveNodes(t, { coordinator: { x: 100, y: 200 } });
    expect(moved.layout.nodes['coordinator']).toEqual({ x: 100, y: 200 });
    const { t: bare } = build(['agent', 0]);
    const unsaved = { ...bare, layout: { nodes: {} } };
    const nudged = nudgeNodes(unsaved, ['agent_1'], 10, 0, { agent_1: { x: 300, y: 40 } });
    expect(nudged.layout.nodes['agent_1']).toEqual({ x: 310, y: 40 });
    expect(nudgeNodes(unsaved, ['agent_1'], 10, 0)).toBe(unsaved);
  });
});

describe('copy, paste and duplicate', () => {
  it('duplicates nodes with the lines among them, renamed and offset', () => {
    const t = template('coordinator');
    const { topology, names } = duplicateNodes(t, ['coordinator', 'order_agent', 'get_order_status']);
    expect(names).toEqual(['coordinator_2', 'order_agent_2', 'get_order_status_2']);
    expect(topology.spec.edges.at(-1)).toEqual({ from: 'coordinator_2', to: 'order_agent_2', kind: 'request' });
    expect(topology.spec.agents.find((a) => a.name === 'order_agent_2')!.tools).toEqual(['get_order_status_2']);
    expect(topology.spec.tools.find((x) => x.name === 'get_order_status_2')!.allow).toEqual(['order_agent_2']);
    expect(topology.layout.nodes['coordinator_2']).toEqual({ x: 120, y: 220 });
    expect(errors(topology)).toEqual([]);
    roundTrips(topology);
  });

  it('keeps references to nodes still present, and allows the copy the same tools', () => {
    const t = template('coordinator');
    const { topology } = duplicateNodes(t, ['product_agent']);
    expect(topology.spec.agents.at(-1)!.tools).toEqual(['search_catalog']);
    expect(topology.spec.tools[0]!.allow).toEqual(['product_agent', 'product_agent_2']);
    expect(errors(topology)).toEqual([]);
  });

  it('pastes into another topology, bringing model settings and dropping dangling references', () => {
    const fragment = copyFragment(template('swarm'), ['optimist', 'dispatcher']);
    const target = build(['agent', 0]).t;
    const withLlm = { ...target, spec: { ...target.spec, llms: { cloud: { provider: 'openai' as const, model: 'gpt-4o' } } } };
    const { topology, names } = pasteFragment(withLlm, fragment);
    expect(names).toEqual(['dispatcher', 'optimist']);
    expect(Object.keys(topology.spec.llms)).toEqual(['cloud', 'offline']);
    expect(topology.spec.agents.find((a) => a.name === 'optimist')!.blackboards).toEqual([]);
    expect(topology.spec.agents.find((a) => a.name === 'dispatcher')!.pattern?.peers).toEqual(['optimist']);
    expect(topology.spec.edges).toEqual([{ from: 'dispatcher', to: 'optimist', kind: 'broadcast' }]);
  });
});

describe('updateNode', () => {
  it('sets and removes fields, never the name, and returns the same topology for no-ops', () => {
    const t = template('coordinator');
    const next = updateNode(t, 'order_agent', { replicas: 3, description: 'x' });
    expect(next.spec.agents[2]).toMatchObject({ name: 'order_agent', replicas: 3, description: 'x' });
    expect(updateNode(next, 'order_agent', { replicas: 3 })).toBe(next);
    expect(updateNode(t, 'nobody', { description: 'x' })).toBe(t);
    expect(updateNode(t, 'order_agent', { budget: undefined })).toBe(t);
    const invalid = updateNode(t, 'order_agent', { llm: 'missing' });
    expect(errors(invalid).map((p) => p.path)).toEqual([['spec', 'agents', 2, 'llm']]);
  });
});

describe('problems on the canvas', () => {
  it('points problems at the node or line they are about', () => {
    const t = updateNode(template('coordinator'), 'order_agent', { llm: 'missing', tools: ['get_order_status', 'nope'] });
    const problems = validateTopology(t);
    const byElement = problemsByElement(t, problems);
    expect([...byElement.keys()]).toEqual(['node:order_agent']);
    expect(problemTarget(t, { path: ['spec', 'edges', 1, 'to'] })).toEqual({ type: 'edge', id: 'request:coordinator->order_agent' });
    expect(problemTarget(t, { path: ['spec', 'agents', 1, 'tools', 0] })).toEqual({ type: 'edge', id: 'tool:product_agent->search_catalog' });
    expect(problemTarget(t, { path: ['metadata', 'name'] })).toBeNull();
  });

  it('marks a request edge to an external agent that stops answering', () => {
    const { t } = build(['agent', 0], ['external', 200]);
    const next = updateNode(connected(t, 'agent_1', 'external_agent_1'), 'external_agent_1', { answers: false });
    expect([...problemsByElement(next, validateTopology(next)).keys()]).toEqual(['edge:request:agent_1->external_agent_1']);
  });
});

describe('subjects', () => {
  it('renders each line’s subject from the profile', () => {
    const t = template('swarm');
    const line = (kind: Parameters<typeof connectionSubject>[1]['kind'], from: string, to: string, detail?: string) => connectionSubject(t, { kind, from, to, ...(detail && { detail }) });
    expect(line('request', 'dispatcher', 'finalizer')).toBe('agents.request.finalizer');
    expect(line('handoff', 'optimist', 'skeptic')).toBe('agents.handoff.optimist.to.skeptic');
    expect(line('broadcast', 'optimist', 'skeptic')).toBe('agents.all');
    expect(line('watch', 'deliberation', 'finalizer', 'round.>')).toBe('$KV.deliberation.round.>');
    const seed001 = { ...t, spec: { ...t.spec, profile: 'seed-001' as const } };
    expect(connectionSubject(seed001, { kind: 'request', from: 'a', to: 'b' })).toBe('agent.b.task');
    expect(connectionSubject(seed001, { kind: 'direct', from: 'a', to: 'b' })).toMatch(/no direct subjects/);
  });
});

describe('disconnect', () => {
  it('leaves the topology alone for unknown ids', () => {
    const t = template('swarm');
    expect(disconnect(t, ['nope'])).toBe(t);
  });
});

describe('auto-layout', () => {
  it('places every node, on the grid, without overlaps, agents before the tools they call', () => {
    const t = template('coordinator');
    const positions = layoutGraph(layoutRequest(t, {}));
    const names = listNodes(t).map((n) => n.name);
    expect(Object.keys(positions).sort()).toEqual([...names].sort());
    for (const p of Object.values(positions)) expect([p.x % 20, p.y % 20]).toEqual([0, 0]);
    const boxes = Object.values(positions);
    for (const [i, a] of boxes.entries()) for (const b of boxes.slice(i + 1)) expect(Math.abs(a.x - b.x) >= 220 || Math.abs(a.y - b.y) >= 90).toBe(true);
    expect(positions['coordinator']!.x).toBeLessThan(positions['product_agent']!.x);
    expect(positions['product_agent']!.x).toBeLessThan(positions['search_catalog']!.x);
  });

  it('puts a watched blackboard after the agent that watches it', () => {
    const t = template('blackboard');
    const positions = layoutGraph(layoutRequest(t, {}));
    expect(positions['analyst']!.x).toBeLessThan(positions['research']!.x);
  });
});

describe('fuzzy command matching', () => {
  it('matches letters in order and ranks word starts and runs first', () => {
    expect(fuzzyMatch('selall', 'Edit: Select all')?.positions).toEqual([6, 7, 8, 13, 14, 15]);
    expect(fuzzyMatch('xyz', 'Edit: Select all')).toBeNull();
    const undo = fuzzyMatch('un', 'Edit: Undo')!.score;
    const nudge = fuzzyMatch('un', 'Arrange: Nudge down')!.score;
    expect(undo).toBeGreaterThan(nudge);
    expect(fuzzyMatch('', 'anything')).toEqual({ score: 0, positions: [] });
  });
});
