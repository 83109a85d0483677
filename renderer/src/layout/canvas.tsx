/** The centre canvas: the designer's React Flow canvas of the open topology. */
import { DesignerCanvas } from '../design/canvas/designer-canvas';

/** The canvas. */
export function Canvas() {
  return (
    <main className="canvas" aria-label="Canvas">
      <DesignerCanvas />
    </main>
  );
}
