/**
 * Seed 002's grants beyond what every agent has (nats-conf.ts ownGrants: its own status subject,
 * every status, its addressed and capability task subscriptions): discovery (hear requests, answer
 * on the inbox or on `agents.{env}.discovery.responses`), results on the seed's result subjects
 * (a task's `replyTo` without an inbox), and a request edge's capability routing (`@capability`
 * asks go to `agents.{env}.task.{capability}.any` for each capability of the edge's target).
 */
import { seed002Subjects } from '../../protocol/seed-002.js';
import { isSubjectToken, renderSubject, type SubjectProfile } from '../../protocol/subjects.js';
import type { Topology } from '../schema.js';
import { grant } from './grants.js';
import type { UserPermissions } from './nats-conf.js';

/** Adds seed 002's discovery, result and capability-routing grants (a no-op for other profiles). */
export function seed002Grants(topology: Topology, users: Map<string, UserPermissions>, profile: SubjectProfile): void {
  const capabilityTemplate = profile.capability;
  if (!capabilityTemplate || !profile.discovery) return;
  const env = topology.spec.environment;
  for (const user of users.values()) {
    if (user.kind !== 'agent' && user.kind !== 'external') continue;
    user.allowResponses = true; // discovery answers and capability tasks come with a reply inbox
    grant(user.subscribe, profile.discovery, 'seed 002 discovery requests (every agent answers)');
    grant(user.publish, seed002Subjects.discoveryResponses(env), "discovery answers to a request without a reply inbox");
    grant(user.publish, seed002Subjects.result(env, '*', '*'), "results on a task's replyTo (the seed's agents.{env}.result.{agent}.{task_type})");
  }
  for (const edge of topology.spec.edges) {
    const from = users.get(edge.from);
    if (edge.kind !== 'request' || !from || from.kind === 'synadia') continue;
    const capabilities = topology.spec.agents.find((a) => a.name === edge.to)?.capabilities ?? [];
    for (const capability of capabilities.filter(isSubjectToken)) grant(from.publish, renderSubject(capabilityTemplate, { capability }), `request edge ${edge.from} -> ${edge.to}: ask by capability (@${capability})`);
  }
}
