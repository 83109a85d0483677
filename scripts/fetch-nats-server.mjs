#!/usr/bin/env node
// Puts a nats-server binary at resources/nats-server/<platform>-<arch>/nats-server[.exe], which
// electron-builder ships as an extra resource. Sources, in order: NATS_SERVER_BIN, the PATH, and a
// pinned official release checked against its SHA-256. Runs on `npm install`; never fails the
// install: without a binary it says how to get one (the app can also use an external server).
//
// Usage: node scripts/fetch-nats-server.mjs [--platform P --arch A] [--download]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, chmodSync, constants, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeFetchError } from './network-error.mjs';

const VERSION = '2.10.4';
// From the release's SHA256SUMS, as pinned by nats-io/nats-docker (linux, windows) and
// cashapp/hermit-packages (darwin). A download that does not match is refused.
const RELEASES = {
  'linux-x64': { asset: `nats-server-v${VERSION}-linux-amd64.tar.gz`, sha256: 'bb29fb04df977371ecb9fc3e33d1c9203db4f629a19303fe0c42a69d6ffd40d6' },
  'linux-arm64': { asset: `nats-server-v${VERSION}-linux-arm64.tar.gz`, sha256: '38e137d26623cd06687ca560b45a359d184f72418faa8da5185d39aa2251b8c1' },
  'darwin-x64': { asset: `nats-server-v${VERSION}-darwin-amd64.tar.gz`, sha256: '2222a09539e1da8e0530363b8b1697e1c90b085a1127b392cf4013afb445c452' },
  'darwin-arm64': { asset: `nats-server-v${VERSION}-darwin-arm64.tar.gz`, sha256: 'e2f1357fa0631a6f5b1713a9c96ca2a582d85103d55881ec3764dd17293e9de3' },
  'win32-x64': { asset: `nats-server-v${VERSION}-windows-amd64.zip`, sha256: '8792f3578b6ba3c8f3fc7763da1aea0525e92a02657017831a7d14dfd86e4959' },
};

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const platform = opt('platform') ?? process.platform;
const arch = opt('arch') ?? process.arch;
const forceDownload = args.includes('--download');
const fileName = platform === 'win32' ? 'nats-server.exe' : 'nats-server';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const targetDir = path.join(root, 'resources', 'nats-server', `${platform}-${arch}`);
const target = path.join(targetDir, fileName);

const isExecutable = (file) => {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
};

function fromPath() {
  if (platform !== process.platform || arch !== process.arch) return null; // the PATH holds this machine's binary only
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  // Debian installs it in /usr/sbin, which a non-root PATH often lacks.
  if (platform !== 'win32') dirs.push('/usr/sbin', '/usr/local/sbin', '/usr/local/bin', '/opt/homebrew/bin');
  return dirs.map((d) => path.join(d, fileName)).find(isExecutable) ?? null;
}

/** What SOURCE.txt says about the binary already in place. */
function readSource() {
  try {
    return readFileSync(path.join(targetDir, 'SOURCE.txt'), 'utf8').trim();
  } catch {
    return 'origin unknown';
  }
}

function install(source, how) {
  mkdirSync(targetDir, { recursive: true });
  if (path.resolve(source) !== path.resolve(target)) {
    // Copy beside it, then rename: a nats-server running from the old file keeps it (no ETXTBSY).
    const next = `${target}.${process.pid}.tmp`;
    copyFileSync(source, next);
    chmodSync(next, 0o755);
    renameSync(next, target);
  }
  chmodSync(target, 0o755);
  writeFileSync(path.join(targetDir, 'SOURCE.txt'), `${how}\n`);
  console.log(`nats-server: ${target} (${how})`);
}

async function download() {
  const release = RELEASES[`${platform}-${arch}`];
  if (!release) throw new Error(`no pinned nats-server release for ${platform}-${arch}`);
  const url = `https://github.com/nats-io/nats-server/releases/download/v${VERSION}/${release.asset}`;
  console.log(`nats-server: downloading ${url}`);
  // A silent network must not hold `npm ci` for minutes: 15 s to answer, 120 s for the ~6 MB.
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(new Error('no answer within 15 s')), 15_000);
  let bytes;
  try {
    const response = await fetch(url, { signal: controller.signal });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error('download not finished within 120 s')), 120_000);
    bytes = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    const why = controller.signal.aborted ? controller.signal.reason.message : describeFetchError(error);
    throw new Error(`could not download nats-server v${VERSION} from github.com (${why})`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== release.sha256) throw new Error(`SHA-256 mismatch for ${release.asset}: expected ${release.sha256}, got ${actual}`);
  const work = mkdtempSync(path.join(os.tmpdir(), 'nats-server-'));
  try {
    const archive = path.join(work, release.asset);
    writeFileSync(archive, bytes);
    // bsdtar (macOS, Windows 10+) reads zip as well as tar.gz; GNU tar reads the tar.gz we use on Linux.
    execFileSync('tar', ['-xf', archive, '-C', work]);
    const folder = readdirSync(work).find((f) => f.startsWith('nats-server-v') && !f.endsWith('.zip') && !f.endsWith('.gz'));
    if (!folder) throw new Error('unexpected archive layout');
    install(path.join(work, folder, fileName), `downloaded v${VERSION}, sha256 ${actual}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function main() {
  if (process.env.NATS_SERVER_BIN && !forceDownload) {
    if (!isExecutable(process.env.NATS_SERVER_BIN)) throw new Error(`NATS_SERVER_BIN=${process.env.NATS_SERVER_BIN} is not an executable file`);
    return install(process.env.NATS_SERVER_BIN, `copied from NATS_SERVER_BIN=${process.env.NATS_SERVER_BIN}`);
  }
  const onPath = forceDownload ? null : fromPath();
  if (onPath) return install(onPath, `copied from ${onPath}`);
  if (!forceDownload && isExecutable(target)) return console.log(`nats-server: ${target} (already present)`);
  await download();
}

main().catch((error) => {
  if (isExecutable(target)) {
    console.warn(`nats-server: ${error.message}; keeping ${target} (${readSource()}).`);
    return;
  }
  console.warn(
    `\nnats-server: ${error.message}.\n` +
      'Switchboard needs a nats-server binary to run its embedded server. Get one by any of:\n' +
      '  - install it: apt-get install nats-server (Debian/Ubuntu), brew install nats-server (macOS)\n' +
      '  - point at one: NATS_SERVER_BIN=/path/to/nats-server node scripts/fetch-nats-server.mjs\n' +
      '  - or run against your own server: switchboard serve --nats nats://host:4222\n',
  );
  // Exit 0: a missing binary must not break `npm install`; the app reports it again at start.
});
