/**
 * Designed vs observed: the topology's edges against a run's traffic. Lists traffic on subjects no
 * edge declares, agent-to-agent flows no edge declares, edges never used, and requests nobody
 * answered. One pass over the records (a tracker), so it runs over a million-record trace. Isomorphic.
 */
import { broadcastPattern, profileFor, renderSubject, subjectMatches, type SubjectProfile } from '../protocol/subjects.js';
import type { Edge, Topology } from '../topology/schema.js';
import { synadiaServed } from '../topology/synadia-exposure.js';
import { synadiaSubjects } from '../protocol/synadia.js';
import { a2aRequestOf, protocolGatewaySubjects } from '../protocol/protocol-gateway.js';
import { seed002Subjects } from '../protocol/seed-002.js';
import { DISCOVERY_SENDER } from '../protocol/discovered-agent.js';
import { correlate, type RequestPair } from './correlate.js';
import { agentMessageOf, expectsReply, inboxAgent, isPresence } from './message-facts.js';
import type { AgentMessage } from '../protocol/agent-message.js';
import type { MessageRecord, TraceRecord } from './record.js';

/** Traffic on a subject no edge declares. */
export interface UndeclaredSubject {
  subject: string;
  count: number;
  /** Senders seen on it (AgentMessage `from_agent`, or the inbox owner of a request). */
  senders: string[];
  firstSeq: number;
}

/** Messages from one agent to another that no edge of that kind allows. */
export interface UndeclaredFlow {
  kind: 'request' | 'direct' | 'handoff';
  from: string;
  to: string;
  count: number;
  firstSeq: number;
}

/** How often an edge was used. */
export interface EdgeUsage {
  /** The edge's position in `spec.edges`. */
  index: number;
  edge: Edge;
  count: number;
}

/** A request nobody answered. */
export interface NoResponder {
  pair: RequestPair;
  /**
   * Whether the addressee sent anything at all in the trace (presence included). A recorder's `>`
   * tap counts as an interested subscriber, so while it records the server never says "no
   * responders": such a request times out instead, and an addressee never seen is the tell.
   */
  targetSeen: boolean;
}

/** The comparison's result. */
export interface DesignedVsObserved {
  undeclaredSubjects: UndeclaredSubject[];
  undeclaredFlows: UndeclaredFlow[];
  edges: EdgeUsage[];
  unusedEdges: EdgeUsage[];
  /** Agent requests that got "no responders" or no reply in time. */
  noResponder: NoResponder[];
}

/** Follows a trace one record at a time against a topology's design. */
export class DesignedVsObservedTracker {
  private readonly profile: SubjectProfile;
  private readonly members: Set<string>;
  private readonly edgeKeys = new Map<string, number[]>();
  private readonly subscribeEdges: number[] = [];
  private readonly counts: number[];
  private readonly exact = new Set<string>();
  private readonly patterns: string[] = [];
  private readonly requestPattern: RegExp;
  private readonly externalTargets: ExternalRequestTargets;
  private readonly undeclared = new Map<string, { count: number; senders: Set<string>; firstSeq: number }>();
  private readonly flows = new Map<string, UndeclaredFlow>();
  private readonly handoffsSeen = new Set<string>();
  private readonly senders = new Set<string>();

  constructor(private readonly topology: Topology) {
    const spec = topology.spec;
    const profile = profileFor(spec.profile, spec.environment);
    if (!profile) throw new Error(`Unknown subject profile ${spec.profile}.`);
    this.profile = profile;
    this.members = new Set([...spec.agents.map((a) => a.name), ...spec.externalAgents.map((a) => a.name)]);
    this.counts = spec.edges.map(() => 0);
    this.requestPattern = requestSubjectPattern(profile);
    this.externalTargets = externalRequestTargets(topology);
    // Seed 002's presence is per agent (`agents.{env}.status.{agent}`); its capability tasks and discovery are the profile's own traffic.
    for (const pattern of [broadcastPattern(profile), profile.capability?.replace('{capability}', '*'), profile.discovery, profile.discovery?.replace(/requests$/, 'responses')]) if (pattern) this.patterns.push(pattern);
    // Agents served over the Synadia protocol: their prompts, status requests and heartbeats are designed.
    for (const { identity } of synadiaServed(topology).values()) for (const subject of Object.values(synadiaSubjects(identity))) this.exact.add(subject);
    // So are a declared external Synadia agent's heartbeats and prompts (a prompt is a request: its
    // flow is checked against the request edges like any other).
    for (const external of spec.externalAgents) if (external.synadia) this.exact.add(synadiaSubjects(external.synadia).heartbeat);
    for (const subject of this.externalTargets.exact.keys()) this.exact.add(subject);
    this.patterns.push(...this.externalTargets.patterns);
    // Seed 002 A2A negotiation: a proposer's proposals to each of its `with` are designed (answers travel on its inbox).
    for (const agent of spec.agents) for (const target of agent.pattern?.negotiate?.with ?? []) this.exact.add(seed002Subjects.negotiate(spec.environment, target));
    // Stream frames answer whoever asked, entry requests included, so every responder's are legal.
    if (profile.response) for (const name of this.members) this.patterns.push(renderSubject(profile.response.replaceAll('{message_id}', '*'), { agent: name }));
    spec.edges.forEach((edge, index) => {
      const key = edge.kind === 'broadcast' ? `broadcast|${edge.from}` : edge.kind === 'subscribe' ? null : `${edge.kind}|${edge.from}|${edge.to}`;
      if (key) this.edgeKeys.set(key, [...(this.edgeKeys.get(key) ?? []), index]);
      this.declare(edge, index);
    });
  }

  /** Takes the next record. */
  add(record: TraceRecord): void {
    if (record.kind !== 'message') return;
    for (const index of this.subscribeEdges) if (subjectMatches(this.topology.spec.edges[index]!.subject!, record.subject)) this.counts[index]!++;
    // The Agents on the bus panel's listing asks seed-002 agents too: its probe is not the topology's traffic.
    if (isDiscoveryProbe(record)) return;
    const hop = messageHop(record, this.requestPattern, this.externalTargets);
    const { message, sender, requested } = hop;
    if (sender) this.senders.add(sender);
    if (hop.presence) return;
    let flow = hop.flow;
    if (hop.broadcast) this.use(`broadcast|${sender}`);
    // The tracking copy of a handoff is the same hop.
    if (message?.message_type === 'handoff') {
      if (this.handoffsSeen.has(message.message_id)) flow = null;
      else this.handoffsSeen.add(message.message_id);
    }
    if (flow && sender) this.flow(flow.kind, sender, flow.to, record.seq);

    if (this.isDeclared(record.subject, sender, requested)) return;
    let entry = this.undeclared.get(record.subject);
    if (!entry) this.undeclared.set(record.subject, (entry = { count: 0, senders: new Set(), firstSeq: record.seq }));
    entry.count++;
    if (sender) entry.senders.add(sender);
  }

  /** The comparison so far; `pairs` from the same trace's correlation. */
  result(pairs: readonly RequestPair[]): DesignedVsObserved {
    const edges = this.topology.spec.edges.map((edge, index) => ({ index, edge, count: this.counts[index]! }));
    return {
      undeclaredSubjects: [...this.undeclared].map(([subject, u]) => ({ subject, count: u.count, senders: [...u.senders], firstSeq: u.firstSeq })).sort((a, b) => b.count - a.count || a.firstSeq - b.firstSeq),
      undeclaredFlows: [...this.flows.values()].sort((a, b) => a.firstSeq - b.firstSeq),
      edges,
      unusedEdges: edges.filter((e) => e.count === 0),
      // `to` is known for agent requests only; JetStream API calls are not the topology's business.
      noResponder: pairs.filter((p) => p.to !== null && (p.status === 'no_responders' || p.status === 'timed_out')).map((pair) => ({ pair, targetSeen: this.senders.has(pair.to!) })),
    };
  }

  private declare(edge: Edge, index: number): void {
    const profile = this.profile;
    switch (edge.kind) {
      case 'request':
        this.exact.add(renderSubject(profile.request, { agent: edge.to }));
        break;
      case 'direct':
      case 'handoff':
        if (!profile.direct) break;
        this.exact.add(renderSubject(profile.direct, { agent: edge.to }));
        this.exact.add(renderSubject(profile.direct, { agent: edge.from })); // the receiver reports back
        if (edge.kind === 'handoff' && profile.handoff) this.exact.add(renderSubject(profile.handoff, { from: edge.from, to: edge.to }));
        break;
      case 'broadcast':
        break; // the broadcast subject is always legal
      case 'subscribe':
        if (edge.subject) {
          this.patterns.push(edge.subject);
          this.subscribeEdges.push(index);
        }
        break;
    }
  }

  private isDeclared(subject: string, sender: string | null, requested: string | null): boolean {
    // The protocol's own plumbing: inbox replies, the JetStream and KV APIs, and service discovery
    // ($SRV.PING/INFO/STATS: the Agents on the bus panel's listing, answered by Synadia agents).
    if (subject.startsWith('_INBOX') || subject.startsWith('$JS.') || subject.startsWith('$KV.') || subject.startsWith('$SRV.')) return true;
    if (this.exact.has(subject)) return true;
    // Entry traffic: someone outside the topology (the app, `switchboard run --input`) asks one of its agents.
    if (requested && this.members.has(requested) && (sender === null || !this.members.has(sender))) return true;
    return this.patterns.some((pattern) => subjectMatches(pattern, subject));
  }

  private use(key: string): boolean {
    const indices = this.edgeKeys.get(key);
    if (!indices) return false;
    for (const index of indices) this.counts[index]!++;
    return true;
  }

  private flow(kind: UndeclaredFlow['kind'], from: string, to: string, seq: number): void {
    if (this.use(`${kind}|${from}|${to}`)) return;
    if (kind === 'request' && !this.members.has(from)) return; // entry traffic
    // A direct message back along a direct or handoff edge is the receiver reporting back.
    if (kind === 'direct' && (this.edgeKeys.has(`direct|${to}|${from}`) || this.edgeKeys.has(`handoff|${to}|${from}`))) return;
    const key = `${kind}|${from}|${to}`;
    const flow = this.flows.get(key);
    if (flow) flow.count++;
    else this.flows.set(key, { kind, from, to, count: 1, firstSeq: seq });
  }
}

/** Compares a whole trace with `topology`; pass `pairs` when the trace is already correlated. */
export function designedVsObserved(topology: Topology, records: Iterable<TraceRecord>, options: { pairs?: readonly RequestPair[]; timeoutMs?: number } = {}): DesignedVsObserved {
  const tracker = new DesignedVsObservedTracker(topology);
  // Without pairs the records are read twice, so an iterable is kept.
  const list = options.pairs || Array.isArray(records) ? records : [...records];
  for (const record of list) tracker.add(record);
  return tracker.result(options.pairs ?? correlate(list, options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }).pairs);
}

/** The comparison as text lines, for the trace summary. */
export function formatDesignedVsObserved(result: DesignedVsObserved, limit = 20): string[] {
  const lines: string[] = [];
  const section = <T>(title: string, items: T[], line: (item: T) => string) => {
    lines.push(`${title}: ${items.length === 0 ? 'none' : items.length}`);
    for (const item of items.slice(0, limit)) lines.push(`  ${line(item)}`);
    if (items.length > limit) lines.push(`  … and ${items.length - limit} more`);
  };
  section('Undeclared subjects', result.undeclaredSubjects, (u) => `${u.subject}  ${u.count} message${u.count === 1 ? '' : 's'}${u.senders.length ? ` from ${u.senders.join(', ')}` : ''}`);
  section('Undeclared flows', result.undeclaredFlows, (f) => `${f.kind} ${f.from} -> ${f.to}  ${f.count}×`);
  section('Edges never used', result.unusedEdges, (e) => `${e.edge.kind} ${e.edge.from} -> ${e.edge.to}${e.edge.subject ? ` (${e.edge.subject})` : ''}`);
  section('Requests with no responder', result.noResponder, ({ pair: p, targetSeen }) => {
    const why = p.status === 'no_responders' ? 'no responders' : `no reply (${p.timedOutBy === 'trace_end' ? 'trace ended' : 'timed out'}; ${targetSeen ? `${p.to} is on the bus` : `${p.to} never appeared on the bus`})`;
    return `seq ${p.request.seq} ${p.from ?? '?'} -> ${p.to ?? '?'} on ${p.request.subject}: ${why}`;
  });
  return lines;
}

/** What one message record is as traffic between agents. */
export interface MessageHop {
  message: AgentMessage | null;
  /** AgentMessage `from_agent`, or the inbox owner of a request. */
  sender: string | null;
  /** The agent the subject names under the profile's request template. */
  requested: string | null;
  /** An announcement or heartbeat: presence, no hop. */
  presence: boolean;
  /** A broadcast by `sender`. */
  broadcast: boolean;
  /** Agent-to-agent traffic: the kind of edge it needs and its addressee. */
  flow: { kind: UndeclaredFlow['kind']; to: string } | null;
}

/** The regex naming the agent of a profile's request subject (for {@link messageHop}). */
export const requestSubjectPattern = (profile: SubjectProfile): RegExp => templateRegex(profile.request, 'agent');

/** Switchboard discovery's seed-002 request (`agents.{env}.discovery.requests` from {@link DISCOVERY_SENDER}). */
function isDiscoveryProbe(record: MessageRecord): boolean {
  return record.subject.endsWith('.discovery.requests') && record.payload.includes(`"id":"${DISCOVERY_SENDER}"`);
}

/** Which external agent a request subject asks, if any (a Map of exact subjects is one). */
export interface ExternalTargets {
  get(subject: string): string | undefined;
}

/**
 * The subjects a request to an external agent of another protocol travels on, each to its node's
 * name: a Synadia agent's prompt subject (the SDKs' default, exact), and the protocol gateway's
 * subjects for an A2A agent (`protocol.a2a.request.{name}.{caller}`, `patterns`). Each is a request
 * along the topology's request edges.
 */
export class ExternalRequestTargets implements ExternalTargets {
  /** Exact subjects (Synadia prompts) to their agent. */
  readonly exact: ReadonlyMap<string, string>;
  private readonly a2a: ReadonlySet<string>;

  constructor(topology: Topology) {
    const externals = topology.spec.externalAgents;
    this.exact = new Map(externals.flatMap((e) => (e.synadia ? [[synadiaSubjects(e.synadia).prompt, e.name] as const] : [])));
    this.a2a = new Set(externals.filter((e) => e.a2a).map((e) => e.name));
  }

  get(subject: string): string | undefined {
    const exact = this.exact.get(subject);
    if (exact !== undefined) return exact;
    const peer = a2aRequestOf(subject)?.peer;
    return peer !== undefined && this.a2a.has(peer) ? peer : undefined;
  }

  /** The wildcard subjects of the A2A agents' calls (every caller). */
  get patterns(): string[] {
    return [...this.a2a].map((name) => protocolGatewaySubjects.a2aRequestsTo(name));
  }
}

/** The external request targets of `topology` ({@link ExternalRequestTargets}). */
export function externalRequestTargets(topology: Topology): ExternalRequestTargets {
  return new ExternalRequestTargets(topology);
}

const NO_EXTERNALS: ExternalTargets = new Map<string, string>();

/** Who sent `record` and which kind of edge it travels on (the tracker's reading, for the canvas too); a Synadia prompt or an A2A gateway call to a declared external agent is a request to it. */
export function messageHop(record: MessageRecord, requestPattern: RegExp, externalTargets: ExternalTargets = NO_EXTERNALS): MessageHop {
  const message = agentMessageOf(record);
  const sender = message?.from_agent ?? (expectsReply(record) ? inboxAgent(record.reply!) : null);
  const requested = requestPattern.exec(record.subject)?.[1] ?? externalTargets.get(record.subject) ?? null;
  const hop: MessageHop = { message, sender, requested, presence: message !== null && isPresence(message), broadcast: false, flow: null };
  if (hop.presence) return hop;
  if (message) {
    const type = message.message_type;
    const to = type === 'request' ? (message.to_agent ?? requested) : type === 'direct' || type === 'handoff' ? message.to_agent : null;
    if (to && (type === 'request' || type === 'direct' || type === 'handoff')) hop.flow = { kind: type, to };
    hop.broadcast = type === 'broadcast';
  } else if (requested && expectsReply(record)) {
    hop.flow = { kind: 'request', to: requested }; // seed 001's TaskRequest is not an AgentMessage
  }
  return hop;
}

/** A subject template as a regex capturing one placeholder (the others match one token). */
function templateRegex(template: string, capture: string): RegExp {
  const source = template
    .split(/(\{\w+\})/)
    .map((part) => (/^\{\w+\}$/.test(part) ? (part === `{${capture}}` ? '([^.]+)' : '[^.]+') : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}
