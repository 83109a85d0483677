/** The canvas's nodes and edges, built from the topology with a cache that lives as long as the canvas. */
import { useMemo, useState } from 'react';
import { buildEdges, buildNodes, newBuildCache, type BuildInput } from './build-elements';
import type { DesignEdge, DesignNode } from './flow-types';

/** What the canvas passes to a build (sizes come from the builder's own record of measurements). */
export type ElementsInput = Omit<BuildInput, 'measured'> & { measuredVersion: number };

/** Nodes and edges for `input`, plus the record of measured sizes the canvas fills in. */
export function useElements(input: ElementsInput | null) {
  const [builder] = useState(() => {
    const cache = newBuildCache();
    const measured = new Map<string, { width: number; height: number }>();
    return {
      measured,
      build: (i: ElementsInput) => ({ nodes: buildNodes({ ...i, measured }, cache), edges: buildEdges({ ...i, measured }, cache) }),
    };
  });
  const elements = useMemo(() => (input ? builder.build(input) : { nodes: [] as DesignNode[], edges: [] as DesignEdge[] }), [builder, input]);
  return { ...elements, measured: builder.measured };
}
