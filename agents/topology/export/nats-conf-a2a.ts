/**
 * The A2A serving part of an exported config: an agent served over A2A runs the run client
 * `a2a_client` on its own credentials (as `synadia_client` for the Synadia protocol), which asks
 * the agent on callers' behalf over the bus. The HTTP side needs no NATS grant. Isomorphic.
 */
import { inboxPrefixOf, renderSubject, type SubjectProfile } from '../../protocol/subjects.js';
import { A2A_CLIENT_NAME, a2aServed } from '../a2a-exposure.js';
import type { Topology } from '../schema.js';
import { grant, responsePattern } from './grants.js';
import type { UserPermissions } from './nats-conf.js';

/** Adds what `a2a_client` needs to the users of the agents served over A2A. */
export function a2aGrants(topology: Topology, users: Map<string, UserPermissions>, profile: SubjectProfile): void {
  for (const name of a2aServed(topology).agents) {
    const user = users.get(name);
    if (user) runClientGrants(user, A2A_CLIENT_NAME, profile, "asks the agent on an A2A caller's behalf");
  }
}

/**
 * A run client (an Agent asking `user`'s agent for a protocol's callers) on `user`'s credentials:
 * its own request/direct subjects (it listens there, nobody publishes), its inbox, the agent's
 * request subject, and the stream frames it relays.
 */
export function runClientGrants(user: UserPermissions, client: string, profile: SubjectProfile, asks: string): void {
  const why = `${client} (runs on this user): `;
  grant(user.subscribe, renderSubject(profile.request, { agent: client }), `${why}its Agent listens on its request subject (nobody may publish there)`);
  if (profile.direct) grant(user.subscribe, renderSubject(profile.direct, { agent: client }), `${why}and its direct subject (nobody may publish there)`);
  grant(user.subscribe, `${inboxPrefixOf(client)}.>`, `${why}its inbox: the agent's replies`);
  grant(user.publish, renderSubject(profile.request, { agent: user.name }), `${why}${asks}`);
  user.allowResponses = true; // the agent answers those requests
  if (profile.response) {
    grant(user.subscribe, responsePattern(profile.response, user.name), `${why}the stream frames it relays`);
    grant(user.publish, responsePattern(profile.response, user.name), 'stream frames of its answers');
  }
}
