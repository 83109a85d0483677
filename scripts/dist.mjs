#!/usr/bin/env node
// `npm run dist [-- electron-builder args]`: builds the installers. electron-builder downloads
// Electron for each target and its packaging tools (AppImage, fpm, NSIS, dmg) from GitHub; on a
// machine that cannot reach them it fails late with a long stack. So first, within 3 s, check that
// the download hosts answer; if not, stop with one message saying what is needed. Then build
// dist/ and run electron-builder with electron-builder.yml, forwarding its exit code.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeFetchError } from './network-error.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const PROBE_MS = 3000;

/** The first non-empty variable of `names`: how @electron/get and electron-builder read their mirrors. */
const fromEnv = (...names) => names.map((n) => env[n]).find((v) => v && v.trim());

const hosts = [
  {
    what: 'Electron',
    url: fromEnv('ELECTRON_MIRROR', 'npm_config_electron_mirror', 'NPM_CONFIG_ELECTRON_MIRROR') ?? 'https://github.com/electron/electron/releases/',
    mirror: 'ELECTRON_MIRROR',
  },
  {
    what: 'the packaging tools',
    url:
      fromEnv('ELECTRON_BUILDER_BINARIES_MIRROR', 'npm_config_electron_builder_binaries_mirror', 'NPM_CONFIG_ELECTRON_BUILDER_BINARIES_MIRROR') ??
      'https://github.com/electron-userland/electron-builder-binaries/releases/',
    mirror: 'ELECTRON_BUILDER_BINARIES_MIRROR',
  },
];

/** Null when `url`'s host answers (any HTTP status) within PROBE_MS, else why not. */
async function unreachable(url) {
  try {
    await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(PROBE_MS) });
    return null;
  } catch (error) {
    return describeFetchError(error, PROBE_MS);
  }
}

/** Where @electron/get caches Electron zips (its default, or electron_config_cache). */
function electronCacheRoot() {
  if (env['electron_config_cache']) return env['electron_config_cache'];
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches', 'electron');
  if (process.platform === 'win32') return path.join(env['LOCALAPPDATA'] ?? path.join(os.homedir(), 'AppData', 'Local'), 'electron', 'Cache');
  return path.join(env['XDG_CACHE_HOME'] ?? path.join(os.homedir(), '.cache'), 'electron');
}

/** Whether the Electron zip for this machine is in the cache (@electron/get keeps it one folder down). */
function electronZipCached(version) {
  const zip = `electron-v${version}-${process.platform}-${process.arch}.zip`;
  const cacheRoot = electronCacheRoot();
  try {
    return readdirSync(cacheRoot).some((dir) => existsSync(path.join(cacheRoot, dir, zip)));
  } catch {
    return false;
  }
}

// A proxy (which fetch does not use, and electron-builder may) makes a direct probe meaningless.
const proxied = fromEnv('HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ELECTRON_GET_USE_PROXY');
if (!proxied) {
  const failures = (await Promise.all(hosts.map(async (h) => ({ ...h, why: await unreachable(h.url) })))).filter((h) => h.why);
  if (failures.length) {
    const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).devDependencies.electron;
    const cached = electronZipCached(version);
    console.error(
      [
        'npm run dist: cannot build installers here: electron-builder downloads what it packages, and the download hosts do not answer:',
        ...failures.map((f) => `  - ${f.what}: ${new URL(f.url).host} (${f.why}); a mirror can be set with ${f.mirror}=<url>`),
        `Electron ${version} for ${process.platform}-${process.arch} is ${cached ? '' : 'not '}in the download cache (${electronCacheRoot()}).`,
        'Needed: network access to github.com (or the mirrors above). With every download already cached, run',
        '  npx electron-builder --config electron-builder.yml   (see electron.build/tutorials/offline-air-gapped-builds)',
        'Without installers: npm start (the app from source) or npx switchboard serve (in a browser).',
      ].join('\n'),
    );
    process.exit(1);
  }
}

const run = (args) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
const build = run([path.join(root, 'scripts', 'build.mjs')]);
if (build.status !== 0) process.exit(build.status ?? 1);
const builder = run([path.join(root, 'node_modules', 'electron-builder', 'cli.js'), '--config', 'electron-builder.yml', ...process.argv.slice(2)]);
process.exit(builder.status ?? 1);
