/** The left palette: the kinds of node a topology is made of, and the agents on the bus; drag one onto the canvas (or click to add it). */
import type { DragEvent, ReactNode } from 'react';
import { A2aCardPanel } from '../bus/a2a-card-panel';
import { AgentsPanel } from '../bus/agents-panel';
import { addNodeAt } from '../design/actions';
import { NODE_KIND_MIME } from '../design/canvas/designer-canvas';
import { BoardIcon, ExternalIcon, McpIcon, RoleIcon, ToolIcon } from '../design/canvas/icons';
import { LINE_STYLE } from '../design/canvas/line-style';
import { CONNECTION_KINDS, CONNECTION_LABEL } from '../design/model/connection-kinds';
import type { NodeKind } from '../design/model/node-kinds';
import { useStores } from '../stores/stores-context';

const KINDS: { kind: NodeKind; label: string; hint: string; icon: ReactNode }[] = [
  { kind: 'agent', label: 'Agent', hint: 'An LLM agent with an OODA loop', icon: <RoleIcon role="assistant" /> },
  { kind: 'external', label: 'External agent', hint: 'An agent in another process or language', icon: <ExternalIcon /> },
  { kind: 'tool', label: 'Tool', hint: 'A tool agents may be allowed to call', icon: <ToolIcon /> },
  { kind: 'mcp', label: 'MCP server', hint: 'Tools from an MCP server', icon: <McpIcon /> },
  { kind: 'blackboard', label: 'Blackboard', hint: 'Shared state in a JetStream KV bucket', icon: <BoardIcon /> },
];

/** The palette. */
export function Palette() {
  const stores = useStores();
  const onDragStart = (event: DragEvent, kind: NodeKind) => {
    event.dataTransfer.setData(NODE_KIND_MIME, kind);
    event.dataTransfer.effectAllowed = 'copy';
  };
  const addAtCentre = (kind: NodeKind) => {
    const at = stores.design.getState().viewport?.center() ?? { x: 0, y: 0 };
    addNodeAt(stores, kind, { x: at.x - 100, y: at.y - 40 });
  };
  return (
    <aside className="side-panel palette" aria-label="Palette">
      <h2 className="panel-title">Palette</h2>
      <ul className="palette-list">
        {KINDS.map(({ kind, label, hint, icon }) => (
          <li
            key={kind}
            className="palette-item palette-draggable"
            title={`${hint}. Drag onto the canvas, or double-click to add.`}
            draggable
            tabIndex={0}
            data-testid={`palette-${kind}`}
            onDragStart={(e) => onDragStart(e, kind)}
            onDoubleClick={() => addAtCentre(kind)}
            onKeyDown={(e) => e.key === 'Enter' && addAtCentre(kind)}
          >
            <span className={`palette-icon palette-icon-${kind === 'mcp' ? 'mcp-server' : kind === 'external' ? 'external-agent' : kind}`} aria-hidden="true">
              {icon}
            </span>
            <span>
              <span className="palette-kind">{label}</span>
              <span className="palette-hint">{hint}</span>
            </span>
          </li>
        ))}
      </ul>
      <AgentsPanel />
      <A2aCardPanel />
      <p className="panel-note">Drag from a node’s right handle to another node to connect them; the line’s kind follows from the two ends.</p>
      <div className="palette-legend" aria-label="Line kinds">
        {CONNECTION_KINDS.map((kind) => (
          <span key={kind} className="palette-legend-row">
            <svg width="30" height="8" aria-hidden="true">
              <line x1="1" y1="4" x2="29" y2="4" stroke={LINE_STYLE[kind].color} strokeWidth={2} strokeDasharray={LINE_STYLE[kind].dash} />
            </svg>
            {CONNECTION_LABEL[kind]}
          </span>
        ))}
      </div>
    </aside>
  );
}
