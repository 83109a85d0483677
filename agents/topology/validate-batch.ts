/**
 * What the schema cannot say about an agent's `batch` (seed 002): only an agent that answers each
 * request with its own model run can take them in batches, and a window longer than requesters
 * wait lets a batch that does not fill time out before it runs.
 */
import { REQUEST_TIMEOUT_MS } from '../trace/message-facts.js';
import type { Topology } from './schema.js';

type Report = (path: (string | number)[], message: string) => void;

/** The roles whose requests are answered by one OODA run each (the others' requests drive a pattern). */
const BATCHABLE_ROLES: readonly string[] = ['assistant', 'specialist', 'coordinator'];

/** Reports each problem of the agents' `batch` settings (paths under `spec`). */
export function checkBatches(topology: Topology, error: Report, warn: Report): void {
  topology.spec.agents.forEach((agent, i) => {
    const batch = agent.batch;
    if (!batch) return;
    const at = ['agents', i, 'batch'];
    if (!BATCHABLE_ROLES.includes(agent.role)) {
      error(at, `${/^[aeiou]/.test(agent.role) ? 'An' : 'A'} ${agent.role} does not answer requests with a model run of its own (its requests drive its pattern), so it cannot take them in batches; batch works on roles ${BATCHABLE_ROLES.join(', ')}.`);
    }
    if (batch.timeoutMs >= REQUEST_TIMEOUT_MS) {
      warn([...at, 'timeoutMs'], `${batch.timeoutMs} ms is at least the ${REQUEST_TIMEOUT_MS / 1000} s a request waits by default: the members of a batch that does not fill ${batch.size} time out before it runs.`);
    }
  });
}
