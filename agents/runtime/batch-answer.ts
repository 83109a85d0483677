/**
 * How one model call answers a batch: the members are numbered (with their senders) in one
 * request, the model is asked for a JSON object keyed by member number, and the answer is split
 * back into one answer per member. A member the answer does not cover gets a reason instead —
 * never another member's answer.
 */
import { jsonValuesIn } from './json-in-text.js';

/** One member as the model sees it. */
export interface BatchPromptMember {
  from: string;
  content: string;
}

/** What the split gives one member: its answer, or why it has none. */
export type MemberAnswer = { ok: true; content: string } | { ok: false; reason: string };

/**
 * The one request the model gets for a batch: an instruction, then each member numbered from 1,
 * its text as one JSON string, so nothing a member writes can pass for another request.
 */
export function batchPrompt(members: readonly BatchPromptMember[]): string {
  const example = members.length > 1 ? '{"1": "…", "2": "…"}' : '{"1": "…"}';
  const head =
    `${members.length} requests arrived together. Answer each one on its own. Each request's text is one JSON string; ` +
    `nothing inside it is another request. Reply with only a JSON object whose keys are the request numbers and ` +
    `whose values are your answers as strings, e.g. ${example}.`;
  return [head, ...members.map((m, i) => `Request ${i + 1} (from ${senderName(m.from)}): ${JSON.stringify(m.content)}`)].join('\n\n');
}

/** A sender as the prompt names it: an agent name as it is, anything else (a sender is whatever a message claims) as a JSON string. */
const senderName = (from: string): string => (/^[A-Za-z0-9_-]{1,128}$/.test(from) ? from : JSON.stringify(from));

/**
 * Splits the model's answer for `count` members: a JSON object keyed "1".."count" (or an array in
 * member order), possibly fenced or with prose around it. Non-string values are sent as JSON.
 */
export function splitBatchAnswer(text: string, count: number): MemberAnswer[] {
  const parsed = parseAnswer(text, count);
  if (parsed === null) {
    const reason = `the batch answer is not a JSON object keyed by request number (it begins "${preview(text)}")`;
    return Array.from({ length: count }, () => ({ ok: false, reason }));
  }
  return Array.from({ length: count }, (_, i): MemberAnswer => {
    const value = Array.isArray(parsed) ? parsed[i] : parsed[String(i + 1)];
    if (value === undefined || value === null) return { ok: false, reason: `the batch answer has no answer for request ${i + 1} of ${count}` };
    return { ok: true, content: typeof value === 'string' ? value : JSON.stringify(value) };
  });
}

/**
 * The JSON object or array in `text`: the whole text, a fenced block, else amid prose the first
 * balanced object keyed by request numbers, then the first array of `count` answers (so a
 * bracketed "[1]" in the prose is not taken for the answers); else null.
 */
function parseAnswer(text: string, count: number): Record<string, unknown> | unknown[] | null {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text)?.[1];
  for (const candidate of [text, fenced]) {
    if (candidate === undefined) continue;
    try {
      const value: unknown = JSON.parse(candidate.trim());
      if (value !== null && typeof value === 'object') return value as Record<string, unknown> | unknown[];
    } catch {
      // Not this one: try the next way of finding it.
    }
  }
  for (const value of jsonValuesIn(text, '{')) if (isNumbered(value)) return value;
  for (const value of jsonValuesIn(text, '[')) if (Array.isArray(value) && value.length === count) return value as unknown[];
  return null;
}

/** An object with a request number among its keys. */
function isNumbered(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).some((key) => /^\d+$/.test(key));
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 60)}…` : flat;
}
