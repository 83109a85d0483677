/**
 * Reads what each protocol says about its agents into sightings: seed-000/001 announcements and
 * stored registrations (AgentMetadata), seed-001 `agent_registered` events, seed-002 status
 * messages and discovery responses (shapes vary by implementation: read tolerantly), Synadia
 * `$SRV` replies and heartbeats. Pure; nothing here throws on a stranger's message.
 */
import { AgentMetadataSchema } from '../../protocol/agent-message.js';
import { decodeAgentMessage } from '../../protocol/codec.js';
import { isSubjectToken, renderSubject, SEED_000_PROFILE, SEED_001_PROFILE, SEED_002_PROFILE } from '../../protocol/subjects.js';
import { seed002Subjects } from '../../protocol/seed-002.js';
import { isSynadiaServiceName, parseSynadiaSubject, SynadiaHeartbeatSchema, type SynadiaIdentity } from '../../protocol/synadia.js';
import type { Sighting, SightingStatus } from './fold.js';

/** Seed 000's presence subject (and our seed-000 agents' registry bucket speaks the same AgentMetadata). */
export const SEED_000_PRESENCE = SEED_000_PROFILE.broadcast;
/** Seed 001's presence subjects: our seed-001 agents announce on the first; the seed names the second. */
export const SEED_001_PRESENCE = SEED_001_PROFILE.broadcast;
export const SEED_001_REGISTERED = 'platform.events.agent_registered';
/** Seed 002's status messages (`agents.{env}.status.{agent_id}`: four tokens, unlike Synadia's five). */
export const SEED_002_STATUS = seed002Subjects.status('*', '*');
/** Seed 002's discovery responses, in every environment. */
export const SEED_002_RESPONSES = seed002Subjects.discoveryResponses('*');

/** How many heartbeat periods a stored registration may be old and still count as there. */
const STORED_FRESH_BEATS = 3;

/** A status word of any protocol as a discovered status; `fallback` when there is none. */
export function statusWord(value: unknown, fallback: SightingStatus = 'unknown'): SightingStatus {
  if (typeof value !== 'string' || value.trim() === '') return fallback;
  const word = value.trim().toLowerCase();
  if (['available', 'online', 'ready', 'idle', 'active', 'running', 'healthy', 'registered', 'up', 'ok'].includes(word)) return 'available';
  if (['busy', 'working', 'processing', 'degraded'].includes(word)) return 'busy';
  if (['offline', 'stopped', 'stopping', 'down', 'shutdown', 'shutting_down', 'disconnected', 'unregistered', 'gone'].includes(word)) return 'offline';
  return 'unknown';
}

/** A seed-000 or seed-001 announcement/heartbeat (AgentMessage with `metadata.agent`), or null. */
export function parseAnnouncement(protocol: 'seed-000' | 'seed-001', text: string, receivedAt: number): Sighting | null {
  const decoded = decodeAgentMessage(text);
  if (!decoded.ok) return null;
  const { message_type, metadata, from_agent } = decoded.value;
  if (message_type !== 'announcement' && message_type !== 'heartbeat') return null;
  if (metadata['client'] === true) return null; // a run's client (the app's sender): on the bus to ask, no agent
  const parsed = AgentMetadataSchema.safeParse(metadata['agent']);
  if (!parsed.success) return null;
  const agent = parsed.data;
  return {
    protocol,
    name: agent.name,
    instance: typeof metadata['instance'] === 'string' ? metadata['instance'] : from_agent,
    status: agent.status,
    seenAt: receivedAt,
    live: true,
    description: agent.description,
    capabilities: agent.capabilities,
    endpoints: requestEndpoint(protocol, agent.name),
    node: typeof metadata['node'] === 'string' ? metadata['node'] : null,
    version: agent.version,
    synadia: null,
  };
}

/**
 * A stored registration (`switchboard_agents` KV: key `{name}.{instance}`, value AgentMetadata plus
 * our agents' `node`, `profile` and `heartbeat_ms`). Nobody was heard: an `available` entry older
 * than a few heartbeats is `unknown` (its agent may have died without saying so); an agent that
 * does not beat (`heartbeat_ms: 0`) cannot be judged by age, so its word stands.
 */
export function parseRegistration(key: string, text: string, now: number, heartbeatMs: number): Sighting | null {
  const raw = safeJson(text);
  const parsed = AgentMetadataSchema.safeParse(raw);
  if (!parsed.success) return null;
  const agent = parsed.data;
  const extra = raw as Record<string, unknown>;
  const protocol = extra['profile'] === SEED_001_PROFILE.name ? 'seed-001' : extra['profile'] === SEED_002_PROFILE.name ? 'seed-002' : 'seed-000';
  const beat = Date.parse(agent.last_heartbeat);
  const period = typeof extra['heartbeat_ms'] === 'number' && extra['heartbeat_ms'] >= 0 ? extra['heartbeat_ms'] : heartbeatMs;
  const fresh = period === 0 || (Number.isFinite(beat) && now - beat <= period * STORED_FRESH_BEATS);
  return {
    protocol,
    name: agent.name,
    instance: key.includes('.') ? key.slice(key.indexOf('.') + 1) : key,
    status: agent.status === 'offline' ? 'offline' : fresh ? agent.status : 'unknown',
    seenAt: Number.isFinite(beat) ? beat : null,
    live: false,
    description: agent.description,
    capabilities: agent.capabilities,
    // A seed-002 registration names no environment: its status messages and discovery answers give the subjects.
    endpoints: protocol === 'seed-002' ? [] : requestEndpoint(protocol, agent.name),
    node: typeof extra['node'] === 'string' ? extra['node'] : null,
    version: agent.version,
    synadia: null,
  };
}

/** A seed-001 `platform.events.agent_registered` event: an AgentMessage announcement or a plain JSON object. */
export function parseSeed001Event(text: string, receivedAt: number): Sighting | null {
  const announced = parseAnnouncement('seed-001', text, receivedAt);
  if (announced) return announced;
  const record = asRecord(safeJson(text));
  if (!record) return null;
  const scopes = scopesOf(record);
  const name = firstString(scopes, ['agent_name', 'name', 'agent_id', 'agent']);
  if (!name) return null;
  return {
    protocol: 'seed-001',
    name,
    ...looseFields(scopes, receivedAt),
    description: firstString(scopes, ['description']) ?? '',
    capabilities: firstStrings(scopes, ['capabilities', 'task_types']),
    endpoints: requestEndpoint('seed-001', name),
    node: null,
    version: firstString(scopes, ['version']) ?? null,
    synadia: null,
  };
}

/** A seed-002 status message on `agents.{env}.status.{agent_id}`, or null when it is not one. */
export function parseSeed002Status(subject: string, text: string, receivedAt: number): Sighting | null {
  const tokens = subject.split('.');
  if (tokens.length !== 4 || tokens[0] !== 'agents' || tokens[2] !== 'status') return null;
  // seed-000's `agents.response.{agent}.{id}` has four tokens too: an agent named "status" would match.
  if (SEED_000_VERBS.includes(tokens[1]!)) return null;
  const record = asRecord(safeJson(text));
  if (!record) return null;
  if (asRecord(asRecord(record['context'])?.['metadata'])?.['client'] === true) return null; // a run's client
  return seed002Sighting(tokens[3]!, tokens[1]!, scopesOf(record), receivedAt);
}

/** The agents a seed-002 discovery response describes (one agent, or a list under `agents`). */
export function parseSeed002Response(subject: string, text: string, receivedAt: number): Sighting[] {
  const record = asRecord(safeJson(text));
  if (!record) return [];
  const env = subject.split('.')[1] ?? '';
  const scopes = scopesOf(record);
  for (const scope of scopes) {
    const list = scope['agents'];
    if (Array.isArray(list)) {
      return list.flatMap((item) => {
        const entry = asRecord(item);
        if (!entry) return [];
        const name = firstString(scopesOf(entry), AGENT_ID_KEYS);
        const sighting = name ? seed002Sighting(name, env, scopesOf(entry), receivedAt) : null;
        return sighting ? [sighting] : [];
      });
    }
  }
  const name = firstString(scopes, AGENT_ID_KEYS);
  const sighting = name ? seed002Sighting(name, env, scopes, receivedAt) : null;
  return sighting ? [sighting] : [];
}

/** A reply to `$SRV.PING` or `$SRV.INFO` from an agent of the Synadia protocol; null for other services. */
export interface SynadiaService {
  id: string;
  /** From the prompt endpoint's subject (INFO); null from a PING, which lists no endpoints. */
  identity: SynadiaIdentity | null;
  metadata: Record<string, string>;
  description: string;
  version: string | null;
  endpoints: { name: string; subject: string }[];
}

/** Reads a `$SRV.PING`/`$SRV.INFO` reply; null when it is not a Synadia protocol agent. */
export function parseSynadiaService(text: string): SynadiaService | null {
  const record = asRecord(safeJson(text));
  if (!record || typeof record['name'] !== 'string' || !isSynadiaServiceName(record['name']) || typeof record['id'] !== 'string') return null;
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(asRecord(record['metadata']) ?? {})) if (typeof value === 'string') metadata[key] = value;
  const endpoints = (Array.isArray(record['endpoints']) ? record['endpoints'] : []).flatMap((item) => {
    const e = asRecord(item);
    return e && typeof e['name'] === 'string' && typeof e['subject'] === 'string' ? [{ name: e['name'], subject: e['subject'] }] : [];
  });
  const prompt = endpoints.find((e) => e.name === 'prompt');
  const parsed = prompt ? parseSynadiaSubject(prompt.subject) : null;
  // Callers filter on metadata.agent (the SDK's subjectToken may shorten the subject's: claude-code as cc).
  const declared = prompt && metadata['agent'] && metadata['owner'] ? { agent: metadata['agent'], owner: metadata['owner'], name: prompt.subject.split('.').pop() ?? record['id'] } : null;
  const identity = declared ?? (parsed?.verb === 'prompt' ? parsed.identity : null);
  return {
    id: record['id'],
    identity,
    metadata,
    description: typeof record['description'] === 'string' ? record['description'] : '',
    version: typeof record['version'] === 'string' ? record['version'] : null,
    endpoints,
  };
}

/** A service reply as a sighting, with the identity learned elsewhere when the reply has none (a PING). */
export function synadiaServiceSighting(service: SynadiaService, identity: SynadiaIdentity, receivedAt: number): Sighting {
  return {
    protocol: 'synadia',
    name: identity.name,
    instance: service.id,
    status: 'available', // it answered just now
    seenAt: receivedAt,
    live: true,
    description: service.description,
    endpoints: service.endpoints,
    node: null,
    version: service.version,
    synadia: identity,
  };
}

/** A Synadia heartbeat on `agents.hb.{agent}.{owner}.{name}`; offline when older than three of its periods. */
export function parseSynadiaHeartbeat(subject: string, text: string, receivedAt: number): Sighting | null {
  const parsed = parseSynadiaSubject(subject);
  if (!parsed || parsed.verb !== 'hb') return null;
  const beat = SynadiaHeartbeatSchema.safeParse(safeJson(text));
  if (!beat.success) return null;
  const sent = Date.parse(beat.data.ts);
  // A beat delivered now is fresh; a stale timestamp means a replayed or long-delayed one.
  const stale = Number.isFinite(sent) && receivedAt - sent > beat.data.interval_s * 1000 * 3;
  return {
    protocol: 'synadia',
    name: parsed.identity.name,
    instance: beat.data.instance_id,
    status: stale ? 'offline' : statusWord(beat.data['status'], 'available'),
    seenAt: stale ? sent : receivedAt,
    live: true,
    node: null,
    // The beat's own agent and owner, as a caller matches it (the subject's agent token may be short).
    synadia: { agent: beat.data.agent, owner: beat.data.owner, name: parsed.identity.name },
  };
}

// ---------------------------------------------------------------------------------------------

const SEED_000_VERBS = ['all', 'direct', 'request', 'response', 'handoff', 'hb', 'prompt'];
const AGENT_ID_KEYS = ['agent_id', 'agentId', 'id', 'name'];

type Json = Record<string, unknown>;

function seed002Sighting(name: string, env: string, scopes: Json[], receivedAt: number): Sighting | null {
  if (!isSubjectToken(name)) return null;
  const type = firstString(scopes, ['agent_type', 'agentType']);
  return {
    protocol: 'seed-002',
    name,
    ...looseFields(scopes, receivedAt),
    description: firstString(scopes, ['description']) ?? (type ? `${type} agent` : ''),
    capabilities: firstStrings(scopes, ['capabilities']),
    endpoints: env ? [{ name: 'control', subject: seed002Subjects.control(env, name) }] : [],
    node: firstString(scopes, ['node', 'server_name']) ?? null,
    version: firstString(scopes, ['agent_version', 'version_info']) ?? null,
    synadia: null,
  };
}

/** Instance and status of a loosely shaped presence message (seed-001 events, seed-002); speaking at all means it is there. */
function looseFields(scopes: Json[], receivedAt: number): Pick<Sighting, 'instance' | 'status' | 'seenAt' | 'live'> {
  return {
    instance: firstString(scopes, ['instance', 'instance_id']) ?? null,
    status: statusWord(firstString(scopes, ['status', 'state']), 'available'),
    seenAt: receivedAt,
    live: true,
  };
}

/** Where seed-002's many shapes put an agent's fields: the message, its source, payload and content. */
function scopesOf(record: Json): Json[] {
  const payload = asRecord(record['payload']);
  const content = asRecord(payload?.['content']) ?? asRecord(record['content']);
  const source = asRecord(record['source']);
  const agent = asRecord(record['agent']);
  return [content, payload, agent, source, record].filter((s): s is Json => s !== null);
}

function firstString(scopes: Json[], keys: readonly string[]): string | undefined {
  for (const scope of scopes) for (const key of keys) if (typeof scope[key] === 'string' && scope[key] !== '') return scope[key];
  return undefined;
}

function firstStrings(scopes: Json[], keys: readonly string[]): string[] {
  for (const scope of scopes) for (const key of keys) if (Array.isArray(scope[key])) return (scope[key] as unknown[]).filter((x): x is string => typeof x === 'string');
  return [];
}

function requestEndpoint(protocol: 'seed-000' | 'seed-001', name: string): { name: string; subject: string }[] {
  const profile = protocol === 'seed-000' ? SEED_000_PROFILE : SEED_001_PROFILE;
  return isSubjectToken(name) ? [{ name: 'request', subject: renderSubject(profile.request, { agent: name }) }] : [];
}

function asRecord(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
