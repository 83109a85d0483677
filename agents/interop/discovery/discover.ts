/**
 * Lists the agents on a bus in every protocol Switchboard speaks, by listening for a window:
 * seed-000/001 announcements and heartbeats plus the stored registry (read, never created),
 * seed-002 status messages and one discovery request, and Synadia protocol agents through
 * `$SRV.PING`/`$SRV.INFO` (several replies each) and their heartbeats. What `switchboard agents`
 * prints and the host's `bus.listAgents` returns.
 */
import { createInbox, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { DISCOVERY_SENDER, type DiscoveredAgent } from '../../protocol/discovered-agent.js';
import { DEFAULT_REGISTRY_BUCKET } from '../../protocol/subjects.js';
import { seed002Subjects } from '../../protocol/seed-002.js';
import { SYNADIA_HEARTBEAT_WILDCARD, SYNADIA_LEGACY_SERVICE_NAMES, SYNADIA_SERVICE_NAME, type SynadiaIdentity } from '../../protocol/synadia.js';
import { DEFAULT_HEARTBEAT_MS } from '../../runtime/agent.js';
import { foldSightings, type Sighting } from './fold.js';
import {
  parseAnnouncement,
  parseRegistration,
  parseSeed001Event,
  parseSeed002Response,
  parseSeed002Status,
  parseSynadiaHeartbeat,
  parseSynadiaService,
  SEED_000_PRESENCE,
  SEED_001_PRESENCE,
  SEED_001_REGISTERED,
  SEED_002_RESPONSES,
  SEED_002_STATUS,
  synadiaServiceSighting,
  type SynadiaService,
} from './parse.js';

/** The listening window when none is given (the contract's default). */
export const DEFAULT_DISCOVERY_WAIT_MS = 1500;
/** Seed-002 environments asked even before one is heard of: a topology's default (`dev`) and the seed's own example (`prod`). */
export const DEFAULT_SEED_002_ENVS: readonly string[] = ['dev', 'prod'];

/** Options for {@link discoverAgents}. */
export interface DiscoveryOptions {
  /** How long to listen, ms. */
  waitMs?: number;
  /** The registry bucket to read (never created); null skips it. */
  bucket?: string | null;
  /** Seed-000 agents' heartbeat period: a stored registration older than three is `unknown`. */
  heartbeatMs?: number;
  /** Seed-002 environments to send a discovery request to (more are asked as they are heard of). */
  seed002Envs?: readonly string[];
  /** The clock (tests). */
  now?: () => number;
}

/** Listens on `nc` for `waitMs` and returns every agent heard of, folded. */
export async function discoverAgents(nc: NatsConnection, options: DiscoveryOptions = {}): Promise<DiscoveredAgent[]> {
  const now = options.now ?? Date.now;
  const waitMs = options.waitMs ?? DEFAULT_DISCOVERY_WAIT_MS;
  const sightings: Sighting[] = [];
  const services: { service: SynadiaService; at: number }[] = [];
  const subs: Subscription[] = [];
  const listen = (subject: string, onMessage: (msg: Msg) => void) => {
    const callback = (error: Error | null, msg: Msg) => {
      if (!error) safely(() => onMessage(msg));
    };
    subs.push(nc.subscribe(subject, { callback }));
  };
  const add = (s: Sighting | null) => s && sightings.push(s);

  // Heartbeats first, so a beat sent while the $SRV replies come in is not missed.
  listen(SYNADIA_HEARTBEAT_WILDCARD, (msg) => add(parseSynadiaHeartbeat(msg.subject, msg.string(), now())));
  listen(SEED_000_PRESENCE, (msg) => add(parseAnnouncement('seed-000', msg.string(), now())));
  listen(SEED_001_PRESENCE, (msg) => add(parseAnnouncement('seed-001', msg.string(), now())));
  listen(SEED_001_REGISTERED, (msg) => add(parseSeed001Event(msg.string(), now())));

  const onSeed002Response = (msg: Msg, env: string) => {
    for (const s of parseSeed002Response(seed002Subjects.discoveryResponses(env), msg.string(), now())) sightings.push(s);
  };
  const askedEnvs = new Set<string>();
  const askSeed002 = (env: string) => {
    if (askedEnvs.has(env)) return;
    askedEnvs.add(env);
    // An inbox per environment: a reply there says which environment its agent lives in.
    const inbox = createInbox();
    listen(inbox, (msg) => onSeed002Response(msg, env));
    safely(() => nc.publish(seed002Subjects.discoveryRequests(env), JSON.stringify(seed002Request(env, now())), { reply: inbox }));
  };
  listen(SEED_002_STATUS, (msg) => {
    const sighting = parseSeed002Status(msg.subject, msg.string(), now());
    add(sighting);
    if (sighting) askSeed002(msg.subject.split('.')[1]!);
  });
  listen(SEED_002_RESPONSES, (msg) => onSeed002Response(msg, msg.subject.split('.')[1]!));

  const srvInbox = createInbox();
  listen(srvInbox, (msg) => {
    const service = parseSynadiaService(msg.string());
    if (service) services.push({ service, at: now() });
  });
  await nc.flush(); // every subscription is in place before anyone is asked
  for (const env of options.seed002Envs ?? DEFAULT_SEED_002_ENVS) askSeed002(env);
  for (const name of [SYNADIA_SERVICE_NAME, ...SYNADIA_LEGACY_SERVICE_NAMES.filter((n) => !/\s/.test(n))]) {
    nc.publish(`$SRV.PING.${name}`, '', { reply: srvInbox });
    nc.publish(`$SRV.INFO.${name}`, '', { reply: srvInbox });
  }
  // A name with a space is no subject token ("Synadia Agents"): ask every service, keep the agents.
  nc.publish('$SRV.INFO', '', { reply: srvInbox });

  const stored = options.bucket === null ? Promise.resolve([]) : readRegistry(nc, options.bucket ?? DEFAULT_REGISTRY_BUCKET, waitMs, now, options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  for (const sub of subs) sub.unsubscribe();
  // concat, not push(...): a flooded bus can hear more than a call takes arguments.
  const heard = sightings.concat(await stored);
  return foldSightings(heard.concat(serviceSightings(services, heard)));
}

/** $SRV replies as sightings; a PING reply takes its identity from the same instance's INFO or heartbeat. */
function serviceSightings(services: { service: SynadiaService; at: number }[], heard: readonly Sighting[]): Sighting[] {
  const identities = new Map<string, SynadiaIdentity>();
  for (const s of heard) if (s.synadia && s.instance) identities.set(s.instance, s.synadia);
  for (const { service } of services) if (service.identity) identities.set(service.id, service.identity);
  return services.map(({ service, at }) => {
    const identity = identities.get(service.id) ?? { agent: service.metadata['agent'] ?? '?', owner: service.metadata['owner'] ?? '?', name: service.id };
    return synadiaServiceSighting(service, identity, at);
  });
}

/** The registry bucket's entries, when it exists; nothing when it does not or JetStream is off. */
async function readRegistry(nc: NatsConnection, bucket: string, waitMs: number, now: () => number, heartbeatMs: number): Promise<Sighting[]> {
  const found: Sighting[] = [];
  const read = async () => {
    const jsm = await jetstreamManager(nc, { timeout: waitMs });
    await jsm.streams.info(`KV_${bucket}`); // throws when it does not exist: discovery never creates it
    const kv = await new Kvm(nc).open(bucket);
    const keys: string[] = [];
    for await (const key of await kv.keys()) keys.push(key);
    for (const key of keys) {
      const entry = await kv.get(key);
      if (entry?.operation !== 'PUT') continue;
      const sighting = parseRegistration(key, entry.string(), now(), heartbeatMs);
      if (sighting) found.push(sighting);
    }
  };
  // No JetStream, no bucket, no permission, or too slow: the bus's own words still count.
  await Promise.race([read().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, waitMs))]);
  return [...found];
}

/** Seed 002's discovery request (its AgentMessage shape): who is there, answer on the responses subject. */
function seed002Request(env: string, at: number): Record<string, unknown> {
  return {
    id: createInbox('discovery').slice('discovery.'.length),
    timestamp: at / 1000,
    version: '1.0',
    type: 'query',
    source: { id: DISCOVERY_SENDER, type: 'agent' },
    replyTo: seed002Subjects.discoveryResponses(env),
    payload: { content: { query: 'discover' } },
    routing: { priority: 5, capabilities: [] },
  };
}

function safely(action: () => void): void {
  try {
    action();
  } catch {
    // a stranger's message or a closing connection: discovery reports what it has
  }
}
