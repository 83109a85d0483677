/**
 * Designed vs observed on the canvas: the host's `trace.checkDesign` answer turned into what the
 * canvas draws over the topology (each line's count, lines never used, requests nobody answered,
 * dashed "undeclared" lines from their sender — or an "outside" node — to the agent or subject
 * they went to) and into the findings list beside it. Pure.
 */
import { profileFor } from '../../../agents/protocol/subjects';
import type { Topology } from '../../../agents/topology/schema';
import type { DesignCheck } from '../../../agents/trace/design-check';
import { requestSubjectPattern } from '../../../agents/trace/designed-vs-observed';
import type { Connection } from '../design/model/connections';
import { connectionSubject } from '../design/model/subjects';

/** The node undeclared traffic from outside the topology comes from. */
export const OUTSIDE_NODE = 'live:outside';
/** The most subject nodes drawn for undeclared subjects no agent receives (the rest are listed only). */
export const MAX_SUBJECT_NODES = 6;

/** What the canvas shows on a declared line. */
export interface LineOverlay {
  count: number;
  /** Never used in the run so far. */
  unused: boolean;
  /** Requests along it that found no responder. */
  noResponder: number;
}

/** A dashed line for traffic no edge declares. */
export type UndeclaredLine = {
  id: string;
  source: string;
  target: string;
  count: number;
  /** What travelled: edge kinds (`request`) and subjects. */
  labels: string[];
};

/** A node drawn only for the comparison: the outside world, or a subject no agent receives. */
export type OverlayNode = {
  id: string;
  kind: 'outside' | 'subject';
  label: string;
};

/** One finding of the list; a click selects `line` on the canvas, "trace" applies `filter`. */
export interface Finding {
  id: string;
  kind: 'undeclared-subject' | 'undeclared-flow' | 'unused-edge' | 'no-responder';
  text: string;
  count: number | null;
  /** A line of the topology or an undeclared line's id. */
  line: string | null;
  /** The trace filter that shows the records behind it. */
  filter: { subject: string; agent?: string };
}

/** Everything the canvas draws for a check. */
export interface CanvasOverlays {
  lines: Record<string, LineOverlay>;
  undeclared: UndeclaredLine[];
  nodes: OverlayNode[];
  /** Agents that requests went to unanswered, where no line carries them (entry requests). */
  flaggedNodes: Record<string, number>;
  findings: Finding[];
}

/** The id of a declared edge's line: by its place in `spec.edges` when that line still has its ends, else by kind and ends. */
function lineOfEdge(lines: readonly Connection[], edge: DesignCheck['edges'][number]): string | null {
  const same = (l: Connection) => l.kind === edge.kind && l.from === edge.from && l.to === edge.to;
  return (lines.find((l) => l.source.type === 'edge' && l.source.index === edge.index && same(l)) ?? lines.find(same))?.id ?? null;
}

/** The agent a subject addresses under the profile's request or direct template. */
export function subjectAgent(topology: Topology, subject: string): string | null {
  const profile = profileFor(topology.spec.profile, topology.spec.environment);
  if (!profile) return null;
  for (const template of [profile.request, profile.direct]) {
    const name = template ? requestSubjectPattern({ ...profile, request: template }).exec(subject)?.[1] : undefined;
    if (name) return name;
  }
  return null;
}

/** The node undeclared traffic is drawn from or to for `name`: its own when the canvas draws it, else the outside node. */
export const drawnNode = (nodes: ReadonlySet<string>, name: string | null): string => (name !== null && nodes.has(name) ? name : OUTSIDE_NODE);

/** The node of a subject no agent of the canvas receives. */
export const subjectNode = (subject: string): string => `live:subject:${subject}`;

/** The id of the undeclared line between two drawn nodes. */
export const undeclaredLineId = (source: string, target: string): string => `undeclared:${source}->${target}`;

/** The overlays and findings of `check` on `topology`, whose lines are `lines` and whose drawn nodes are `nodes`; `live` while the run goes on. */
export function canvasOverlays(check: DesignCheck, topology: Topology, lines: readonly Connection[], nodes: ReadonlySet<string>, live = false): CanvasOverlays {
  const result: CanvasOverlays = { lines: {}, undeclared: [], nodes: [], flaggedNodes: {}, findings: [] };
  if (!check.designed) return result;
  const used = check.seen > 0;
  for (const edge of check.edges) {
    const id = lineOfEdge(lines, edge);
    if (!id) continue;
    result.lines[id] = { count: edge.count, unused: used && edge.count === 0, noResponder: 0 };
    if (used && edge.count === 0) {
      const subject = connectionSubject(topology, edge);
      result.findings.push({ id: `unused:${id}`, kind: 'unused-edge', text: `${edge.kind} ${edge.from} → ${edge.to} ${live ? 'not used yet' : 'never used'}`, count: null, line: id, filter: { subject: edge.kind === 'subscribe' ? (edge.subject ?? '>') : subject } });
    }
  }

  // Undeclared traffic, merged by the pair of nodes it went between.
  const byPair = new Map<string, UndeclaredLine>();
  const nodeOf = (name: string | null) => drawnNode(nodes, name);
  const pair = (source: string, target: string, count: number, label: string) => {
    const id = undeclaredLineId(source, target);
    const line = byPair.get(id);
    if (!line) byPair.set(id, { id, source, target, count, labels: [label] });
    else {
      line.count = Math.max(line.count, count);
      if (!line.labels.includes(label)) line.labels.push(label);
    }
    return id;
  };
  for (const flow of check.undeclaredFlows) {
    const target = nodeOf(flow.to);
    const source = nodeOf(flow.from);
    const id = source === target ? null : pair(source, target, flow.count, flow.kind);
    const subject = connectionSubject(topology, flow);
    result.findings.push({ id: `flow:${flow.kind}:${flow.from}:${flow.to}`, kind: 'undeclared-flow', text: `${flow.kind} ${flow.from} → ${flow.to}: no ${flow.kind} edge declares it`, count: flow.count, line: id, filter: { subject, agent: flow.from } });
  }
  let subjectNodes = 0;
  for (const u of check.undeclaredSubjects) {
    const named = subjectAgent(topology, u.subject);
    let target: string | null = named && nodes.has(named) ? named : null;
    if (!target && subjectNodes < MAX_SUBJECT_NODES) {
      target = subjectNode(u.subject);
      result.nodes.push({ id: target, kind: 'subject', label: u.subject });
      subjectNodes++;
    }
    let line: string | null = null;
    if (target) for (const sender of u.senders.length ? u.senders : [null]) if (nodeOf(sender) !== target) line = pair(nodeOf(sender), target, u.count, u.subject);
    const from = u.senders.length ? ` from ${u.senders.join(', ')}` : ' from outside the topology';
    result.findings.push({ id: `subject:${u.subject}`, kind: 'undeclared-subject', text: `${u.subject}: no edge declares it${from}`, count: u.count, line, filter: { subject: u.subject } });
  }
  result.undeclared = [...byPair.values()];
  if (result.undeclared.some((l) => l.source === OUTSIDE_NODE)) result.nodes.unshift({ id: OUTSIDE_NODE, kind: 'outside', label: 'outside' });

  // Requests nobody answered: on their request line, else on the agent asked.
  const unanswered = new Map<string, { from: string | null; to: string; subject: string; count: number; example: DesignCheck['noResponder'][number] }>();
  for (const n of check.noResponder) {
    const key = `${n.from ?? ''}|${n.to}`;
    const entry = unanswered.get(key);
    if (entry) entry.count++;
    else unanswered.set(key, { from: n.from, to: n.to, subject: n.subject, count: 1, example: n });
  }
  for (const { from, to, subject, count, example } of unanswered.values()) {
    const id = from === null ? null : (lines.find((l) => l.kind === 'request' && l.from === from && l.to === to)?.id ?? null);
    if (id && result.lines[id]) result.lines[id].noResponder += count;
    else if (nodes.has(to)) result.flaggedNodes[to] = (result.flaggedNodes[to] ?? 0) + count;
    const why = example.status === 'no_responders' ? 'no responders' : example.targetSeen ? `no reply in time (${to} is on the bus)` : `no reply (${to} never appeared on the bus)`;
    result.findings.push({ id: `noreply:${from ?? ''}:${to}`, kind: 'no-responder', text: `request ${from ?? '?'} → ${to}: ${why}`, count, line: id, filter: { subject } });
  }
  return result;
}
