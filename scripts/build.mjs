#!/usr/bin/env node
// Builds everything the app runs: the CLI/host and the Electron shell (esbuild, Node targets), the
// preload (one sandbox-safe CommonJS file) and the renderer (Vite). Output goes to dist/.
import { build as esbuild } from 'esbuild';
import { build as vite } from 'vite';
import { rmSync } from 'node:fs';

const started = performance.now();
rmSync('dist', { recursive: true, force: true });

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  packages: 'external', // dependencies load from node_modules (electron-builder ships them)
  logLevel: 'warning',
};

await Promise.all([
  // Split: each command is a chunk loaded when it runs (cli.ts), so a quick command starts quickly.
  // Chunks sit beside cli.js: code that finds the package root from import.meta.url (app-paths.ts) stays right.
  esbuild({ ...node, entryPoints: ['main/cli.ts'], outdir: 'dist/main', splitting: true, chunkNames: '[name]-[hash]' }),
  esbuild({ ...node, entryPoints: ['main/electron/main.ts'], outfile: 'dist/electron/main.js' }),
  // Sandboxed preloads must be one CommonJS file that requires nothing but 'electron'.
  esbuild({
    ...node,
    entryPoints: ['preload/index.ts'],
    outfile: 'dist/preload/index.cjs',
    format: 'cjs',
    packages: undefined,
    external: ['electron'],
  }),
]);
await vite({ configFile: 'vite.config.ts', logLevel: 'warn' });
console.log(`build: dist/ in ${Math.round(performance.now() - started)} ms`);
