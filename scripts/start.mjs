#!/usr/bin/env node
// `npm start [-- args]`: checks the Electron binary, builds dist/, then runs `electron . args`,
// forwarding its exit code and the signals it is sent. Without the binary it stops at once with
// what to do (Electron's own error, after a 25 s build, names neither the cause nor the fix).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronInstallHelp, findElectronBinary } from './electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

const electron = findElectronBinary(path.join(root, 'node_modules', 'electron'));
if (!electron.path) {
  console.error([`npm start: ${electron.problem}`, ...electronInstallHelp(electron).map((line) => `  ${line}`)].join('\n'));
  process.exit(1);
}

// Ctrl+C in the terminal reaches the whole process group; a kill aimed at this process alone
// (an IDE's stop button) must reach the build and then Electron too. Listening before the first
// spawn: a signal that came before or between them would end this process and leave a child running.
let child = null;
const forward = (signal) => (child ? child.kill(signal) : process.exit(1));
const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
for (const signal of signals) process.on(signal, forward);
const release = () => {
  for (const s of signals) process.off(s, forward);
};

child = spawn(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
const built = await new Promise((resolve) => {
  child.on('error', () => resolve(1));
  child.on('exit', (code) => resolve(code ?? 1));
});
if (built !== 0) {
  release();
  process.exit(built);
}

child = spawn(electron.path, ['.', ...args], { cwd: root, stdio: 'inherit' });
child.on('error', (error) => {
  console.error(`npm start: could not run ${electron.path}: ${error.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  release();
  if (signal) process.kill(process.pid, signal); // die the way Electron did, so callers see the signal
  else process.exit(code ?? 1);
});
