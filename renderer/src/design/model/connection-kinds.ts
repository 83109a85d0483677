/**
 * What a line drawn between two nodes can mean. Besides the channel edges of `spec.edges`, some
 * lines stand for references the file keeps on the agent: "may call this tool" (`tools`),
 * "reads and writes this blackboard" (`blackboards`) and "starts on updates of this blackboard"
 * (`pattern.watch`).
 */
import type { EdgeKind } from '../../../../agents/topology/schema';
import { KIND_LABEL, withArticle, type NodeKind } from './node-kinds';

/** A reference kept on an agent, drawn as a line. */
export type ReferenceKind = 'tool' | 'blackboard' | 'watch';

/** Anything a line on the canvas can be. */
export type ConnectionKind = EdgeKind | ReferenceKind;

/** Every connection kind, channels first. */
export const CONNECTION_KINDS: readonly ConnectionKind[] = ['request', 'direct', 'handoff', 'broadcast', 'subscribe', 'tool', 'blackboard', 'watch'];

/** True for the kinds stored in `spec.edges`. */
export const isChannelKind = (kind: ConnectionKind): kind is EdgeKind => !['tool', 'blackboard', 'watch'].includes(kind);

/** How each kind is named in menus and tooltips. */
export const CONNECTION_LABEL: Record<ConnectionKind, string> = {
  request: 'Request',
  direct: 'Direct message',
  handoff: 'Handoff',
  broadcast: 'Broadcast',
  subscribe: 'Subscribe',
  tool: 'May call tool',
  blackboard: 'Reads/writes blackboard',
  watch: 'Watches blackboard',
};

/** What the ends of a line must allow, beyond their kinds. */
export interface ConnectContext {
  /** The topology's subject profile: seed-001 has no direct subjects (no direct or handoff). */
  profile?: string;
  /** For an external agent at the far end: whether it answers requests. */
  answers?: boolean;
}

/** The kinds a line from → to may have (the first is the default), or why none. */
export type AllowedKinds = { ok: true; kinds: ConnectionKind[] } | { ok: false; reason: string };

const TALKERS: readonly NodeKind[] = ['agent', 'external'];

/** The kinds of line allowed from a node of kind `from` to one of kind `to`. */
export function allowedEdgeKinds(from: NodeKind, to: NodeKind, context: ConnectContext = {}): AllowedKinds {
  const refuse = (reason: string): AllowedKinds => ({ ok: false, reason });
  if (from === 'tool' || from === 'mcp') {
    return to === 'agent'
      ? refuse(`Connect from the agent to the ${KIND_LABEL[from]}: agents call tools, not the other way round.`)
      : refuse(`${capitalize(withArticle(from))} starts nothing; only agents call its tools.`);
  }
  if (from === 'blackboard') {
    if (to === 'agent') return { ok: true, kinds: ['watch', 'subscribe'] };
    return refuse(`Only agents this topology starts can watch a blackboard, not ${withArticle(to)}.`);
  }
  // From here `from` is an agent or an external agent.
  if (to === 'tool' || to === 'mcp') {
    return from === 'agent' ? { ok: true, kinds: ['tool'] } : refuse(`An external agent calls tools in its own process; only agents this topology starts are given ${KIND_LABEL[to]}s.`);
  }
  if (to === 'blackboard') {
    return from === 'agent' ? { ok: true, kinds: ['blackboard'] } : refuse('An external agent brings its own storage; only agents this topology starts are given blackboards.');
  }
  if (!TALKERS.includes(to)) return refuse(`Cannot connect ${withArticle(from)} to ${withArticle(to)}.`);
  const direct = context.profile !== 'seed-001';
  const kinds: ConnectionKind[] = [];
  if (to === 'agent' || context.answers !== false) kinds.push('request');
  if (direct) kinds.push('direct', 'handoff');
  kinds.push('broadcast');
  if (to === 'agent') kinds.push('subscribe');
  return { ok: true, kinds };
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
