#!/usr/bin/env node
// `npm run dev`: the renderer with hot reload. Builds the host, runs `switchboard serve` with a
// fixed dev token, and starts Vite's dev server proxying /rpc to it. With --electron, opens the
// Electron shell on the dev server instead of a browser tab.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'vite';

const electron = process.argv.includes('--electron');
const token = randomBytes(16).toString('hex');
const run = (cmd, args, env = {}) => spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });

await new Promise((resolve, reject) => run(process.execPath, ['scripts/build.mjs']).once('exit', (c) => (c === 0 ? resolve() : reject(new Error('build failed')))));

const devPort = 5173;
const hostPort = 7420 + Math.floor(Math.random() * 500);
const devOrigin = `http://127.0.0.1:${devPort}`;
const children = [];

if (!electron) {
  children.push(run(process.execPath, ['bin/switchboard.js', 'serve', '--port', String(hostPort), '--token', token, '--allow-origin', devOrigin]));
}
const vite = await createServer({
  configFile: 'vite.config.ts',
  server: { port: devPort, strictPort: true, proxy: { '/rpc': { target: `ws://127.0.0.1:${hostPort}`, ws: true } } },
});
await vite.listen();
if (electron) {
  children.push(run('npx', ['electron', '.'], { VITE_DEV_SERVER_URL: `${devOrigin}/` }));
} else {
  console.log(`\nDev UI (hot reload): ${devOrigin}/?token=${token}\n`);
}

const stop = async () => {
  for (const child of children) child.kill('SIGTERM');
  await vite.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
