/**
 * What the schema cannot say about seed 002 A2A negotiations: a proposer's `with` names agents
 * (or external agents) that exist, once each, not itself; `best-terms` says which term is best;
 * an agent of the topology proposed to without `pattern.accept` never answers. Isomorphic.
 */
import type { Topology } from './schema.js';

type Report = (path: (string | number)[], message: string) => void;

/** The negotiation problems of `topology`, reported at `spec.agents.N.pattern.negotiate…`. */
export function checkNegotiations(topology: Topology, error: Report, warn: Report): void {
  const spec = topology.spec;
  const agents = new Map(spec.agents.map((a) => [a.name, a]));
  const externals = new Set(spec.externalAgents.map((e) => e.name));
  spec.agents.forEach((agent, i) => {
    const negotiate = agent.pattern?.negotiate;
    if (!negotiate) return;
    const at = (...rest: (string | number)[]) => ['agents', i, 'pattern', 'negotiate', ...rest];
    const seen = new Set<string>();
    negotiate.with.forEach((name, j) => {
      if (name === agent.name) return error(at('with', j), `${agent.name} cannot negotiate with itself.`);
      if (seen.has(name)) return error(at('with', j), `"${name}" is listed twice in negotiate.with.`);
      seen.add(name);
      const target = agents.get(name);
      if (!target && !externals.has(name)) {
        const known = [...agents.keys(), ...externals].filter((n) => n !== agent.name);
        return error(at('with', j), `Unknown agent "${name}" in negotiate.with${known.length ? ` (agents: ${known.join(', ')})` : ''}.`);
      }
      if (target && !target.pattern?.accept) warn(at('with', j), `${name} has no pattern.accept, so it never answers proposals: it is recorded as timed out.`);
    });
    if (negotiate.decision === 'best-terms' && !negotiate.prefer) error(at('decision'), 'decision best-terms needs negotiate.prefer { term, order } (which term ranks the accepted offers).');
  });
}
