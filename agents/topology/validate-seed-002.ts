/**
 * What the schema cannot say about a seed-002 topology (agents/protocol/subjects.ts
 * SEED_002_PROFILE): `any` is the task subjects' capability-routing specificity, so no agent may
 * be named so, and a capability is routed on a subject token, so one with spaces or dots cannot be.
 */
import { isSubjectToken, SEED_002_ANY, SEED_002_PROFILE } from '../protocol/subjects.js';
import type { Topology } from './schema.js';

type Report = (path: (string | number)[], message: string) => void;

/** Reports each seed-002 naming problem (paths under `spec`); nothing for other profiles. */
export function checkSeed002(topology: Topology, error: Report, warn: Report): void {
  if (topology.spec.profile !== SEED_002_PROFILE.name) return;
  topology.spec.agents.forEach((agent, i) => {
    if (agent.name === SEED_002_ANY) {
      error(['agents', i, 'name'], `"${SEED_002_ANY}" is seed 002's capability-routing specificity (agents.{env}.task.{capability}.${SEED_002_ANY}): name the agent otherwise.`);
    }
    agent.capabilities.forEach((capability, k) => {
      if (!isSubjectToken(capability)) {
        warn(['agents', i, 'capabilities', k], `"${capability}" cannot be routed to: seed 002 routes a capability on agents.{env}.task.{capability}.${SEED_002_ANY}, one token without ".", "*", ">" or spaces.`);
      }
    });
  });
}
