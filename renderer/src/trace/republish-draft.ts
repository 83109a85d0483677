/**
 * Edit & republish, the rules: the editor's starting text for a captured message (an
 * AgentMessage gets a new `message_id` and `timestamp`, so that its answer threads to the new
 * message and not to the original), and what an edited draft would send or why it is refused.
 * Pure and DOM-free (unit-tested); the host checks the subject again (agents/trace/republish.ts).
 */
import { decodeAgentMessage, type Decoded } from '../../../agents/protocol/codec';
import type { AgentMessage } from '../../../agents/protocol/agent-message';
import type { MessageRecord, TraceRecord } from '../../../agents/trace/record';
import { publishSubjectProblem } from '../../../agents/trace/republish';
import { INJECTED_HEADER } from '../../../agents/trace/row-facts';

/** What the editor starts from, and what it sends besides its text. */
export interface RepublishDraft {
  seq: number;
  subject: string;
  text: string;
  /** The captured headers, without the injected mark (the host sets it). */
  headers: Record<string, string[]>;
  /** Publish as a request (on a fresh reply inbox): true when the captured message had a reply subject. */
  request: boolean;
  /** The captured message id when the draft has a new one. */
  renewedFrom: string | null;
}

/** A new message id and time, as the runtime writes them. */
export interface Fresh {
  id: string;
  time: string;
}

/** Why `record` cannot be republished from the editor, or null when it can. */
export function cannotRepublish(record: TraceRecord): string | null {
  if (record.kind !== 'message') return 'an event of the runtime was never on the bus';
  if (record.encoding !== 'utf8') return 'a binary payload cannot be edited as text';
  return null;
}

/** The editor's starting point for a captured message. */
export function draftOf(record: MessageRecord, fresh: Fresh): RepublishDraft {
  const headers: Record<string, string[]> = {};
  for (const [key, values] of Object.entries(record.headers ?? {})) if (key.toLowerCase() !== INJECTED_HEADER.toLowerCase()) headers[key] = values;
  const base = { seq: record.seq, subject: record.subject, headers, request: record.reply !== null };
  let raw: unknown;
  try {
    raw = JSON.parse(record.payload);
  } catch {
    return { ...base, text: record.payload, renewedFrom: null };
  }
  if (!record.parsed.ok || typeof raw !== 'object' || raw === null) return { ...base, text: JSON.stringify(raw, null, 2), renewedFrom: null };
  // Spread over the captured object: its keys keep their order, only the two values change.
  const renewed = { ...(raw as Record<string, unknown>), message_id: fresh.id, timestamp: fresh.time };
  return { ...base, text: JSON.stringify(renewed, null, 2), renewedFrom: record.parsed.message.message_id };
}

/** What an edited draft would send: the subject's problem, and the payload as an AgentMessage or why it is not one. */
export interface DraftCheck {
  subjectProblem: string | null;
  payload: Decoded<AgentMessage>;
}

/** Checks a draft's subject and text. */
export function checkDraft(subject: string, text: string): DraftCheck {
  return { subjectProblem: publishSubjectProblem(subject), payload: decodeAgentMessage(text) };
}
