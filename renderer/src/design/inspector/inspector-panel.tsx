/**
 * The inspector's content: the selected node's or line's form; a summary for several; the
 * topology's settings and the NATS server when nothing is selected.
 */
import { useMemo } from 'react';
import { ServerCard } from '../../server/server-card';
import { useDocumentStore } from '../../stores/document-store';
import { deleteSelection, duplicateSelection } from '../actions';
import { useDesignStore } from '../../stores/design-store';
import { listConnections } from '../model/connections';
import { findNode } from '../model/node-kinds';
import { LineInspector } from './line-inspector';
import { NodeInspector } from './node-inspector';
import { TopologyCard } from './topology-card';
import '../design.css';
import { useStores } from '../../stores/stores-context';

/** The inspector's body. */
export function InspectorPanel() {
  const stores = useStores();
  const topology = useDocumentStore((s) => s.topology);
  const problems = useDocumentStore((s) => s.problems);
  const selection = useDesignStore((s) => s.selection);
  const lines = useMemo(() => (topology && selection.edges.length ? listConnections(topology) : []), [topology, selection.edges.length]);

  const nodes = topology ? selection.nodes.flatMap((n) => findNode(topology, n) ?? []) : [];
  const edges = selection.edges.flatMap((id) => lines.find((l) => l.id === id) ?? []);
  if (topology && nodes.length === 1 && edges.length === 0) return <NodeInspector key={nodes[0]!.name} topology={topology} node={nodes[0]!} problems={problems} />;
  if (topology && edges.length === 1 && nodes.length === 0) return <LineInspector key={edges[0]!.id} topology={topology} line={edges[0]!} problems={problems} />;
  if (topology && nodes.length + edges.length > 1) {
    return (
      <section className="card inspector-form" aria-label="Selection" data-testid="selection-summary">
        <h3>
          {nodes.length} node{nodes.length === 1 ? '' : 's'}
          {edges.length ? `, ${edges.length} line${edges.length === 1 ? '' : 's'}` : ''} selected
        </h3>
        <p className="muted">{nodes.map((n) => n.name).join(', ')}</p>
        <div className="inspector-actions">
          <button type="button" className="btn" onClick={() => duplicateSelection(stores)} disabled={nodes.length === 0}>
            Duplicate
          </button>
          <button type="button" className="btn btn-danger" onClick={() => deleteSelection(stores)} data-testid="delete-selection">
            Delete
          </button>
        </div>
      </section>
    );
  }
  return (
    <div className="inspector-form">
      {topology && <TopologyCard topology={topology} problems={problems} />}
      <ServerCard />
    </div>
  );
}
