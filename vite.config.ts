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
    // Loaded from disk or loopback, not the web. Monaco (~3.4 MB) is its own chunk, loaded the first
    // time an editor appears; the app's own code stays well under the limit.
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      output: {
        codeSplitting: { groups: [{ name: 'monaco', test: /node_modules[\\/]monaco-editor/ }] },
      },
    },
  },
  server: { host: '127.0.0.1', strictPort: false },
});
