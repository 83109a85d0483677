/**
 * What the schema cannot say about serving agents over A2A (`spec.a2a`, an agent's `a2a`): settings
 * that serve nobody, and a listener reachable beyond this machine: without `spec.a2a.credential` it
 * takes calls from anyone; with one, the credential travels in plain http.
 */
import { a2aServed } from './a2a-exposure.js';
import type { Topology } from './schema.js';

type Report = (path: (string | number)[], message: string) => void;

/** Loopback addresses: only this machine reaches them. */
export const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/i;

/** Reports the warnings of the topology's A2A serving (paths under `spec`). */
export function checkA2aServing(topology: Topology, warn: Report): void {
  const settings = topology.spec.a2a;
  if (!settings) return;
  const served = a2aServed(topology);
  if (served.agents.length === 0) {
    warn(['a2a'], "No agent is served over A2A: set spec.a2a.exposeAll, or an agent's a2a: true.");
    return;
  }
  if (LOOPBACK.test(served.host)) return;
  if (!served.credential) {
    warn(['a2a', 'host'], `Served on ${served.host}, the agents take A2A calls from anyone who can reach this address: set spec.a2a.credential (callers must send it), keep 127.0.0.1, or put a proxy that checks callers in front.`);
  } else {
    warn(['a2a', 'host'], `Served on ${served.host} over plain http, callers' credential crosses the network unencrypted: put a TLS proxy in front (and give callers its https URL), or keep 127.0.0.1.`);
  }
}
