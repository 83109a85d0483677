/**
 * Subjects as data. A profile names the subject templates a topology speaks; seed 000's is the
 * default, seed 001's is the other fully supported one. Templates use `{agent}`, `{from}`, `{to}`,
 * `{message_id}`; every substituted value must be a single subject token.
 */
import { z } from 'zod';

/** Which wire format travels on the request subject. */
const WireFormatSchema = z.enum(['agent-message', 'task']);
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

/** The profiles shipped with the runtime, by name. */
export const SUBJECT_PROFILES: Record<string, SubjectProfile> = {
  [SEED_000_PROFILE.name]: SEED_000_PROFILE,
  [SEED_001_PROFILE.name]: SEED_001_PROFILE,
};

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
