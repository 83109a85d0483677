// Type-checks every layer with its own tsconfig: a layer's narrow `include`, `lib` and `types` are
// what make, say, `node:fs` in renderer code a type error (ARCHITECTURE.md, "What may import what").
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const layers = [
  'tsconfig.isomorphic.json',
  'agents/tsconfig.json',
  'main/tsconfig.json',
  'main/electron/tsconfig.json',
  'preload/tsconfig.json',
  'renderer/tsconfig.json',
  'tsconfig.json',
].filter((p) => existsSync(p));

const tsc = (project) =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project, '--pretty'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ project, code, out }));
  });

// Two at a time: these machines have two cores.
const results = [];
const queue = [...layers];
await Promise.all(
  [0, 1].map(async () => {
    while (queue.length) results.push(await tsc(queue.shift()));
  }),
);
let failed = 0;
for (const r of results) {
  console.log(`${r.code === 0 ? 'ok  ' : 'FAIL'} ${r.project}`);
  if (r.code !== 0) {
    failed++;
    process.stdout.write(r.out);
  }
}
process.exit(failed ? 1 : 0);
