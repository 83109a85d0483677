/**
 * What republishing a captured message requires, checked the same way in the detail pane (before
 * sending) and in the host (`trace.republish`): a subject a message can be published on. Isomorphic.
 */
import { z } from 'zod';
import { AgentMessageSchema } from '../protocol/agent-message.js';

/** The name the workbench publishes as (its reply inboxes are `_INBOX_switchboard_workbench.…`). */
export const WORKBENCH_SENDER = 'switchboard_workbench';

/** Why a message cannot be published on `subject`, or null when it can. */
export function publishSubjectProblem(subject: string): string | null {
  if (subject === '') return 'the subject is empty';
  if (/\s/.test(subject)) return 'a subject cannot contain spaces, tabs or line breaks';
  const tokens = subject.split('.');
  if (tokens.includes('')) return `"${subject}" has an empty token (two dots in a row, or a dot at either end)`;
  if (tokens.some((t) => t === '*' || t === '>')) return `"${subject}" has a wildcard: messages are published on a concrete subject (* and > are for subscribing)`;
  return null;
}

/** AgentMessageSchema as JSON Schema (what may be written: defaulted fields optional), for the republish editor. */
export function agentMessageJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(AgentMessageSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
