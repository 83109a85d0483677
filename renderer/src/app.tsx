/** The workbench layout: top bar, palette | centre (canvas or source) | inspector, bottom panel. */
import { useEffect } from 'react';
import { CommandPalette } from './design/command-palette';
import { registerDesignCommands } from './design/commands';
import { installTestHook } from './design/test-hook';
import { BottomPanel } from './layout/bottom-panel';
import { Centre } from './layout/centre';
import { Inspector } from './layout/inspector';
import { Palette } from './layout/palette';
import { TopBar } from './layout/top-bar';
import { useServerStore } from './stores/server-store';
import { useStores } from './stores/stores-context';
import { useViewStore } from './stores/view-store';

/** The whole window. */
export function App() {
  const stores = useStores();
  const connection = useServerStore((s) => s.connection);
  // The Trace view takes the whole width: the palette and inspector are about the design.
  const view = useViewStore((s) => s.view);
  useEffect(() => registerDesignCommands(stores), [stores]);
  useEffect(() => installTestHook(stores), [stores]);
  return (
    <div className="workbench">
      <TopBar />
      {connection === 'closed' && (
        <div className="banner banner-error" role="alert">
          Lost the connection to the Switchboard host. Reconnecting… (is <code>switchboard serve</code> still running?)
        </div>
      )}
      <div className="workbench-main" data-view={view}>
        <Palette />
        <Centre />
        <Inspector />
      </div>
      <BottomPanel />
      <CommandPalette />
    </div>
  );
}
