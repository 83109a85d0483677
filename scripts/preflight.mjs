#!/usr/bin/env node
// `npm test` runs this first: it checks what the tests need (Node, the installed dependencies,
// nats-server, Chromium) and, when something is missing, stops with ONE message naming it and
// the command that installs it, instead of dozens of failing tests. The binaries are found by the
// test helpers' own lookups (test/helpers/nats-binary.ts, chromium-path.ts), so the preflight and the
// tests cannot disagree.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isExecutableFile } from './electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;

/** `[major, minor]` of a version like 20.19.1 or a range like >=20.19. */
const majorMinor = (text) => (/(\d+)\.(\d+)/.exec(text) ?? [0, 0, 0]).slice(1, 3).map(Number);

/** What is missing, one entry each: `{ what, why, apt? }`. */
const missing = [];

const engines = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).engines?.node ?? '>=20.19';
const [needMajor, needMinor] = majorMinor(engines);
const [haveMajor, haveMinor] = majorMinor(process.versions.node);
if (haveMajor < needMajor || (haveMajor === needMajor && haveMinor < needMinor)) {
  missing.push({ what: `Node ${engines}`, why: `this is Node ${process.versions.node}`, fix: `install Node ${needMajor}.${needMinor} or newer (nodejs.org, or nvm install ${needMajor})` });
}

// The lookups are TypeScript: tsx (a dev dependency) loads them, so it must be installed.
let helpers = null;
try {
  const { tsImport } = await import('tsx/esm/api');
  const [nats, chromium] = await Promise.all([
    tsImport('../test/helpers/nats-binary.ts', import.meta.url),
    tsImport('../test/helpers/chromium-path.ts', import.meta.url),
  ]);
  helpers = { nats, chromium };
} catch (error) {
  missing.push({ what: 'the dependencies', why: `node_modules is incomplete (${error.code ?? error.message})`, fix: 'npm ci' });
}

let found = {};
if (helpers) {
  found = { nats: helpers.nats.findTestNatsServer(env), chromium: helpers.chromium.findChromium(env) };
  if (!found.nats) {
    const bundled = path.join('resources', 'nats-server', `${process.platform}-${process.arch}`);
    missing.push({
      what: 'nats-server (integration and e2e tests)',
      why: env['NATS_SERVER_BIN']
        ? `NATS_SERVER_BIN=${env['NATS_SERVER_BIN']} is not an executable file (fix or unset it)`
        : `none in ${bundled}/, on the PATH or in /usr/sbin`,
      apt: 'nats-server',
    });
  }
  if (!found.chromium || !isExecutableFile(found.chromium)) {
    missing.push({
      what: 'Chromium (e2e tests)',
      why: env['CHROMIUM_PATH'] ? `CHROMIUM_PATH=${env['CHROMIUM_PATH']} is not an executable file (fix or unset it)` : 'no chromium on the PATH or at /usr/bin/chromium',
      apt: 'chromium',
    });
  }
}

if (missing.length === 0) {
  console.log(`preflight: Node ${process.versions.node}, nats-server ${found.nats}, Chromium ${found.chromium}`);
  process.exit(0);
}

const apt = missing.filter((m) => m.apt).map((m) => m.apt);
const lines = ['npm test: this machine lacks what the tests need:', ...missing.map((m) => `  - ${m.what}: ${m.why}`)];
for (const m of missing.filter((m) => m.fix)) lines.push(`Fix: ${m.fix}`);
if (apt.length) {
  const nats = apt.includes('nats-server');
  const chromium = apt.includes('chromium');
  const either = (a, b) => [nats && a, chromium && b].filter(Boolean).join('; ');
  lines.push(
    'Install, then run npm test again:',
    `  Debian/Ubuntu: sudo apt-get install -y ${apt.join(' ')}`,
    `  macOS: ${either('brew install nats-server', 'set CHROMIUM_PATH to Chrome or Chromium')}`,
    `  elsewhere: ${either('node scripts/fetch-nats-server.mjs --download (or NATS_SERVER_BIN=/path/to/nats-server)', 'CHROMIUM_PATH=/path/to/chromium')}`,
  );
}
console.error(lines.join('\n'));
process.exit(1);
