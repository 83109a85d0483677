/** The canvas's own buttons: undo/redo, auto-layout, fit view (each runs the registered command). */
import { runCommand, type CommandId } from '../../commands/registry';
import { useDocumentStore } from '../../stores/document-store';
import { useDesignStore } from '../../stores/design-store';

/** The toolbar. */
export function CanvasToolbar() {
  const canUndo = useDocumentStore((s) => s.past.length > 0);
  const canRedo = useDocumentStore((s) => s.future.length > 0);
  const undoLabel = useDocumentStore((s) => s.past.at(-1)?.label);
  const redoLabel = useDocumentStore((s) => s.future[0]?.label);
  const layoutRunning = useDesignStore((s) => s.layoutRunning);
  const button = (id: CommandId, label: string, text: string, enabled = true) => (
    <button type="button" className="tool-btn" onClick={() => void runCommand(id)} disabled={!enabled} title={label} aria-label={label}>
      {text}
    </button>
  );
  return (
    <div className="canvas-toolbar" role="toolbar" aria-label="Canvas">
      {button('edit.undo', undoLabel ? `Undo ${undoLabel}` : 'Undo', '↶', canUndo)}
      {button('edit.redo', redoLabel ? `Redo ${redoLabel}` : 'Redo', '↷', canRedo)}
      <span className="tool-sep" />
      {button('arrange.autoLayout', layoutRunning ? 'Laying out…' : 'Auto-layout', layoutRunning ? '⋯' : '⇶', !layoutRunning)}
      {button('view.fitView', 'Fit view', '⤢')}
    </div>
  );
}
