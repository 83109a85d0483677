#!/usr/bin/env node
// The package's bin: runs the bundled CLI, or says how to build it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error('switchboard: the CLI is not built yet. Run `npm run build` (npm ci and npm install do it for you).');
  process.exit(1);
}
await import(cli);
