/**
 * Subjects as data. A profile names the subject templates a topology speaks; seed 000's is the
 * default, seed 001's and seed 002's are the others. Templates use `{agent}`, `{from}`, `{to}`,
 * `{message_id}` and (seed 002) `{env}`, the topology's `spec.environment`, filled once by
 * {@link profileFor}; every substituted value must be a single subject token.
 */
import { z } from 'zod';

/** Which wire format travels on the request subject. */
const WireFormatSchema = z.enum(['agent-message', 'task', 'seed-002']);
export type WireFormat = z.infer<typeof WireFormatSchema>;

/** The subject templates of one profile. Absent entries are channels the profile does not have. */
export const SubjectProfileSchema = z.object({
  name: z.string(),
  wire: WireFormatSchema,
  broadcast: z.string(),
  request: z.string(),
  direct: z.string().optional(),
  response: z.string().optional(),
  handoff: z.string().optional(),
  /** Where the agent listens for requests when wider than `request` (seed 002: any task type addressed to it). */
  listen: z.string().optional(),
  /** Capability routing: one agent having `{capability}` takes each task (a queue group per capability). */
  capability: z.string().optional(),
  /** Where agents answer discovery requests (every agent answers; no queue group). */
  discovery: z.string().optional(),
});
export type SubjectProfile = z.infer<typeof SubjectProfileSchema>;

/** The JetStream KV bucket agents register in. */
export const DEFAULT_REGISTRY_BUCKET = 'switchboard_agents';

/** The inbox prefix of an agent's connection (`_INBOX_weather_bot`): exported permissions grant it. */
export const inboxPrefixOf = (agent: string) => `_INBOX_${agent}`;

/** Seed 000: `agents.*` with AgentMessage everywhere. The default. */
export const SEED_000_PROFILE: SubjectProfile = {
  name: 'seed-000',
  wire: 'agent-message',
  broadcast: 'agents.all',
  direct: 'agents.direct.{agent}',
  request: 'agents.request.{agent}',
  response: 'agents.response.{agent}.{message_id}',
  handoff: 'agents.handoff.{from}.to.{to}',
};

/** Seed 001: `agent.{name}.task` request/reply with TaskRequest/TaskResponse. */
export const SEED_001_PROFILE: SubjectProfile = {
  name: 'seed-001',
  wire: 'task',
  broadcast: 'platform.events.agents',
  request: 'agent.{agent}.task',
};

/**
 * Seed 002 (the NATS integration guide): `agents.{env}.{message_type}.{domain}.{specificity}` with
 * its envelope. Task subjects are `agents.{env}.task.{capability}.{specificity}`; the seed leaves
 * specificity open (its agent subscribes `task.analysis.*`), so Switchboard's convention is:
 * specificity `any` = capability routing (every agent having the capability, replicas included,
 * shares one queue group per capability: exactly one takes the task), specificity = an agent's
 * name = a task addressed to that agent (its replicas share it), whatever the task type; its own
 * requests use the task type `chat`. An agent may therefore not be named `any`. Status messages
 * (start, heartbeats, stop) go on the agent's status subject, which is the profile's presence channel.
 * A result goes to the task's reply inbox, else to its `replyTo`; it is not also published on
 * `agents.{env}.result.{agent}.{task_type}`: a third-party listener names that subject as `replyTo`
 * (exported configs allow results there), and every answer is not sent twice.
 */
export const SEED_002_PROFILE: SubjectProfile = {
  name: 'seed-002',
  wire: 'seed-002',
  broadcast: 'agents.{env}.status.{agent}',
  request: 'agents.{env}.task.chat.{agent}',
  listen: 'agents.{env}.task.*.{agent}',
  capability: 'agents.{env}.task.{capability}.any',
  discovery: 'agents.{env}.discovery.requests',
};

/** Seed 002's capability-routing specificity (see {@link SEED_002_PROFILE}). */
export const SEED_002_ANY = 'any';

/** The profiles shipped with the runtime, by name. */
export const SUBJECT_PROFILES: Record<string, SubjectProfile> = {
  [SEED_000_PROFILE.name]: SEED_000_PROFILE,
  [SEED_001_PROFILE.name]: SEED_001_PROFILE,
  [SEED_002_PROFILE.name]: SEED_002_PROFILE,
};

/** The profile `name` with `{env}` filled in (seed 002); undefined for an unknown name. Other profiles come back as they are. */
export function profileFor(name: string, environment: string): SubjectProfile | undefined {
  const profile = SUBJECT_PROFILES[name];
  if (!profile || !Object.values(profile).some((v) => v.includes('{env}'))) return profile;
  if (!isSubjectToken(environment)) throw new Error(`"${environment}" cannot stand in a subject as {env}: it must be one token without ".", "*", ">" or spaces.`);
  const filled = Object.entries(profile).map(([key, value]) => [key, key === 'name' || key === 'wire' ? value : value.replaceAll('{env}', environment)]);
  return Object.fromEntries(filled) as SubjectProfile;
}

/** The subject an agent publishes its presence and broadcasts on (seed 002: its own status subject). */
export const broadcastSubject = (profile: SubjectProfile, agent: string): string => renderSubject(profile.broadcast, { agent });

/** What an agent subscribes to for others' presence and broadcasts (seed 002: every status subject). */
export const broadcastPattern = (profile: SubjectProfile): string => profile.broadcast.replace('{agent}', '*');

/** What names a capability instead of an agent in a request's addressee (seed 002: `@network`, any agent having it). */
export const CAPABILITY_PREFIX = '@';

/** Where a request to `to` goes: its request subject, or with seed 002 for `@capability` the capability's task subject. */
export function requestSubjectOf(profile: SubjectProfile, to: string): string {
  if (profile.capability && to.startsWith(CAPABILITY_PREFIX)) return renderSubject(profile.capability, { capability: to.slice(CAPABILITY_PREFIX.length) });
  return renderSubject(profile.request, { agent: to });
}

/** Every request subscription of `agent`: subject and queue group (its own name, or the capability's). */
export function requestListens(profile: SubjectProfile, agent: string, capabilities: readonly string[] = []): [subject: string, queue: string][] {
  const own: [string, string] = [profile.listen ? profile.listen.replace('{agent}', agent) : renderSubject(profile.request, { agent }), agent];
  if (!profile.capability) return [own];
  const template = profile.capability;
  return [own, ...capabilities.filter(isSubjectToken).map((capability): [string, string] => [renderSubject(template, { capability }), `capability.${capability}`])];
}

const TOKEN = /^[^\s.*>]+$/;

/** True when `value` can stand as one token of a subject (no dots, spaces, or wildcards). */
export const isSubjectToken = (value: string): boolean => TOKEN.test(value);

/** True when `subject` is a valid concrete subject (no wildcards, no empty tokens). */
export const isSubject = (subject: string): boolean => subject.length > 0 && subject.split('.').every((t) => TOKEN.test(t));

/** True when `pattern` is a valid subscription subject: tokens, `*` tokens, and `>` last only. */
export function isSubjectPattern(pattern: string): boolean {
  const tokens = pattern.split('.');
  return tokens.every((t, i) => t === '*' || (t === '>' && i === tokens.length - 1) || TOKEN.test(t));
}

/** Fills a template; throws when a value is not a single subject token or a placeholder is left. */
export function renderSubject(template: string, values: Record<string, string>): string {
  const subject = template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`Subject template "${template}" needs {${key}}.`);
    if (!isSubjectToken(value)) throw new Error(`"${value}" cannot stand in a subject as {${key}}: it must be one token without ".", "*", ">" or spaces.`);
    return value;
  });
  return subject;
}

/** NATS matching: `*` matches one token, `>` one or more trailing tokens. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    const token = p[i];
    if (token === '>') return s.length > i;
    if (i >= s.length) return false;
    if (token !== '*' && token !== s[i]) return false;
  }
  return p.length === s.length;
}
