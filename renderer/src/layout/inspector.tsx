/** The right inspector: the selection's form, or (nothing selected) the topology and the NATS server. */
import { InspectorPanel } from '../design/inspector/inspector-panel';

/** The inspector. */
export function Inspector() {
  return (
    <aside className="side-panel inspector" aria-label="Inspector">
      <h2 className="panel-title">Inspector</h2>
      <InspectorPanel />
    </aside>
  );
}
