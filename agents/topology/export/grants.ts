/**
 * The building blocks of an exported user's permissions: a new user, a grant with its reason, and
 * the response-subject pattern of a responder. Shared by nats-conf.ts and nats-conf-synadia.ts.
 */
import { renderSubject } from '../../protocol/subjects.js';
import type { Grant, UserKind, UserPermissions } from './nats-conf.js';

/** A user with nothing allowed yet. */
export function newUser(name: string, kind: UserKind): UserPermissions {
  return { name, kind, publish: [], subscribe: [], allowResponses: false, buckets: [] };
}

/** Adds a subject once; a second reason joins the first. */
export function grant(list: Grant[], subject: string, why: string): void {
  const seen = list.find((g) => g.subject === subject);
  if (!seen) list.push({ subject, why });
  else if (!seen.why.split('; ').includes(why)) seen.why += `; ${why}`;
}

/** The responder's response subject for any message id: an id is one token, so `*`, not `>`. */
export function responsePattern(template: string, agent: string): string {
  return renderSubject(template.replaceAll('{message_id}', '*'), { agent });
}

/** A user name not yet taken: `base`, else `base-2`, `base-3`… */
export function freeName(base: string, taken: (name: string) => boolean): string {
  let name = base;
  for (let n = 2; taken(name); n++) name = `${base}-${n}`;
  return name;
}
