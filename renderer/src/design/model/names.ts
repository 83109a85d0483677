/** Node names: valid (one NATS subject token, per the schema) and unique across every kind. */
import { McpServerSchema, NodeNameSchema } from '../../../../agents/topology/schema';
import type { Topology } from '../../../../agents/topology/schema';
import { nodeNames, type NodeKind } from './node-kinds';

/** The base of generated names for each kind (`agent_1`, `tool_2`). */
const NAME_BASE: Record<NodeKind, string> = {
  agent: 'agent',
  external: 'external_agent',
  tool: 'tool',
  mcp: 'mcp_server',
  blackboard: 'blackboard',
};

/** `base` if free, else `base_2`, `base_3`… (an existing numeric suffix is continued). */
export function uniqueName(base: string, taken: ReadonlySet<string>, options: { alwaysNumber?: boolean } = {}): string {
  if (!options.alwaysNumber && !taken.has(base)) return base;
  const match = /^(.*?)_(\d+)$/.exec(base);
  const stem = match ? match[1]! : base;
  let n = match ? Number(match[2]) + 1 : options.alwaysNumber ? 1 : 2;
  while (taken.has(`${stem}_${n}`)) n++;
  return `${stem}_${n}`;
}

/** A fresh name for a new node of `kind` (`agent_1`, `agent_2`…). */
export const newNodeName = (topology: Topology, kind: NodeKind): string => uniqueName(NAME_BASE[kind], nodeNames(topology), { alwaysNumber: true });

/** Why `name` cannot name a node of `kind` in `topology` (ignoring the node now called `current`), or null. */
export function nameProblem(topology: Topology, kind: NodeKind, name: string, current?: string): string | null {
  const parsed = (kind === 'mcp' ? McpServerSchema.shape.name : NodeNameSchema).safeParse(name);
  if (!parsed.success) return name === '' ? 'A name is required.' : (parsed.error.issues[0]?.message ?? 'Not a valid name.');
  if (name !== current && nodeNames(topology).has(name)) return `"${name}" is already the name of another node.`;
  return null;
}
