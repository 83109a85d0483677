/**
 * How the trace labels the Synadia Agent Protocol's messages, which are not AgentMessages: a
 * prompt (`agents.prompt.…`), a heartbeat (`agents.hb.…`), a status request (`agents.status.…`),
 * and on a prompt's reply inbox its response chunks, acks and other status chunks, questions
 * back, the error and the end of stream. Pure functions of a record and, for what travels on an
 * inbox, the prompt it answers. Isomorphic.
 */
import { decodeSynadiaChunk, parseSynadiaSubject, SYNADIA_ERROR_CODE_HEADER, SYNADIA_ERROR_HEADER } from '../protocol/synadia.js';
import { inboxAgent, requestSubjectAgent } from './message-facts.js';
import type { MessageRecord } from './record.js';

/** The row types of the protocol's messages. */
export const SYNADIA_ROW_TYPES = [
  'synadia.prompt',
  'synadia.response',
  'synadia.ack',
  'synadia.status',
  'synadia.query',
  'synadia.chunk',
  'synadia.error',
  'synadia.end',
  'synadia.heartbeat',
  'synadia.status_request',
] as const;
/** One of {@link SYNADIA_ROW_TYPES}. */
export type SynadiaRowType = (typeof SYNADIA_ROW_TYPES)[number];

/** The protocol's label of a message by its subject alone (prompt, heartbeat, status request), else null: what the index keeps. */
export function synadiaSubjectType(subject: string): SynadiaRowType | null {
  // One check for every other subject.
  if (!subject.startsWith('agents.')) return null;
  const verb = parseSynadiaSubject(subject)?.verb;
  return verb === 'prompt' ? 'synadia.prompt' : verb === 'hb' ? 'synadia.heartbeat' : verb === 'status' ? 'synadia.status_request' : null;
}

/** A prompt's agents, as the index keeps them: the asker (its inbox prefix) and the agent its subject names; else none. */
export function synadiaPromptAgents(subject: string, reply: string | null): string[] {
  if (synadiaSubjectType(subject) !== 'synadia.prompt') return [];
  const asker = reply === null ? null : inboxAgent(reply);
  const asked = requestSubjectAgent(subject);
  return [asker, asked].filter((a): a is string => a !== null && a !== '');
}

/** True when `record` is a prompt of the protocol (published on `agents.prompt.{agent}.{owner}.{name}`). */
export const isSynadiaPrompt = (record: MessageRecord): boolean => record.subject.startsWith('agents.prompt.') && parseSynadiaSubject(record.subject)?.verb === 'prompt';

/** A header's values in any letter case (recorders keep header names as sent). */
function header(record: MessageRecord, name: string): string | null {
  if (!record.headers) return null;
  const lower = name.toLowerCase();
  for (const key in record.headers) if (key.toLowerCase() === lower) return record.headers[key]![0] ?? '';
  return null;
}

/** `429: too many prompts` for a message carrying the protocol's error headers, else null. */
export function synadiaError(record: MessageRecord): string | null {
  const code = header(record, SYNADIA_ERROR_CODE_HEADER);
  if (code === null || code === '') return null;
  const description = header(record, SYNADIA_ERROR_HEADER);
  return description ? `${code}: ${description}` : code;
}

/**
 * The protocol's label of a message: by its subject (prompt, heartbeat, status request), or as a
 * message on the reply inbox of `prompt` (the prompt it answers, when known); null otherwise.
 */
export function synadiaRowType(record: MessageRecord, prompt: MessageRecord | null): SynadiaRowType | null {
  if (record.subject.startsWith('agents.')) return synadiaSubjectType(record.subject);
  if (!prompt || prompt.reply !== record.subject || !isSynadiaPrompt(prompt)) return null;
  if (synadiaError(record) !== null) return 'synadia.error';
  if (record.size === 0) return record.headers ? null : 'synadia.end'; // a header-only 503 is the server's "no responders"
  if (record.encoding !== 'utf8' || record.truncated) return 'synadia.chunk';
  const chunk = decodeSynadiaChunk(record.payload);
  if (!chunk.ok) return 'synadia.chunk';
  switch (chunk.value.type) {
    case 'response':
      return 'synadia.response';
    case 'status':
      return chunk.value.status === 'ack' ? 'synadia.ack' : 'synadia.status';
    case 'query':
      return 'synadia.query';
    default:
      return 'synadia.chunk';
  }
}
