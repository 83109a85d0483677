/** The last pointer position over the canvas (client coordinates), for popovers and drop targets. */
import type { Point } from '../model/positions';

const last: Point = { x: 0, y: 0 };

/** Records the pointer (called from the canvas's pointer handlers). */
export function trackPointer(event: { clientX: number; clientY: number }): void {
  last.x = event.clientX;
  last.y = event.clientY;
}

/** Where the pointer was last seen. */
export const lastPointer = (): Point => ({ ...last });

/** The node under the last pointer position, by its React Flow id, or null. */
export function nodeUnderPointer(): string | null {
  const element = document.elementFromPoint(last.x, last.y);
  const node = element?.closest<HTMLElement>('.react-flow__node');
  return node?.dataset['id'] ?? null;
}
