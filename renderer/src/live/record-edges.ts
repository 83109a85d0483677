/**
 * Which canvas lines a trace record travelled on: the tracker's own reading of a message
 * (designed-vs-observed.ts `messageHop`) looked up in the topology's lines, a reply on the request
 * line it answers, a broadcast on its sender's broadcast lines, a subject on every subscribe line
 * whose pattern matches it, and a tool call on the agent's tool line. Pure.
 */
import { profileFor, subjectMatches } from '../../../agents/protocol/subjects';
import type { Topology } from '../../../agents/topology/schema';
import type { DesignCheck } from '../../../agents/trace/design-check';
import { messageHop, requestSubjectPattern, externalRequestTargets, type ExternalTargets } from '../../../agents/trace/designed-vs-observed';
import type { TraceRecord } from '../../../agents/trace/record';
import { listConnections, type Connection } from '../design/model/connections';
import { listNodes } from '../design/model/node-kinds';
import { drawnNode, subjectAgent, subjectNode, undeclaredLineId } from './overlays';

/** A topology's lines, indexed for looking records up. */
export interface EdgeLookup {
  /** Line ids by `kind|from|to` (`broadcast|from` for broadcasts). */
  byKey: Map<string, string[]>;
  subscribe: { id: string; subject: string }[];
  /** Tool lines by `agent|tool or server`. */
  tools: Map<string, string[]>;
  requestPattern: RegExp | null;
  /** Request subjects of the external Synadia and A2A agents, to their node (a prompt travels the request line to it). */
  externalTargets: ExternalTargets;
  topology: Topology;
  /** The nodes the canvas draws. */
  nodes: ReadonlySet<string>;
}

/** What the host found undeclared so far, for looking records up: subjects, and flows as `kind|from|to`. */
export interface UndeclaredLookup {
  subjects: ReadonlySet<string>;
  flows: ReadonlySet<string>;
}

/** The undeclared traffic of a check, indexed. */
export const undeclaredLookup = (check: DesignCheck): UndeclaredLookup => ({
  subjects: new Set(check.undeclaredSubjects.map((u) => u.subject)),
  flows: new Set(check.undeclaredFlows.map((f) => `${f.kind}|${f.from}|${f.to}`)),
});

/** Indexes `topology`'s lines (`lines` when the caller has them already). */
export function edgeLookup(topology: Topology, lines: readonly Connection[] = listConnections(topology)): EdgeLookup {
  const byKey = new Map<string, string[]>();
  const tools = new Map<string, string[]>();
  const subscribe: EdgeLookup['subscribe'] = [];
  const add = (map: Map<string, string[]>, key: string, id: string) => map.set(key, [...(map.get(key) ?? []), id]);
  for (const line of lines) {
    if (line.kind === 'subscribe') {
      if (line.detail) subscribe.push({ id: line.id, subject: line.detail });
    } else if (line.kind === 'broadcast') add(byKey, `broadcast|${line.from}`, line.id);
    else if (line.kind === 'tool') add(tools, `${line.from}|${line.to}`, line.id);
    else if (line.kind === 'request' || line.kind === 'direct' || line.kind === 'handoff') add(byKey, `${line.kind}|${line.from}|${line.to}`, line.id);
  }
  const profile = profileFor(topology.spec.profile, topology.spec.environment);
  return { byKey, subscribe, tools, requestPattern: profile ? requestSubjectPattern(profile) : null, externalTargets: externalRequestTargets(topology), topology, nodes: new Set(listNodes(topology).map((n) => n.name)) };
}

const NONE: readonly string[] = [];

/** The ids of the lines `record` travelled on (none for traffic no line declares). */
export function edgesOfRecord(lookup: EdgeLookup, record: TraceRecord): readonly string[] {
  if (record.kind === 'event') {
    if (record.name !== 'tool.invoked') return NONE;
    const tool = record.payload.tool;
    return lookup.tools.get(`${record.agent}|${tool.includes('/') ? tool.split('/')[0] : tool}`) ?? NONE;
  }
  const found: string[] = [];
  for (const line of lookup.subscribe) if (subjectMatches(line.subject, record.subject)) found.push(line.id);
  if (!lookup.requestPattern) return found;
  const hop = messageHop(record, lookup.requestPattern, lookup.externalTargets);
  const { sender, message } = hop;
  const get = (key: string) => lookup.byKey.get(key) ?? NONE;
  if (hop.broadcast && sender) found.push(...get(`broadcast|${sender}`));
  if (hop.flow && sender) {
    const { kind, to } = hop.flow;
    const forward = get(`${kind}|${sender}|${to}`);
    // A direct message back along a direct or handoff line is the receiver reporting back.
    const back = forward.length === 0 && kind === 'direct' ? [...get(`direct|${to}|${sender}`), ...get(`handoff|${to}|${sender}`)] : NONE;
    found.push(...forward, ...back);
  } else if (message && message.message_type === 'response' && message.to_agent) {
    // A reply travels back on the request line it answers.
    found.push(...get(`request|${message.to_agent}|${message.from_agent}`));
  }
  return found;
}

/** The dashed line a record travelled on when the host has found its flow or subject undeclared (overlays.ts draws it), else null. */
export function undeclaredLineOfRecord(lookup: EdgeLookup, undeclared: UndeclaredLookup, record: TraceRecord): string | null {
  if (record.kind !== 'message' || !lookup.requestPattern) return null;
  const hop = messageHop(record, lookup.requestPattern, lookup.externalTargets);
  if (hop.presence) return null;
  const from = drawnNode(lookup.nodes, hop.sender);
  if (hop.flow && hop.sender && undeclared.flows.has(`${hop.flow.kind}|${hop.sender}|${hop.flow.to}`)) return undeclaredLineId(from, drawnNode(lookup.nodes, hop.flow.to));
  if (!undeclared.subjects.has(record.subject)) return null;
  const named = subjectAgent(lookup.topology, record.subject);
  return undeclaredLineId(from, named && lookup.nodes.has(named) ? named : subjectNode(record.subject));
}
