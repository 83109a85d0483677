/**
 * The drawing is one composited layer (`will-change: transform` in design.css) that pans without
 * being repainted: 500 nodes repaint in ~50 ms in software rendering. Such a layer keeps the
 * resolution it was first drawn at, so once a zoom has settled it is dropped for a frame and
 * drawn again, sharp. Zoom comes from the wheel, the buttons and fit view alike, so this follows
 * React Flow's own zoom value.
 */
import { useEffect, type RefObject } from 'react';
import { useStoreApi } from '@xyflow/react';
import type { DesignEdge, DesignNode } from './flow-types';

const SETTLE_MS = 150;

/** Redraws the canvas layer at the current zoom once zooming stops; sets `data-drawn-zoom` when done. */
export function useCrispLayer(wrapper: RefObject<HTMLElement | null>): void {
  const flowStore = useStoreApi<DesignNode, DesignEdge>();
  useEffect(() => {
    let drawnAt = flowStore.getState().transform[2];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = flowStore.subscribe((state) => {
      const zoom = state.transform[2];
      if (zoom === drawnAt) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        drawnAt = zoom;
        const el = wrapper.current;
        el?.classList.add('designer-canvas-redraw');
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            el?.classList.remove('designer-canvas-redraw');
            if (el) el.dataset['drawnZoom'] = String(zoom); // screenshots wait for this
          }),
        );
      }, SETTLE_MS);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [flowStore, wrapper]);
}
