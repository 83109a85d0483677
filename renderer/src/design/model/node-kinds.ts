/**
 * The canvas's view of a topology: every agent, external agent, tool, MCP server and blackboard is
 * a node whose id is its `name` (names are unique across kinds, so one name finds one node).
 */
import type { Topology } from '../../../../agents/topology/schema';

/** The kinds of node a topology is drawn with. */
export type NodeKind = 'agent' | 'external' | 'tool' | 'mcp' | 'blackboard';

/** Every node kind, in palette order. */
export const NODE_KINDS: readonly NodeKind[] = ['agent', 'external', 'tool', 'mcp', 'blackboard'];

type Spec = Topology['spec'];

/** The spec list each kind lives in. */
const LIST_OF = {
  agent: 'agents',
  external: 'externalAgents',
  tool: 'tools',
  mcp: 'mcpServers',
  blackboard: 'blackboards',
} as const satisfies Record<NodeKind, keyof Spec>;

/** The spec entry type of each kind. */
export interface NodeSpecOf {
  agent: Spec['agents'][number];
  external: Spec['externalAgents'][number];
  tool: Spec['tools'][number];
  mcp: Spec['mcpServers'][number];
  blackboard: Spec['blackboards'][number];
}

/** One node: its kind, its index in its spec list, and its spec entry. */
export type NodeRef = { [K in NodeKind]: { kind: K; name: string; index: number; spec: NodeSpecOf[K] } }[NodeKind];

/** How each kind is called in sentences ("an external agent"). */
export const KIND_LABEL: Record<NodeKind, string> = {
  agent: 'agent',
  external: 'external agent',
  tool: 'tool',
  mcp: 'MCP server',
  blackboard: 'blackboard',
};

/** "an agent", "a tool". */
export const withArticle = (kind: NodeKind) => `${/^[aeiou]/i.test(KIND_LABEL[kind]) || kind === 'mcp' ? 'an' : 'a'} ${KIND_LABEL[kind]}`;

/** Every node of a topology, kinds in palette order, each list in file order. */
export function listNodes(topology: Topology): NodeRef[] {
  const spec = topology.spec;
  return [
    ...spec.agents.map((s, index) => ({ kind: 'agent' as const, name: s.name, index, spec: s })),
    ...spec.externalAgents.map((s, index) => ({ kind: 'external' as const, name: s.name, index, spec: s })),
    ...spec.tools.map((s, index) => ({ kind: 'tool' as const, name: s.name, index, spec: s })),
    ...spec.mcpServers.map((s, index) => ({ kind: 'mcp' as const, name: s.name, index, spec: s })),
    ...spec.blackboards.map((s, index) => ({ kind: 'blackboard' as const, name: s.name, index, spec: s })),
  ];
}

/** The node called `name` (the first, should a broken file declare it twice), or null. */
export function findNode(topology: Topology, name: string): NodeRef | null {
  return listNodes(topology).find((n) => n.name === name) ?? null;
}

/** Every node name in use. */
export const nodeNames = (topology: Topology): Set<string> => new Set(listNodes(topology).map((n) => n.name));

/** The kind of the list a spec path starts with (`['spec','tools',2]` → tool), or null. */
export function kindOfList(list: string | number | undefined): NodeKind | null {
  const entry = Object.entries(LIST_OF).find(([, key]) => key === list);
  return entry ? (entry[0] as NodeKind) : null;
}

/** The topology with one spec list replaced (immutably). */
export function withList<K extends NodeKind>(topology: Topology, kind: K, list: NodeSpecOf[K][]): Topology {
  return { ...topology, spec: { ...topology.spec, [LIST_OF[kind]]: list } };
}

/** The spec list of a kind. */
export const listOf = <K extends NodeKind>(topology: Topology, kind: K): NodeSpecOf[K][] => topology.spec[LIST_OF[kind]] as NodeSpecOf[K][];
