/** The lines of a topology (channel edges and agent references), and drawing and erasing them. */
import type { EdgeKind, Topology } from '../../../../agents/topology/schema';
import { allowedEdgeKinds, CONNECTION_LABEL, isChannelKind, type ConnectionKind } from './connection-kinds';
import { findNode, withList, type NodeSpecOf } from './node-kinds';

type Agent = NodeSpecOf['agent'];

/** Where a line is stored in the file. */
export type ConnectionSource =
  | { type: 'edge'; index: number }
  | { type: 'tool'; agent: number; entry: string }
  | { type: 'blackboard'; agent: number; entry: string }
  | { type: 'watch'; agent: number; index: number };

/** One line on the canvas; `id` is stable across edits that do not touch it. */
export interface Connection {
  id: string;
  kind: ConnectionKind;
  from: string;
  to: string;
  source: ConnectionSource;
  /** A tool reference's entry (`search`, `files/*`), a watch's key, a subscribe edge's subject. */
  detail?: string;
}

/** The id of a channel edge: kind, ends, and `#n` for the nth repeat of the same triple. */
const channelId = (kind: string, from: string, to: string, repeat = 1) => `${kind}:${from}->${to}${repeat > 1 ? `#${repeat}` : ''}`;

/** Every line of a topology: its edges, then each agent's tools, blackboards and watches. */
export function listConnections(topology: Topology): Connection[] {
  const spec = topology.spec;
  const out: Connection[] = [];
  const seen = new Map<string, number>();
  const unique = (id: string) => {
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    return n > 1 ? `${id}#${n}` : id;
  };
  spec.edges.forEach((e, index) => {
    out.push({ id: unique(channelId(e.kind, e.from, e.to)), kind: e.kind, from: e.from, to: e.to, source: { type: 'edge', index }, ...(e.subject !== undefined && { detail: e.subject }) });
  });
  const tools = new Set(spec.tools.map((t) => t.name));
  const servers = new Set(spec.mcpServers.map((s) => s.name));
  const boards = new Set(spec.blackboards.map((b) => b.name));
  spec.agents.forEach((agent, a) => {
    for (const entry of agent.tools) {
      const target = entry.includes('/') ? entry.split('/')[0]! : entry;
      if (entry.includes('/') ? servers.has(target) : tools.has(target)) {
        out.push({ id: unique(`tool:${agent.name}->${entry}`), kind: 'tool', from: agent.name, to: target, source: { type: 'tool', agent: a, entry }, detail: entry });
      }
    }
    for (const entry of agent.blackboards) {
      if (boards.has(entry)) out.push({ id: unique(`blackboard:${agent.name}->${entry}`), kind: 'blackboard', from: agent.name, to: entry, source: { type: 'blackboard', agent: a, entry } });
    }
    agent.pattern?.watch?.forEach((w, index) => {
      if (boards.has(w.blackboard)) {
        out.push({ id: unique(`watch:${w.blackboard}->${agent.name}`), kind: 'watch', from: w.blackboard, to: agent.name, source: { type: 'watch', agent: a, index }, detail: w.key });
      }
    });
  });
  return out;
}

/** The kinds still available between two existing nodes (the first is the default), or why none. */
export function allowedBetween(topology: Topology, from: string, to: string): { ok: true; kinds: ConnectionKind[] } | { ok: false; reason: string } {
  const a = findNode(topology, from);
  const b = findNode(topology, to);
  if (!a || !b) return { ok: false, reason: `There is no node called "${a ? to : from}".` };
  if (from === to) return { ok: false, reason: 'A node cannot be connected to itself.' };
  const allowed = allowedEdgeKinds(a.kind, b.kind, { profile: topology.spec.profile, ...(b.kind === 'external' && { answers: b.spec.answers }) });
  if (!allowed.ok) return allowed;
  // One MCP tool (`files/read`) listed already does not stop granting the whole server (`files/*`).
  const existing = listConnections(topology).filter((c) => c.from === from && c.to === to && !(c.kind === 'tool' && c.detail?.includes('/') && c.detail !== `${to}/*`));
  const kinds = allowed.kinds.filter((k) => !existing.some((c) => c.kind === k));
  if (kinds.length === 0) return { ok: false, reason: `${from} and ${to} are already connected (${existing.map((c) => CONNECTION_LABEL[c.kind].toLowerCase()).join(', ')}).` };
  return { ok: true, kinds };
}

/** What connecting produced: the topology and the new line's id, or why it was refused. */
export type ConnectResult = { ok: true; topology: Topology; id: string; kinds: ConnectionKind[] } | { ok: false; reason: string };

/**
 * Draws a line from → to of `kind` (default: the first allowed). A line dragged from a tool or an
 * MCP server to an agent is read the right way round (the agent may call it). `kinds` lists every
 * kind the line could have had, for the "change kind" popover.
 */
export function connect(topology: Topology, from: string, to: string, kind?: ConnectionKind): ConnectResult {
  const reversed = ['tool', 'mcp'].includes(findNode(topology, from)?.kind ?? '') && findNode(topology, to)?.kind === 'agent';
  if (reversed) [from, to] = [to, from];
  const allowed = allowedBetween(topology, from, to);
  if (!allowed.ok) return allowed;
  const chosen = kind ?? allowed.kinds[0]!;
  if (!allowed.kinds.includes(chosen)) return { ok: false, reason: `A ${CONNECTION_LABEL[chosen].toLowerCase()} line cannot go from ${from} to ${to}.` };
  const next = addConnection(topology, from, to, chosen);
  const before = new Set(listConnections(topology).map((c) => c.id));
  const made = listConnections(next).find((c) => c.kind === chosen && c.from === from && c.to === to && !before.has(c.id));
  return { ok: true, topology: next, id: made?.id ?? '', kinds: allowed.kinds };
}

function addConnection(topology: Topology, from: string, to: string, kind: ConnectionKind): Topology {
  if (isChannelKind(kind)) {
    const edge = { from, to, kind, ...(kind === 'subscribe' && { subject: defaultSubscribeSubject(topology, from) }) };
    return { ...topology, spec: { ...topology.spec, edges: [...topology.spec.edges, edge] } };
  }
  if (kind === 'watch') return updateAgent(topology, to, (a) => ({ ...a, pattern: { ...a.pattern, watch: [...(a.pattern?.watch ?? []), { blackboard: from, key: '>' }] } }));
  if (kind === 'blackboard') return updateAgent(topology, from, (a) => ({ ...a, blackboards: [...a.blackboards, to] }));
  // A tool: a declared tool by name; an MCP server's tools all at once. A tool that names the
  // agents allowed to call it gets this one added, or the line would be an error.
  const server = findNode(topology, to)?.kind === 'mcp';
  const next = updateAgent(topology, from, (a) => ({ ...a, tools: [...a.tools, server ? `${to}/*` : to] }));
  const tool = next.spec.tools.find((t) => t.name === to);
  if (!tool?.allow || tool.allow.includes(from)) return next;
  return withList(next, 'tool', next.spec.tools.map((t) => (t === tool ? { ...t, allow: [...t.allow!, from] } : t)));
}

/** What a new subscribe edge listens on: the source blackboard's bucket, or the source's own events. */
export function defaultSubscribeSubject(topology: Topology, from: string): string {
  const board = topology.spec.blackboards.find((b) => b.name === from);
  if (board) return `$KV.${board.bucket ?? board.name}.>`;
  const firstBoard = topology.spec.agents.find((a) => a.name === from)?.blackboards[0];
  const bucket = topology.spec.blackboards.find((b) => b.name === firstBoard);
  return bucket ? `$KV.${bucket.bucket ?? bucket.name}.>` : `events.${from}.>`;
}

/** The topology with the agent called `name` changed by `change`. */
export function updateAgent(topology: Topology, name: string, change: (agent: Agent) => Agent): Topology {
  const agents = topology.spec.agents.map((a) => (a.name === name ? change(a) : a));
  return withList(topology, 'agent', agents);
}

/** Removes lines by id (edges from `spec.edges`, references from their agents). */
export function disconnect(topology: Topology, ids: Iterable<string>): Topology {
  const wanted = new Set(ids);
  const gone = listConnections(topology).filter((c) => wanted.has(c.id));
  if (gone.length === 0) return topology;
  const edgeIndexes = new Set(gone.flatMap((c) => (c.source.type === 'edge' ? [c.source.index] : [])));
  const byAgent = (type: ConnectionSource['type'], a: number) => gone.filter((c) => c.source.type === type && 'agent' in c.source && c.source.agent === a);
  const agents = topology.spec.agents.map((agent, a) => {
    const tools = new Set(byAgent('tool', a).map((c) => (c.source as { entry: string }).entry));
    const boards = new Set(byAgent('blackboard', a).map((c) => (c.source as { entry: string }).entry));
    const watches = new Set(byAgent('watch', a).map((c) => (c.source as { index: number }).index));
    if (!tools.size && !boards.size && !watches.size) return agent;
    const next: Agent = { ...agent, tools: agent.tools.filter((t) => !tools.has(t)), blackboards: agent.blackboards.filter((b) => !boards.has(b)) };
    if (watches.size && agent.pattern?.watch) {
      const pattern = withoutEmpty({ ...agent.pattern, watch: agent.pattern.watch.filter((_, i) => !watches.has(i)) });
      if (pattern) next.pattern = pattern;
      else delete next.pattern;
    }
    return next;
  });
  return { ...topology, spec: { ...topology.spec, agents, edges: topology.spec.edges.filter((_, i) => !edgeIndexes.has(i)) } };
}

/** Gives a line another kind (erase and redraw between the same ends); refused kinds say why. */
export function setConnectionKind(topology: Topology, id: string, kind: ConnectionKind): ConnectResult {
  const line = listConnections(topology).find((c) => c.id === id);
  if (!line) return { ok: false, reason: 'That line no longer exists.' };
  if (line.kind === kind) return { ok: true, topology, id, kinds: [kind] };
  return connect(disconnect(topology, [id]), line.from, line.to, kind);
}

/** Updates fields of the channel edge at `index` (not its ends: those are what a line is). */
export function updateEdge(topology: Topology, index: number, patch: { kind?: EdgeKind; subject?: string | undefined; description?: string | undefined }): Topology {
  const edges = topology.spec.edges.map((e, i) => {
    if (i !== index) return e;
    const next = { ...e, ...patch };
    for (const key of ['subject', 'description'] as const) if (next[key] === undefined) delete next[key];
    return next;
  });
  return { ...topology, spec: { ...topology.spec, edges } };
}

/** A pattern with its empty lists dropped, or undefined when nothing is left. */
export function withoutEmpty<T extends object>(pattern: T): T | undefined {
  const entries = Object.entries(pattern).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0));
  return entries.length ? (Object.fromEntries(entries) as T) : undefined;
}

