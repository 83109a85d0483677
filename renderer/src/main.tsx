import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles.css';
import { createApi } from './api';
import { App } from './app';
import { useServerStore } from './stores/server-store';

const api = createApi();
useServerStore.getState().connect(api);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
