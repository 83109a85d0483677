import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { createApi } from './api';
import { App } from './app';
import { registerExportCommands } from './export/export-commands';
import { connectExport } from './export/export-store';
import { guardUnload, startAutosave } from './files/autosave';
import { registerFileCommands } from './files/file-commands';
import { useFilesStore } from './files/files-store';
import { installShortcuts } from './global-shortcuts';
import { useRunStore } from './stores/run-store';
import { useServerStore } from './stores/server-store';

const api = createApi();
useServerStore.getState().connect(api);
useRunStore.getState().connect(api);
useFilesStore.getState().connect(api);
connectExport(api);
startAutosave(api);
guardUnload();
registerFileCommands();
registerExportCommands();
installShortcuts();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
