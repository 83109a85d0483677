/**
 * The topology as React Flow nodes and edges. Unchanged nodes and lines keep their object
 * identity between builds (React Flow then skips them), which is what keeps a 500-node canvas
 * quick while one node is edited or dragged.
 */
import type { Topology } from '../../../../agents/topology/schema';
import type { Problem } from '../../../../agents/topology/validate';
import type { AgentStatus } from '../../stores/design-store';
import { listConnections } from '../model/connections';
import { listNodes } from '../model/node-kinds';
import type { Point } from '../model/positions';
import { elementKey } from '../model/problem-targets';
import type { LineOverlay } from '../../live/overlays';
import type { AgentLive, DesignEdge, DesignNode } from './flow-types';
import { LINE_STYLE, marker } from './line-style';

/** What a build needs besides the topology. */
export interface BuildInput {
  topology: Topology;
  /** Problems by element key (`node:name`, `edge:id`). */
  problems: Map<string, Problem[]>;
  selectedNodes: ReadonlySet<string>;
  selectedEdges: ReadonlySet<string>;
  /** Where each node is drawn (saved, auto-laid-out, or being dragged). */
  position: (name: string, index: number) => Point;
  measured: ReadonlyMap<string, { width: number; height: number }>;
  status: Readonly<Record<string, AgentStatus>>;
  /** The run the canvas shows, when there is one (live-elements.ts). */
  live: LiveInput | null;
}

/** What a shown run adds to the nodes and lines. */
export interface LiveInput {
  agents: Readonly<Record<string, AgentLive>>;
  lines: Readonly<Record<string, LineOverlay>>;
  /** Lines the selected trace record (or a picked finding) travelled on. */
  highlighted: ReadonlySet<string>;
}

/** Objects from the previous build, by id, with the inputs they were made from. */
export interface BuildCache {
  nodes: Map<string, { node: DesignNode; key: unknown[] }>;
  edges: Map<string, { edge: DesignEdge; key: unknown[] }>;
}

/** An empty cache. */
export const newBuildCache = (): BuildCache => ({ nodes: new Map(), edges: new Map() });

const NO_PROBLEMS: Problem[] = [];

/** The nodes of a topology. */
export function buildNodes(input: BuildInput, cache: BuildCache): DesignNode[] {
  const { topology } = input;
  const next = new Map<string, { node: DesignNode; key: unknown[] }>();
  const nodes = listNodes(topology).map((ref, index) => {
    const problems = input.problems.get(elementKey({ type: 'node', id: ref.name })) ?? NO_PROBLEMS;
    const position = input.position(ref.name, index);
    const model = ref.kind === 'agent' ? modelLabel(topology, ref.spec.llm) : undefined;
    const status = ref.kind === 'agent' ? input.status[ref.name] : undefined;
    const servedA2a = ref.kind === 'agent' ? (ref.spec.a2a ?? topology.spec.a2a?.exposeAll ?? false) : undefined;
    const measured = input.measured.get(ref.name);
    const selected = input.selectedNodes.has(ref.name);
    const live = ref.kind === 'agent' || ref.kind === 'external' ? input.live?.agents[ref.name] : undefined;
    const key = [ref.kind, ref.spec, position.x, position.y, selected, problemKey(problems), model, servedA2a, status, measured?.width, measured?.height, live && JSON.stringify(live)];
    const previous = cache.nodes.get(ref.name);
    const node: DesignNode =
      previous && sameKey(previous.key, key)
        ? previous.node
        : ({
            id: ref.name,
            type: ref.kind,
            position,
            selected,
            data: { kind: ref.kind, spec: ref.spec, problems, ...(model !== undefined && { model }), ...(servedA2a && { servedA2a }), ...(status !== undefined && { status }), ...(live && { live }) },
            ...(measured && { measured }),
          } as DesignNode);
    next.set(ref.name, { node, key });
    return node;
  });
  cache.nodes = next;
  return nodes;
}

/** The lines of a topology whose two ends are nodes (an edge to nothing is listed in Problems). */
export function buildEdges(input: BuildInput, cache: BuildCache): DesignEdge[] {
  const names = new Set(listNodes(input.topology).map((n) => n.name));
  const next = new Map<string, { edge: DesignEdge; key: unknown[] }>();
  const edges: DesignEdge[] = [];
  for (const line of listConnections(input.topology)) {
    if (!names.has(line.from) || !names.has(line.to) || line.from === line.to) continue;
    const problems = input.problems.get(elementKey({ type: 'edge', id: line.id })) ?? NO_PROBLEMS;
    const selected = input.selectedEdges.has(line.id);
    const overlay = input.live?.lines[line.id];
    const highlighted = input.live?.highlighted.has(line.id) ?? false;
    const live = overlay || highlighted ? { ...(overlay ?? { count: 0, unused: false, noResponder: 0 }), highlighted } : undefined;
    const key = [line.kind, line.from, line.to, line.detail, selected, problemKey(problems), overlay?.count, overlay?.unused, overlay?.noResponder, highlighted];
    const previous = cache.edges.get(line.id);
    let edge = previous?.edge;
    if (!previous || !sameKey(previous.key, key)) {
      const invalid = problems.some((p) => p.severity === 'error');
      const end = marker(line.kind, invalid);
      edge = {
        id: line.id,
        source: line.from,
        target: line.to,
        type: 'line',
        selected,
        data: { kind: line.kind, problems, ...(line.detail !== undefined && { detail: line.detail }), ...(live && { live }) },
        ...(end && { markerEnd: end }),
        ...(end && LINE_STYLE[line.kind].both && { markerStart: end }),
        // Lines with errors and selected lines draw above the others.
        zIndex: invalid || selected || highlighted ? 1 : 0,
      };
    }
    next.set(line.id, { edge: edge!, key });
    edges.push(edge!);
  }
  cache.edges = next;
  return edges;
}

/** "scripted", "openai · gpt-4o", or "? name" for settings that do not exist. */
function modelLabel(topology: Topology, llm: string): string {
  const settings = topology.spec.llms[llm];
  if (!settings) return `? ${llm}`;
  return settings.model ? `${settings.provider} · ${settings.model}` : settings.provider;
}

const problemKey = (problems: Problem[]) => (problems.length ? problems.map((p) => `${p.severity}:${p.message}`).join('\n') : '');
const sameKey = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
