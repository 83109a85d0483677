import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { createApi } from './api';
import { App } from './app';
import { registerExportCommands } from './export/export-commands';
import { guardUnload, startAutosave } from './files/autosave';
import { registerFileCommands } from './files/file-commands';
import { installShortcuts } from './global-shortcuts';
import { registerRunsCommands } from './runs/runs-commands';
import { createStores } from './stores/stores';
import { registerTraceCommands } from './trace/trace-commands';
import { StoresProvider } from './stores/stores-context';

// The one client and the one set of stores for this window.
const api = createApi();
const stores = createStores(api);
stores.server.getState().connect();
stores.run.getState().connect();
stores.trace.getState().connect();
stores.live.getState().connect();
stores.files.getState().connect();
stores.runs.getState().connect();
startAutosave(api, stores.document);
guardUnload(stores.document);
registerFileCommands(stores);
registerExportCommands(stores);
registerTraceCommands(stores);
registerRunsCommands(stores);
installShortcuts();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoresProvider stores={stores}>
      <App />
    </StoresProvider>
  </StrictMode>,
);
