/** The right inspector. With nothing selected it shows the NATS server. */
import { ServerCard } from '../server/server-card';

/** The inspector. */
export function Inspector() {
  return (
    <aside className="side-panel inspector" aria-label="Inspector">
      <h2 className="panel-title">Inspector</h2>
      <ServerCard />
    </aside>
  );
}
