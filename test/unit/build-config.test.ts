// The installers' configuration (electron-builder.yml), read as electron-builder reads it: every
// target and arch carries the nats-server that scripts/fetch-nats-server.mjs puts in place for it,
// at the path the packaged host searches; the fuses; the files list; icons; the file association.
// test/integration/build-pack.test.ts packs the Linux app for real and reads back what ships.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findNatsServerBinary, natsServerFileName } from '../../main/host/nats/find-binary.js';
import { OPENABLE_FILE } from '../../main/host/open-request.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

interface TargetEntry {
  target: string;
  arch: string[];
}
interface BuildConfig {
  beforePack: string;
  files: string[];
  extraResources: { from: string; to: string; filter: string[] }[];
  electronFuses?: Record<string, boolean>;
  fileAssociations: { ext: string; mimeType?: string; name?: string }[];
  icon: string;
  linux: { target: TargetEntry[]; icon: string };
  mac: { target: TargetEntry[] };
  win: { target: TargetEntry[] };
}

const config = parse(readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8')) as BuildConfig;

/** The installers the project ships: electron-builder's config key, Node's platform name, target, archs. */
const SHIPPED = [
  { os: 'linux', platform: 'linux', target: 'AppImage', archs: ['x64', 'arm64'] },
  { os: 'linux', platform: 'linux', target: 'deb', archs: ['x64', 'arm64'] },
  { os: 'mac', platform: 'darwin', target: 'dmg', archs: ['x64', 'arm64'] },
  { os: 'win', platform: 'win32', target: 'nsis', archs: ['x64'] },
] as const;
const platformArchs = [...new Set(SHIPPED.flatMap((s) => s.archs.map((arch) => `${s.platform}-${arch}`)))].map((pa) => {
  const [platform, arch] = pa.split('-') as [NodeJS.Platform, string];
  return { platform, arch };
});

/** electron-builder's ${platform} and ${arch} macros (Node's names: linux/darwin/win32, x64/arm64). */
const expand = (text: string, platform: string, arch: string) => text.replaceAll('${platform}', platform).replaceAll('${arch}', arch);

describe('electron-builder.yml', () => {
  it('builds AppImage and deb (Linux), dmg (macOS) and NSIS (Windows) for each shipped arch, and nothing else', () => {
    const declared = (['linux', 'mac', 'win'] as const).flatMap((os) => config[os].target.map((t) => ({ os, target: t.target, archs: [...t.arch].sort() })));
    expect(declared).toEqual(SHIPPED.map(({ os, target, archs }) => ({ os, target, archs: [...archs].sort() })));
  });

  it('sets the fuses: no run-as-node, NODE_OPTIONS or inspect flags; cookie encryption, ASAR integrity, only the ASAR; no file:// privileges', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('ships the built main, preload and renderer, the templates and package.json; no sources, tests or maps', () => {
    const included = config.files.filter((p) => !p.startsWith('!'));
    expect(included).toEqual(expect.arrayContaining(['dist/electron/**', 'dist/main/**', 'dist/preload/**', 'dist/renderer/**', 'templates/**', 'package.json']));
    expect(config.files).toContain('!dist/**/*.map');
    for (const pattern of included) expect(pattern).not.toMatch(/^(test|main|agents|preload|renderer|scripts|resources)\/|^\*\*|\*\.ts$/);
    // package.json's main is the Electron entry: it must be one of the shipped files.
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { main: string };
    expect(manifest.main).toBe('dist/electron/main.js');
  });

  it('uses icons that exist and are large enough (1024 px for the .icns and .ico made from it, a Linux set with 256 and 512)', () => {
    const pngSize = (file: string) => {
      const bytes = readFileSync(path.join(repoRoot, file));
      expect(bytes.subarray(1, 4).toString()).toBe('PNG');
      return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
    };
    expect(pngSize(config.icon)).toEqual([1024, 1024]);
    for (const size of [16, 32, 48, 64, 128, 256, 512]) expect(pngSize(path.join(config.linux.icon, `${size}x${size}.png`))).toEqual([size, size]);
    expect(existsSync(path.join(repoRoot, 'resources/icons/icon.svg'))).toBe(true);
  });

  it('associates its own topology extension (not .yaml or .json: the installer would take those over), with a Linux mime type, and the shell opens it', () => {
    expect(config.fileAssociations).toEqual([expect.objectContaining({ ext: 'switchboard', mimeType: 'application/x-switchboard-topology' })]);
    for (const { ext } of config.fileAssociations) expect(OPENABLE_FILE.test(`flow.${ext}`)).toBe(true);
  });
});

describe('the nats-server of every target', () => {
  let sandbox: string;
  beforeAll(async () => {
    sandbox = await makeTempDir('build-config');
  });
  afterAll(async () => {
    await removeTempDir(sandbox);
  });

  it('has a pinned release in scripts/fetch-nats-server.mjs (it fetches any target with --platform/--arch --download)', () => {
    const script = readFileSync(path.join(repoRoot, 'scripts/fetch-nats-server.mjs'), 'utf8');
    for (const { platform, arch } of platformArchs) expect(script).toContain(`'${platform}-${arch}': { asset:`);
  });

  it('is copied by extraResources from where the fetch script puts it, to where the packaged host looks', () => {
    // The fetch script itself, run in a copy of the repository layout with a stand-in binary, says where it puts each target's file.
    mkdirSync(path.join(sandbox, 'scripts'));
    for (const script of readdirSync(path.join(repoRoot, 'scripts')).filter((f) => f.endsWith('.mjs'))) copyFileSync(path.join(repoRoot, 'scripts', script), path.join(sandbox, 'scripts', script)); // with what it imports
    const standIn = path.join(sandbox, 'stand-in-nats-server');
    writeFileSync(standIn, '#!/bin/sh\n');
    chmodSync(standIn, 0o755);
    expect(config.extraResources).toHaveLength(1);
    const [resource] = config.extraResources;
    for (const { platform, arch } of platformArchs) {
      execFileSync(process.execPath, ['scripts/fetch-nats-server.mjs', '--platform', platform, '--arch', arch], { cwd: sandbox, env: { ...process.env, NATS_SERVER_BIN: standIn }, stdio: 'pipe' });
      const fileName = natsServerFileName(platform);
      const fetched = path.join(sandbox, expand(resource!.from, platform, arch), fileName);
      expect(existsSync(fetched), `${platform}-${arch}: extraResources reads ${fetched}`).toBe(true);
      expect(resource!.filter, `${platform}: the filter lets ${fileName} through`).toContain(fileName);

      // Packed: <resources>/<to>/<file>; the host, given Electron's resourcesPath, must find exactly that.
      const resourcesPath = path.join(sandbox, `packed-${platform}-${arch}`);
      const packed = path.join(resourcesPath, resource!.to, fileName);
      mkdirSync(path.dirname(packed), { recursive: true });
      copyFileSync(fetched, packed);
      chmodSync(packed, 0o755);
      const found = findNatsServerBinary({ env: { PATH: '' }, resourcesPath, appRoot: path.join(sandbox, 'no-app-root'), platform, arch });
      expect(found, `${platform}-${arch}`).toEqual({ path: packed, source: 'packaged' });
    }
  }, 60_000); // a node process per target

  it("is checked before each target is packed (beforePack): at extraResources' path, and a target without one stops the build", () => {
    expect(config.beforePack).toBe('./scripts/before-pack.mjs');
    const hook = (code: string) => execFileSync(process.execPath, ['--input-type=module', '-e', `import * as hook from './scripts/before-pack.mjs';\n${code}`], { cwd: repoRoot, encoding: 'utf8', stdio: 'pipe' });
    const [resource] = config.extraResources;
    const checked = JSON.parse(hook(`console.log(JSON.stringify(${JSON.stringify(platformArchs)}.map((t) => hook.natsServerResource(t.platform, t.arch))))`)) as string[];
    expect(checked.map((file) => path.relative(repoRoot, file))).toEqual(platformArchs.map(({ platform, arch }) => path.join(expand(resource!.from, platform, arch), natsServerFileName(platform))));
    // armv7l (builder-util's Arch 2) has no pinned release: the fetch script cannot get one (without touching the network), so the hook throws.
    const outcome = (() => {
      try {
        return hook(`await hook.beforePack({ electronPlatformName: 'linux', arch: 2 });`);
      } catch (error) {
        return String((error as { stderr?: string }).stderr);
      }
    })();
    expect(outcome).toContain('no pinned nats-server release for linux-armv7l');
    expect(outcome).toContain('resources/nats-server/linux-armv7l/nats-server is missing, so the linux-armv7l installer would have no nats-server');
  }, 60_000);
});
