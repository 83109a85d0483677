/**
 * What a stop could not hand to the bus, said in one short line per loss: the CLI prints these on
 * stderr, serve and the app log them. A stop that reached everything says nothing.
 */

/** How one agent instance's goodbye went. */
export interface AgentStopReport {
  /** Its offline announcement reached the server. */
  announced: boolean;
  /** Its registry entry was marked offline; null when it has none. */
  deregistered: boolean | null;
  /** A server was reachable when it said goodbye (false: every server was gone). */
  reachable: boolean;
}

/** The report of an instance that had nothing left to say (never started, or already stopped). */
export const NOTHING_TO_SAY: AgentStopReport = { announced: true, deregistered: null, reachable: true };

/** One line per kind of loss across `reports` (agents of one network), e.g. "could not tell the bus that 3 agents went offline (no server reachable)". */
export function unflushedLines(reports: readonly AgentStopReport[]): string[] {
  const lines: string[] = [];
  // A reachable server that did not confirm may have refused (a registry without a stream leader) or been late.
  const why = (lost: readonly AgentStopReport[]) => (lost.every((r) => !r.reachable) ? 'no server reachable' : 'the server did not confirm it');
  const agents = (n: number) => (n === 1 ? '1 agent' : `${n} agents`);
  const silent = reports.filter((r) => !r.announced);
  if (silent.length) lines.push(`could not tell the bus that ${agents(silent.length)} went offline (${why(silent)})`);
  const registered = reports.filter((r) => r.deregistered === false);
  if (registered.length) {
    lines.push(`could not mark ${agents(registered.length)} offline in the registry (${why(registered)}); peers drop ${registered.length === 1 ? 'it' : 'them'} after missed heartbeats`);
  }
  return lines;
}
