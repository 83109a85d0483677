/** The centre canvas (React Flow). Empty until a topology is open. */
import { Background, BackgroundVariant, Controls, ReactFlow } from '@xyflow/react';

/** The canvas. */
export function Canvas() {
  return (
    <main className="canvas" aria-label="Canvas">
      <ReactFlow nodes={[]} edges={[]} colorMode="dark" proOptions={{ hideAttribution: true }} fitView>
        <Background variant={BackgroundVariant.Dots} gap={20} size={1} />
        <Controls showInteractive={false} />
      </ReactFlow>
      <div className="canvas-empty">
        <h2>No topology open</h2>
        <p>A topology is the agents, tools and blackboards of a system and the NATS channels between them.</p>
      </div>
    </main>
  );
}
