/**
 * How the canvas follows the rest of the app: a newly opened document is fitted with nothing
 * selected, nodes without a position get one, commands reach the viewport, auto-layout asks for
 * a fit, and the Problems list's reveal requests (view store) select and show a node or line.
 */
import { useEffect, type RefObject } from 'react';
import { useReactFlow } from '@xyflow/react';
import type { Topology } from '../../../../agents/topology/schema';
import { NO_SELECTION, useDesignStore } from '../../stores/design-store';
import { useStores } from '../../stores/stores-context';
import { placeUnpositioned } from '../arrange';
import { listNodes } from '../model/node-kinds';
import type { DesignEdge, DesignNode } from './flow-types';

/** Fitting keeps clear of the toolbar (top) and the minimap and zoom buttons (bottom corners). */
const FIT = { padding: { top: '70px', right: '50px', bottom: '150px', left: '50px' }, maxZoom: 1.1 } as const;

/** Connects the canvas (inside a ReactFlowProvider) to the document, design and view stores. */
export function useCanvasWiring(topology: Topology | null, wrapper: RefObject<HTMLElement | null>): void {
  const flow = useReactFlow<DesignNode, DesignEdge>();
  const stores = useStores();

  useEffect(
    () =>
      stores.document.subscribe((now, before) => {
        if (now.topology === before.topology) return;
        // A notice is about the last thing done; the next change makes it old news.
        stores.design.getState().clearNotice();
        if (!now.topology || now.past.length || now.future.length) return;
        const design = stores.design.getState();
        design.setViewPositions({}, true);
        design.select(NO_SELECTION);
        design.setPopover(null);
        // An empty document keeps the view: the first node goes exactly where it is dropped.
        if (listNodes(now.topology).length) void flow.fitView(FIT);
      }),
    [flow, stores],
  );

  // In an effect, so React Flow already has the new positions when it fits.
  const fitRequest = useDesignStore((s) => s.fitRequest);
  useEffect(() => {
    if (fitRequest) void flow.fitView({ ...FIT, duration: 250 });
  }, [fitRequest, flow]);

  useEffect(() => {
    if (topology && !stores.design.getState().layoutRunning) void placeUnpositioned(stores, topology);
  }, [topology, stores]);

  useEffect(() => {
    const design = stores.design.getState();
    design.setViewport({
      fitView: () => void flow.fitView({ ...FIT, duration: 250 }),
      reveal: (ids) => void flow.fitView({ ...FIT, nodes: ids.map((id) => ({ id })), duration: 300 }),
      center: () => {
        const rect = wrapper.current?.getBoundingClientRect();
        return rect ? flow.screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 }) : { x: 0, y: 0 };
      },
    });
    // A document open before the canvas mounted is fitted once (later ones when they open).
    const open = stores.document.getState().topology;
    if (open && listNodes(open).length) void flow.fitView(FIT);
    return () => design.setViewport(null);
  }, [flow, wrapper, stores]);

  useEffect(
    () =>
      stores.view.subscribe(({ reveal: request }, before) => {
        // The view store also holds which view shows: only a new request reveals.
        if (request === before.reveal) return;
        const target = request?.target;
        if (!target || !stores.document.getState().topology) return;
        const design = stores.design.getState();
        if (target.type === 'node') {
          design.select({ nodes: [target.id], edges: [] });
          design.viewport?.reveal([target.id]);
        } else {
          const edge = flow.getEdge(target.id);
          design.select({ nodes: [], edges: [target.id] });
          if (edge) design.viewport?.reveal([edge.source, edge.target]);
        }
        wrapper.current?.focus({ preventScroll: true });
      }),
    [flow, wrapper, stores],
  );
}
