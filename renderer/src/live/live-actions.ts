/** What the live canvas lets the user do: show an agent's or a finding's records in the Trace view, show a finding's line. */
import { listConnections } from '../design/model/connections';
import type { Stores } from '../stores/stores';
import { setFilterToken } from '../trace/trace-filter';
import type { Finding } from './overlays';

/** Opens the canvas's run in the Trace view (when it shows another) and applies `tokens` to its filter. */
async function filterTrace(stores: Stores, tokens: { subject?: string | null; agent?: string | null }): Promise<void> {
  const trace = stores.trace.getState();
  const runId = stores.live.getState().runId;
  stores.view.getState().setView('trace');
  if (runId && trace.runId !== runId) await trace.openRun(runId);
  let text = stores.trace.getState().filterText;
  if (tokens.subject !== undefined) text = setFilterToken(text, 'subject', tokens.subject);
  if (tokens.agent !== undefined) text = setFilterToken(text, 'agent', tokens.agent);
  await stores.trace.getState().setFilterText(text);
}

/** The Trace view, filtered to what `agent` sent or received. */
export function showAgentInTrace(stores: Stores, agent: string): Promise<void> {
  return filterTrace(stores, { agent });
}

/** The Trace view, filtered to the records behind a finding. */
export function showFindingInTrace(stores: Stores, finding: Finding): Promise<void> {
  return filterTrace(stores, { subject: finding.filter.subject, agent: finding.filter.agent ?? null });
}

/** Shows a finding's line: a line of the topology is selected and revealed, an undeclared one highlighted. */
export function showFinding(stores: Stores, finding: Finding): void {
  const live = stores.live.getState();
  const topology = stores.document.getState().topology;
  const line = finding.line && topology ? listConnections(topology).find((c) => c.id === finding.line) : undefined;
  if (line && line.source.type === 'edge') {
    live.setHighlight(null);
    stores.view.getState().revealPlace({ path: ['spec', 'edges', line.source.index], target: { type: 'edge', id: line.id } });
    return;
  }
  live.setHighlight(finding.line);
  stores.view.getState().setView('design');
}
