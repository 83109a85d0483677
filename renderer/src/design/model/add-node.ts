/** New nodes and new documents, with the schema's defaults filled in. */
import {
  AgentSchema,
  API_VERSION,
  BlackboardSchema,
  ExternalAgentSchema,
  KIND,
  McpServerSchema,
  TopologySchema,
  ToolSchema,
  type Topology,
} from '../../../../agents/topology/schema';
import { newNodeName } from './names';
import { listOf, withList, type NodeKind, type NodeSpecOf } from './node-kinds';
import { moveNodes, type Point } from './positions';

/** The model settings new agents use when the topology declares none: offline, no key needed. */
const OFFLINE_LLM = { provider: 'scripted' } as const;

/** An empty topology (what "drop the first node on an empty canvas" starts from). */
export function emptyTopology(name = 'untitled'): Topology {
  return TopologySchema.parse({ apiVersion: API_VERSION, kind: KIND, metadata: { name }, spec: {} });
}

/** The spec entry of a new node of `kind` called `name`. */
function newNodeSpec<K extends NodeKind>(topology: Topology, kind: K, name: string): NodeSpecOf[K] {
  const specs: { [P in NodeKind]: () => NodeSpecOf[P] } = {
    agent: () => AgentSchema.parse({ name, llm: Object.keys(topology.spec.llms)[0] ?? 'offline' }),
    external: () => ExternalAgentSchema.parse({ name }),
    tool: () => ToolSchema.parse({ name }),
    // A placeholder command the user replaces; it is never run while designing.
    mcp: () => McpServerSchema.parse({ name, command: 'node', args: ['server.js'] }),
    blackboard: () => BlackboardSchema.parse({ name }),
  };
  return specs[kind]() as NodeSpecOf[K];
}

/** Adds a node of `kind` at `position` with a fresh unique name; returns the topology and the name. */
export function addNode(topology: Topology, kind: NodeKind, position: Point): { topology: Topology; name: string } {
  const name = newNodeName(topology, kind);
  let next = withList(topology, kind, [...listOf(topology, kind), newNodeSpec(topology, kind, name)]);
  if (kind === 'agent' && Object.keys(next.spec.llms).length === 0) {
    next = { ...next, spec: { ...next.spec, llms: { offline: OFFLINE_LLM } } };
  }
  return { topology: moveNodes(next, { [name]: position }), name };
}
