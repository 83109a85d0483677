/**
 * Seed 002 A2A negotiation's grants (any profile: the negotiation always speaks seed 002): a
 * proposer publishes a proposal to each of its `with` on `agents.{env}.a2a.negotiate.{agent}`
 * and hears the answers on its own inbox (granted to every agent); an agent proposed to hears its
 * negotiate subject and answers on the proposal's reply subject (allow_responses).
 */
import { seed002Subjects } from '../../protocol/seed-002.js';
import type { Topology } from '../schema.js';
import { grant } from './grants.js';
import type { UserPermissions } from './nats-conf.js';

/** Adds the negotiation grants of every `pattern.negotiate` and `pattern.accept` to `users`. */
export function negotiationGrants(topology: Topology, users: Map<string, UserPermissions>): void {
  const env = topology.spec.environment;
  const answers = (name: string, why: string) => {
    const user = users.get(name);
    // A Synadia protocol agent speaks its own protocol, not seed 002's negotiation.
    if (!user || user.kind === 'synadia') return;
    grant(user.subscribe, seed002Subjects.negotiate(env, name), why);
    user.allowResponses = true;
  };
  for (const agent of topology.spec.agents) {
    const proposer = users.get(agent.name);
    for (const target of agent.pattern?.negotiate?.with ?? []) {
      if (proposer) grant(proposer.publish, seed002Subjects.negotiate(env, target), `negotiation ${agent.name} -> ${target}: proposals`);
      // An external agent proposed to answers by the same subjects (it has no accept rule here).
      if (!topology.spec.agents.some((a) => a.name === target)) answers(target, `negotiation ${agent.name} -> ${target}: proposals to it`);
    }
    if (agent.pattern?.accept) answers(agent.name, 'negotiation: proposals to it, answered on their reply subject');
  }
}
