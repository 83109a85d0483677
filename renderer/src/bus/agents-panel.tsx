/**
 * "Agents on the bus": what discovery (`bus.listAgents`) finds on the NATS server the workbench
 * talks to, in every protocol: seed agents and Synadia Agent Protocol agents. Each can be dragged
 * onto the canvas, or added with its button, as an external agent of the open topology.
 */
import { useEffect, useState, type DragEvent } from 'react';
import type { DiscoveredAgent } from '../../../agents/protocol/discovered-agent';
import { addDiscoveredAt } from '../design/actions';
import { findDiscovered } from '../design/model/add-discovered';
import { findNode } from '../design/model/node-kinds';
import { clearSpot } from '../design/model/positions';
import { useBusStore } from '../stores/bus-store';
import { useDocumentStore } from '../stores/document-store';
import { useServerStore } from '../stores/server-store';
import { useStores } from '../stores/stores-context';
import { agentKey, DISCOVERED_AGENT_MIME, lastSeenText, offersText, promptedOn, PROTOCOL_LABEL, sortAgents, STATUS_LABEL } from './bus-model';
import './bus.css';

const TICK_MS = 5000;

/** The panel. */
export function AgentsPanel() {
  const stores = useStores();
  const { agents, busy, error, refresh } = useBusStore();
  const connection = useServerStore((s) => s.connection);
  const server = useServerStore((s) => s.status?.clientUrl ?? null);
  const topology = useDocumentStore((s) => s.topology);
  const readOnly = useDocumentStore((s) => s.readOnly);
  // "seen 12 s ago" moves on by itself.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);
  // Listed once the host is reachable; after that only on Refresh, since a listing sends probes
  // ($SRV.PING, discovery requests) that a running topology's trace records.
  useEffect(() => {
    if (connection === 'open') void refresh();
  }, [connection, refresh]);

  const add = (agent: DiscoveredAgent) => {
    const design = stores.design.getState();
    const at = design.viewport?.center() ?? { x: 0, y: 0 };
    // In the middle of the view, below whatever is there already.
    const shown = Object.values({ ...design.viewPositions, ...stores.document.getState().topology?.layout.nodes });
    addDiscoveredAt(stores, agent, clearSpot({ x: at.x - 100, y: at.y - 40 }, shown));
  };
  const onDragStart = (event: DragEvent, agent: DiscoveredAgent) => {
    event.dataTransfer.setData(DISCOVERED_AGENT_MIME, JSON.stringify(agent));
    event.dataTransfer.effectAllowed = 'copy';
  };
  const listed = agents ? sortAgents(agents) : [];

  return (
    <section className="bus-agents" aria-label="Agents on the bus" data-testid="bus-agents" aria-busy={busy}>
      <header className="bus-agents-head">
        <h2 className="panel-title">Agents on the bus</h2>
        <button type="button" className="btn btn-small" onClick={() => void refresh()} disabled={busy || connection !== 'open'} data-testid="bus-refresh" title="Listen on the bus again for agents announcing themselves">
          {busy ? 'Listening…' : 'Refresh'}
        </button>
      </header>
      {error && (
        <p className="bus-error" role="alert" data-testid="bus-error">
          Could not list the agents: {error}
        </p>
      )}
      {agents === null && !error && <p className="panel-note">{busy ? 'Listening for agents…' : 'Not listed yet.'}</p>}
      {agents !== null && listed.length === 0 && (
        <p className="panel-note" data-testid="bus-empty">
          Nothing answered on <code>{server ?? 'the server'}</code>: start a run, or point the workbench at your cluster (<code>switchboard serve --nats URL</code>), then Refresh.
        </p>
      )}
      {listed.length > 0 && (
        <>
          <ul className="bus-agent-list">
            {listed.map((agent) => {
              // A seed agent is its name: the topology's own agent of that name is it.
              const onCanvas = topology ? (findDiscovered(topology, agent) ?? (agent.synadia ? null : (findNode(topology, agent.name)?.name ?? null))) : null;
              return (
                <li
                  key={agentKey(agent)}
                  className="bus-agent"
                  draggable={!readOnly}
                  data-testid="bus-agent"
                  data-name={agent.name}
                  data-protocol={agent.protocol}
                  data-status={agent.status}
                  title={`${agent.description || agent.name}${readOnly ? '' : '\nDrag onto the canvas to add it as an external agent.'}`}
                  onDragStart={(e) => onDragStart(e, agent)}
                >
                  <div className="bus-agent-top">
                    <span className={`bus-status bus-status-${agent.status}`} data-testid="bus-status">
                      <span className="dot" aria-hidden="true" />
                      {STATUS_LABEL[agent.status]}
                    </span>
                    <span className={`bus-protocol bus-protocol-${agent.protocol}`}>{PROTOCOL_LABEL[agent.protocol]}</span>
                  </div>
                  <div className="bus-agent-name">{agent.name}</div>
                  {agent.synadia && (
                    <div className="bus-agent-line" title={promptedOn(agent)}>
                      agent <span className="mono">{agent.synadia.agent}</span> · owner <span className="mono">{agent.synadia.owner}</span>
                    </div>
                  )}
                  <div className="bus-agent-line" data-testid="bus-offers">
                    {offersText(agent)}
                  </div>
                  <div className="bus-agent-line muted" data-testid="bus-seen">
                    {lastSeenText(agent.lastSeen, now)}
                    {agent.node && <> · on {agent.node}</>}
                    {agent.instances > 1 && <> · {agent.instances} instances</>}
                  </div>
                  <button
                    type="button"
                    className="btn btn-small bus-add"
                    onClick={() => add(agent)}
                    disabled={readOnly}
                    data-testid="bus-add"
                    title={onCanvas ? `Already on the canvas as ${onCanvas}: select it` : 'Add it to the canvas as an external agent'}
                  >
                    {onCanvas ? `On the canvas: ${onCanvas}` : 'Add to canvas'}
                  </button>
                </li>
              );
            })}
          </ul>
          <p className="panel-note">Drag an agent onto the canvas, or press its button, to add it as an external agent your agents can call.</p>
        </>
      )}
    </section>
  );
}
