import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer: a plain browser app. `base: './'` lets the same build load over http:// (browser
// mode) and app:// (Electron).
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    // One desktop-app bundle loaded from disk or loopback: size matters less than for the web.
    chunkSizeWarningLimit: 2048,
  },
  server: { host: '127.0.0.1', strictPort: false },
});
