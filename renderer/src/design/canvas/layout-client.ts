/** Asks the layout worker for positions: one worker per request, ended when it answers or times out. */
import type { Topology } from '../../../../agents/topology/schema';
import { listConnections } from '../model/connections';
import { listNodes } from '../model/node-kinds';
import type { LayoutRequest, LayoutResult } from './auto-layout';

const TIMEOUT_MS = 60_000;
/** Sizes for nodes not drawn yet. */
const DEFAULT_SIZE = { width: 220, height: 90 };

/** The layout request for a topology: references point from the agent, so agents come first. */
export function layoutRequest(topology: Topology, sizes: Readonly<Record<string, { width: number; height: number }>>): LayoutRequest {
  return {
    nodes: listNodes(topology).map((n) => ({ id: n.name, ...(sizes[n.name] ?? DEFAULT_SIZE) })),
    edges: listConnections(topology).map((c) => (c.kind === 'watch' ? { from: c.to, to: c.from } : { from: c.from, to: c.to })),
  };
}

/** Lays out in a Web Worker; rejects on failure or after a minute. */
export function layoutInWorker(request: LayoutRequest): Promise<LayoutResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
    const timer = setTimeout(() => finish(() => reject(new Error('Auto-layout took too long.'))), TIMEOUT_MS);
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      worker.terminate();
      settle();
    };
    worker.onmessage = (event: MessageEvent<{ ok: true; positions: LayoutResult } | { ok: false; message: string }>) => {
      const data = event.data;
      finish(() => (data.ok ? resolve(data.positions) : reject(new Error(data.message))));
    };
    worker.onerror = (event) => finish(() => reject(new Error(event.message || 'The layout worker failed.')));
    worker.postMessage(request);
  });
}
