/** The workbench layout: top bar, palette | canvas | inspector, bottom panel. */
import { BottomPanel } from './layout/bottom-panel';
import { Canvas } from './layout/canvas';
import { Inspector } from './layout/inspector';
import { Palette } from './layout/palette';
import { TopBar } from './layout/top-bar';
import { useServerStore } from './stores/server-store';

/** The whole window. */
export function App() {
  const connection = useServerStore((s) => s.connection);
  return (
    <div className="workbench">
      <TopBar />
      {connection === 'closed' && (
        <div className="banner banner-error" role="alert">
          Lost the connection to the Switchboard host. Reconnecting… (is <code>switchboard serve</code> still running?)
        </div>
      )}
      <div className="workbench-main">
        <Palette />
        <Canvas />
        <Inspector />
      </div>
      <BottomPanel />
    </div>
  );
}
