/**
 * A nats-server config that runs a topology without the app: one nkey user per agent (replicas
 * share it) with least-privilege permissions derived from the edges, plus the workbench's observer.
 * Only public keys go in the config; each seed goes to its own `<user>.nk` secrets file. Isomorphic:
 * the keys come from the caller's `createUser` (nats-core's `nkeys.createUser()`), never from node:*.
 */
import { broadcastPattern, broadcastSubject, DEFAULT_REGISTRY_BUCKET, inboxPrefixOf, profileFor, renderSubject, requestListens, type SubjectProfile } from '../../protocol/subjects.js';
import type { Topology } from '../schema.js';
import { negotiationGrants } from './negotiation-grants.js';
import { a2aPeerNames, protocolGatewayGrants } from './nats-conf-protocol-gateway.js';
import { a2aGrants } from './nats-conf-a2a.js';
import { workflowGrants } from './nats-conf-workflows.js';
import { grant, newUser, responsePattern } from './grants.js';
import { SYNADIA_STREAMED_RESPONSES, synadiaGrants } from './nats-conf-synadia.js';
import { seed002Grants } from './nats-conf-seed-002.js';

/** The registry's KV bucket (one definition, in the protocol). */
export const REGISTRY_BUCKET = DEFAULT_REGISTRY_BUCKET;

/** An agent connection's inbox prefix (one definition, in the protocol). */
export const inboxPrefixFor = inboxPrefixOf;

/** The user the workbench (trace recorder, registry view) connects as, unless an agent took the name. */
export const OBSERVER_USER = 'switchboard';

/** One allowed subject and why it is there (rendered as a comment beside it). */
export interface Grant {
  subject: string;
  why: string;
}

/** Who a user is. */
export type UserKind = 'agent' | 'external' | 'synadia' | 'synadia-caller' | 'observer';

/** One NATS user's permissions, as the config states them. */
export interface UserPermissions {
  /** The agent's name (also its secrets file's name), or the observer's. */
  name: string;
  kind: UserKind;
  publish: Grant[];
  subscribe: Grant[];
  /** Whether it may reply to requests it received (nats-server `allow_responses`). */
  allowResponses: boolean;
  /** Why it answers with streams (many replies, for minutes): `allow_responses` with a higher max and expiry. */
  streamedResponses?: string;
  /** KV buckets its grants cover; for agents, empty means no JetStream access at all (the observer has the whole API). */
  buckets: string[];
}

/** An nkey user pair: the public key (for the config) and the seed (for the secrets file). */
export interface NkeyPair {
  publicKey: string;
  seed: string;
}

/** Options of {@link exportNatsConf}. */
export interface NatsConfOptions {
  /** Makes a fresh user nkey pair, e.g. `() => { const kp = nkeys.createUser(); … }` from @nats-io/nats-core. */
  createUser: () => NkeyPair;
  /** Client listen address (default 0.0.0.0: inside a container). */
  host?: string;
  port?: number;
  /** Monitoring (HTTP) port, on the same host. */
  monitorPort?: number;
  /** JetStream's store directory (the registry and blackboards live there). */
  storeDir?: string;
}

/** A secrets file to write beside the config. */
export interface SecretFile {
  fileName: string;
  content: string;
}

/** What {@link exportNatsConf} produces. */
export interface NatsConfExport {
  config: string;
  secrets: SecretFile[];
}

/** Every user of `topology`'s server: its agents, its external agents, then the observer. */
export function derivePermissions(topology: Topology): UserPermissions[] {
  const spec = topology.spec;
  const profile = profileFor(spec.profile, spec.environment);
  if (!profile) throw new Error(`Unknown subject profile ${spec.profile}.`);
  const users = new Map<string, UserPermissions>();
  for (const agent of spec.agents) users.set(agent.name, newUser(agent.name, 'agent'));
  const a2aPeers = a2aPeerNames(topology); // not on the bus: reached through the protocol gateway
  for (const external of spec.externalAgents) if (!users.has(external.name) && !a2aPeers.has(external.name)) users.set(external.name, newUser(external.name, external.synadia ? 'synadia' : 'external'));

  // A Synadia protocol agent is no Switchboard agent: it gets the protocol's grants only (nats-conf-synadia.ts).
  const switchboard = (user: UserPermissions | undefined) => (user?.kind === 'synadia' ? undefined : user);
  for (const user of users.values()) if (switchboard(user)) ownGrants(user, profile, spec.agents.find((a) => a.name === user.name)?.capabilities);
  for (const edge of spec.edges) {
    const from = switchboard(users.get(edge.from));
    const to = switchboard(users.get(edge.to));
    const label = `${edge.kind} edge ${edge.from} -> ${edge.to}`;
    switch (edge.kind) {
      case 'request':
        if (users.get(edge.to)?.kind === 'synadia' || a2aPeers.has(edge.to)) break; // asked over the protocol / through the protocol gateway instead
        if (from) grant(from.publish, renderSubject(profile.request, { agent: edge.to }), `${label}: ask`);
        if (from && profile.response) grant(from.subscribe, responsePattern(profile.response, edge.to), `${label}: its stream frames`);
        if (to) {
          to.allowResponses = true;
          if (profile.response) grant(to.publish, responsePattern(profile.response, edge.to), `${label}: stream frames`);
        }
        break;
      case 'direct':
      case 'handoff':
        // Profiles without direct subjects have no direct or handoff channel (validation says so).
        if (!profile.direct) break;
        if (from) grant(from.publish, renderSubject(profile.direct, { agent: edge.to }), `${label}: send`);
        if (from && edge.kind === 'handoff' && profile.handoff) grant(from.publish, renderSubject(profile.handoff, { from: edge.from, to: edge.to }), `${label}: tracking copy`);
        if (to) grant(to.publish, renderSubject(profile.direct, { agent: edge.from }), `${label}: report back`);
        break;
      case 'broadcast':
        break; // everyone publishes and hears the broadcast subject already
      case 'subscribe':
        if (to && edge.subject) grant(to.subscribe, edge.subject, label);
        break;
    }
  }

  // JetStream only where something needs it; without it an agent cannot touch any stream. External
  // agents too: one built on the runtime's Agent registers itself and cannot start otherwise.
  if (spec.registry === 'kv') for (const user of users.values()) if (switchboard(user)) registryGrants(user);
  for (const agent of spec.agents) {
    const user = users.get(agent.name);
    for (const name of agent.blackboards) {
      const bucket = spec.blackboards.find((b) => b.name === name)?.bucket ?? name;
      if (user) blackboardGrants(user, bucket);
    }
  }

  synadiaGrants(topology, users, profile);
  a2aGrants(topology, users, profile);
  workflowGrants(topology, users, profile);
  negotiationGrants(topology, users);
  protocolGatewayGrants(topology, users);
  seed002Grants(topology, users, profile);

  let observer = OBSERVER_USER;
  for (let n = 2; users.has(observer); n++) observer = `${OBSERVER_USER}-observer${n > 2 ? `-${n}` : ''}`;
  const tap = newUser(observer, 'observer');
  grant(tap.subscribe, '>', 'the trace recorder taps every message');
  grant(tap.publish, '$JS.API.>', 'the workbench reads the registry and blackboards through the JetStream API');
  grant(tap.publish, '$JS.FC.>', 'flow-control replies of its KV watchers');
  if (profile.discovery) grant(tap.publish, profile.discovery, 'the Agents panel asks seed-002 agents who is there');
  return [...users.values(), tap];
}

/** The nats-server config for `topology` and the seeds of its users. */
export function exportNatsConf(topology: Topology, options: NatsConfOptions): NatsConfExport {
  const keyed = keyedUsers(topology, options.createUser);
  const host = options.host ?? '0.0.0.0';
  const address = (port: number) => hostPort(host, port);
  const spec = topology.spec;
  const lines = [
    `# nats-server config for the Switchboard topology ${oneLine(topology.metadata.name)}`,
    `# (profile ${spec.profile}, registry ${spec.registry}). Each user authenticates with an nkey: the`,
    '# config holds public keys only; the seeds are in the <user>.nk files beside it (keep them secret).',
    '# Permissions follow the topology\'s edges; anything else is refused with a permissions violation.',
    `listen: ${str(address(options.port ?? 4222))}`,
    `http: ${str(address(options.monitorPort ?? 8222))}`,
    'jetstream {',
    `  store_dir: ${str(options.storeDir ?? '/data')}`,
    '}',
    ...renderAuthorization(keyed, topology),
    '',
  ];
  return { config: lines.join('\n'), secrets: seedFiles(keyed) };
}

/** A user with the nkey pair made for it. */
export interface KeyedUser {
  user: UserPermissions;
  keys: NkeyPair;
}

/** Every user of `topology` with a fresh (checked) nkey pair. */
export function keyedUsers(topology: Topology, createUser: () => NkeyPair): KeyedUser[] {
  return derivePermissions(topology).map((user) => ({ user, keys: checkedPair(createUser(), user.name) }));
}

/** The config's `authorization { users: [...] }` block: public keys and permissions only. */
export function renderAuthorization(keyed: KeyedUser[], topology: Topology): string[] {
  return ['authorization {', '  users: [', ...keyed.flatMap(({ user, keys }) => renderUser(user, keys.publicKey, topology)), '  ]', '}'];
}

/** One `<user>.nk` secrets file per user, holding its seed. */
export function seedFiles(keyed: KeyedUser[]): SecretFile[] {
  return keyed.map(({ user, keys }) => ({ fileName: `${user.name}.nk`, content: `${keys.seed}\n` }));
}

/** `host:port`, with an IPv6 host in brackets. */
export const hostPort = (host: string, port: number) => `${host.includes(':') ? `[${host}]` : host}:${port}`;

// ---------------------------------------------------------------------------------------------

/** What every agent needs to exist on the bus, whatever its edges. */
function ownGrants(user: UserPermissions, profile: SubjectProfile, capabilities: readonly string[] = []): void {
  grant(user.publish, broadcastSubject(profile, user.name), 'announcements, heartbeats and broadcasts');
  for (const [subject, queue] of requestListens(profile, user.name, capabilities)) {
    grant(user.subscribe, subject, queue === user.name ? 'its request subject (replicas share it in a queue group)' : `tasks for its capability (queue group ${queue}, shared with every agent having it)`);
  }
  if (profile.direct) grant(user.subscribe, renderSubject(profile.direct, { agent: user.name }), 'its direct subject: messages, handoffs, report-backs');
  grant(user.subscribe, broadcastPattern(profile), "other agents' presence and broadcasts");
  grant(user.subscribe, `${inboxPrefixFor(user.name)}.>`, 'its own inbox: replies, JetStream API answers, KV watcher deliveries');
}

/** Kvm.create(), watch() and keys() on one bucket: the subjects the nats.js KV client uses. */
function kvBaseGrants(user: UserPermissions, bucket: string, purpose: string): void {
  const stream = `KV_${bucket}`;
  if (!user.buckets.includes(bucket)) user.buckets.push(bucket);
  grant(user.publish, '$JS.API.INFO', 'Kvm.create() first checks that JetStream answers (account info)');
  grant(user.publish, `$JS.API.STREAM.INFO.${stream}`, `${purpose}: Kvm.create() looks the bucket up`);
  // Caveat: permissions cannot check the config inside a create request (its subjects); buckets made
  // beforehand by an admin user would let this grant go.
  grant(user.publish, `$JS.API.STREAM.CREATE.${stream}`, `${purpose}: and creates it when it is missing (whoever starts first)`);
  grant(user.publish, `$JS.API.CONSUMER.CREATE.${stream}.>`, `${purpose}: watch() and keys() create an ordered push consumer (CREATE.<stream>.<name>.<filter>)`);
  grant(user.publish, `$JS.API.CONSUMER.INFO.${stream}.*`, `${purpose}: keys() reads its consumer's pending count`);
  // Without flow-control replies the server stops delivering to a watcher after a few MB.
  grant(user.publish, `$JS.FC.${stream}.>`, `${purpose}: flow-control replies of those consumers`);
  // Not CONSUMER.DELETE: that would let any agent delete the others' watchers on a shared bucket;
  // an ordered consumer's old consumer expires by itself (inactive_threshold) when it resets.
  // Not $JS.ACK: KV consumers are ack-none, and put() gets its ack on the inbox.
}

/** The registry: create/watch the bucket, but write only this agent's own `<name>.<instance>` keys. */
function registryGrants(user: UserPermissions): void {
  kvBaseGrants(user, REGISTRY_BUCKET, 'registry');
  grant(user.publish, `$KV.${REGISTRY_BUCKET}.${user.name}.>`, 'registry: put its own entries only');
}

/** A blackboard: read and write any entry. */
function blackboardGrants(user: UserPermissions, bucket: string): void {
  const stream = `KV_${bucket}`;
  const purpose = `blackboard ${bucket}`;
  kvBaseGrants(user, bucket, purpose);
  grant(user.publish, `$KV.${bucket}.>`, `${purpose}: put and delete entries`);
  grant(user.publish, `$JS.API.DIRECT.GET.${stream}.>`, `${purpose}: get() (direct get, last value by key subject)`);
  grant(user.publish, `$JS.API.DIRECT.GET.${stream}`, `${purpose}: get() of a given revision`);
  grant(user.publish, `$JS.API.STREAM.MSG.GET.${stream}`, `${purpose}: get() when the bucket was made without allow_direct`);
}

const NKEY_PUBLIC_USER = /^U[A-Z2-7]{55}$/;
const NKEY_SEED_USER = /^SU[A-Z2-7]+$/;

/** A bad key would end up in the config as is, so it is refused here. */
function checkedPair(pair: NkeyPair, user: string): NkeyPair {
  if (!NKEY_PUBLIC_USER.test(pair.publicKey)) throw new Error(`createUser() gave ${user} a public key that is not a user nkey (U…, 56 characters).`);
  if (!NKEY_SEED_USER.test(pair.seed)) throw new Error(`createUser() gave ${user} a seed that is not a user nkey seed (SU…).`);
  return pair;
}

/** How the config's comment introduces a user that is not one of the topology's agents. */
const ABOUT: Partial<Record<UserKind, string>> = {
  observer: 'the workbench: trace recorder and registry view',
  external: 'external agent',
  synadia: 'external Synadia protocol agent',
  'synadia-caller': 'Synadia protocol clients calling the served agents',
};

function renderUser(user: UserPermissions, publicKey: string, topology: Topology): string[] {
  const replicas = topology.spec.agents.find((a) => a.name === user.name)?.replicas ?? 1;
  const about = ABOUT[user.kind] ?? (replicas > 1 ? `agent, ${replicas} replicas share this user` : 'agent');
  // nats-server reads an empty allow list as "no restriction", so nothing allowed is a deny of everything.
  const rule = (grants: Grant[]) =>
    grants.length === 0
      ? ['          deny: [', `            ">" # nothing is allowed`, '          ]']
      : ['          allow: [', ...grants.map((g) => `            ${str(g.subject)} # ${oneLine(g.why)}`), '          ]'];
  return [
    `    # ${user.name} (${about}); seed in ${user.name}.nk`,
    '    {',
    `      nkey: ${str(publicKey)}`,
    '      permissions: {',
    '        publish: {',
    ...rule(user.publish),
    '        }',
    '        subscribe: {',
    ...rule(user.subscribe),
    '        }',
    ...(user.streamedResponses
      ? [`        allow_responses: { max: ${SYNADIA_STREAMED_RESPONSES.max}, expires: ${str(SYNADIA_STREAMED_RESPONSES.expires)} } # ${oneLine(user.streamedResponses)}`]
      : user.allowResponses
        ? ['        allow_responses: true']
        : []),
    '      }',
    '    }',
  ];
}

/** A quoted config string: JSON escapes are what the nats-server config lexer reads, and `$` stays literal. */
export const str = (value: string) => JSON.stringify(value);
/** Text for a one-line config comment. */
export const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ');
