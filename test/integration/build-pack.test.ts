// Packs the Linux app with electron-builder itself (`--linux dir`, offline: electronDist is a
// stand-in Electron whose only content is a fuse wire, set opposite to what we want) and reads
// back what ships: the fuses electron-builder flipped, the app.asar's file list, the nats-server
// beside it, and the paths the packaged host loads from. The static checks are in
// test/unit/build-config.test.ts.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNatsServerBinary } from '../../main/host/nats/find-binary.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'; // @electron/fuses finds the wire after it
const ENABLE = 0x31;
const DISABLE = 0x30;
/** What the packaged binary must say, fuse by fuse (electron-builder.yml's electronFuses). */
const WANTED: [FuseV1Options, boolean][] = [
  [FuseV1Options.RunAsNode, false],
  [FuseV1Options.EnableCookieEncryption, true],
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable, false],
  [FuseV1Options.EnableNodeCliInspectArguments, false],
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation, true],
  [FuseV1Options.OnlyLoadAppFromAsar, true],
  [FuseV1Options.GrantFileProtocolExtraPrivileges, false],
];
const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
const bundledServer = path.join(repoRoot, 'resources', 'nats-server', `linux-${arch}`, 'nats-server');

/** A stand-in unpacked Electron: an `electron` file holding a version-1 wire of 8 fuses, each the opposite of what we want. */
function writeStandInElectron(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const wire = Buffer.alloc(8, ENABLE);
  for (const [fuse, on] of WANTED) wire[fuse] = on ? DISABLE : ENABLE;
  const binary = Buffer.concat([Buffer.from('stand-in electron\n'), Buffer.from(SENTINEL), Buffer.from([1, wire.length]), wire, Buffer.from('\n')]);
  writeFileSync(path.join(dir, 'electron'), binary, { mode: 0o755 });
}

/** Runs electron-builder; resolves with its output, rejects with it on failure. */
function pack(electronDist: string, output: string): Promise<string> {
  const cli = path.join(repoRoot, 'node_modules', 'electron-builder', 'cli.js');
  const args = [cli, '--linux', 'dir', `--${arch}`, '--config', 'electron-builder.yml', `-c.electronDist=${electronDist}`, `-c.directories.output=${output}`];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: repoRoot, timeout: 240_000, maxBuffer: 16 << 20, env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' } }, (error, stdout, stderr) =>
      error ? reject(new Error(`electron-builder failed: ${error.message}\n${stdout}${stderr}`)) : resolve(stdout + stderr),
    );
  });
}

/** The packages a bundle imports by bare name (`ws`, `@nats-io/kv`), without node: built-ins and electron. */
function bareImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  // esbuild's output: a static import starts its line; dynamic ones of packages are `import("pkg")`.
  const statics = [...text.matchAll(/^import\s(?:[^;"']*?from\s*)?["']([^"']+)["']/gm)].map((m) => m[1]!);
  const dynamics = [...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!);
  const names = [...statics, ...dynamics].filter((n) => /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/|$)|^node:/.test(n));
  return names.filter((n) => !n.startsWith('node:') && n !== 'electron').map((n) => n.split('/').slice(0, n.startsWith('@') ? 2 : 1).join('/'));
}

describe('the packed Linux app (electron-builder --linux dir)', () => {
  let work: string;
  let appDir: string;
  let asarFiles: Set<string>;

  beforeAll(async () => {
    if (!existsSync(bundledServer)) throw new Error(`${bundledServer} is missing: run node scripts/fetch-nats-server.mjs first (npm install does).`);
    work = await makeTempDir('build-pack');
    writeStandInElectron(path.join(work, 'electron-dist'));
    await pack(path.join(work, 'electron-dist'), path.join(work, 'out'));
    appDir = path.join(work, 'out', arch === 'x64' ? 'linux-unpacked' : `linux-${arch}-unpacked`);
    const asar = path.join(appDir, 'resources', 'app.asar');
    console.log(`[build] linux-${arch} app.asar: ${Math.round(statSync(asar).size / 2 ** 20)} MB`);
    asarFiles = new Set(listPackage(asar, { isPack: false }).map((f) => f.split(path.sep).join('/')));
  }, 300_000);

  afterAll(async () => {
    if (work) await removeTempDir(work);
  });

  it('has every fuse flipped as electron-builder.yml says', async () => {
    const wire = await getCurrentFuseWire(path.join(appDir, 'switchboard'));
    for (const [fuse, on] of WANTED) expect(wire[fuse], FuseV1Options[fuse]).toBe(on ? ENABLE : DISABLE);
  });

  it('holds, in app.asar, what the packaged app loads: package.json and its main, the preload, the renderer, the CLI bundle, every template', () => {
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { main: string };
    const wanted = ['/package.json', `/${manifest.main}`, '/dist/preload/index.cjs', '/dist/renderer/index.html', '/dist/main/cli.js'];
    // main/app-paths.ts: appRoot is two levels above dist/electron/main.js (app.asar itself), the renderer dist/renderer, templates beside dist.
    wanted.push(...readdirSync(path.join(repoRoot, 'templates')).map((t) => `/templates/${t}`));
    for (const file of wanted) expect(asarFiles.has(file), file).toBe(true);
    const built = (dir: string) => readdirSync(path.join(repoRoot, dir), { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && !e.name.endsWith('.map'));
    for (const entry of built('dist')) {
      const file = `/${path.relative(repoRoot, path.join(entry.parentPath, entry.name)).split(path.sep).join('/')}`;
      expect(asarFiles.has(file), file).toBe(true);
    }
  });

  it('holds nothing from test/, the sources, scripts or resources, and no source maps', () => {
    const outside = [...asarFiles].filter((f) => !/^\/node_modules(\/|$)/.test(f));
    expect(outside.filter((f) => /^\/(test|main|agents|preload|renderer|scripts|resources|docs|bin)(\/|$)/.test(f) || /\.(ts|tsx|map)$/.test(f))).toEqual([]);
    expect(outside.filter((f) => !/^\/(dist|templates)(\/.*)?$|^\/package\.json$/.test(f))).toEqual([]);
  });

  it('holds every package the main-process bundles import', () => {
    const bundles = [path.join(repoRoot, 'dist/electron/main.js'), ...readdirSync(path.join(repoRoot, 'dist/main')).filter((f) => f.endsWith('.js')).map((f) => path.join(repoRoot, 'dist/main', f))];
    const packages = [...new Set(bundles.flatMap(bareImports))];
    expect(packages).toContain('ws'); // the scan sees imports at all
    for (const name of packages) expect(asarFiles.has(`/node_modules/${name}/package.json`), name).toBe(true);
    // The renderer's bundled-in dependencies are left out (electron-builder.yml's files list).
    for (const name of ['mermaid', 'monaco-editor']) expect(asarFiles.has(`/node_modules/${name}/package.json`), name).toBe(false);
  });

  it('carries the nats-server beside app.asar, executable, where the packaged host finds it', () => {
    const resourcesPath = path.join(appDir, 'resources');
    const shipped = path.join(resourcesPath, 'nats-server', 'nats-server');
    expect(statSync(shipped).size).toBe(statSync(bundledServer).size);
    expect(statSync(shipped).mode & 0o111).not.toBe(0);
    expect(findNatsServerBinary({ env: { PATH: '' }, resourcesPath, appRoot: path.join(work, 'no-app-root'), platform: 'linux', arch })).toEqual({ path: shipped, source: 'packaged' });
  });
});
