import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_BUILD, makeScriptSandbox } from '../helpers/script-sandbox.js';
import { removeTempDir } from '../helpers/temp-dir.js';

// `npm start` is scripts/start.mjs. Each test runs the real script from a copy of the repository's
// skeleton (scripts/, node_modules/electron/package.json), so the Electron binary is whatever the
// test puts there, on any machine, and the build is a stand-in that leaves a mark.
let root: string;

beforeEach(async () => {
  root = await makeScriptSandbox('start-script', ['start.mjs', 'electron-binary.mjs'], FAKE_BUILD);
  await mkdir(path.join(root, 'node_modules', 'electron'), { recursive: true });
  await writeFile(path.join(root, 'node_modules', 'electron', 'package.json'), '{"name":"electron","version":"41.7.1"}');
});

afterEach(async () => {
  await removeTempDir(root);
});

/** Env without the variables that change where start.mjs looks or what it says. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  if (!('ELECTRON_SKIP_BINARY_DOWNLOAD' in extra)) delete env['ELECTRON_SKIP_BINARY_DOWNLOAD'];
  delete env['ELECTRON_OVERRIDE_DIST_PATH'];
  return env;
}

const runStart = (args: string[] = [], env = cleanEnv()) =>
  spawnSync(process.execPath, [path.join(root, 'scripts', 'start.mjs'), ...args], { cwd: root, env, encoding: 'utf8', timeout: 30_000 });

/** Installs a fake Electron: a shell script with `body`, where electron's install script puts it. */
async function fakeElectron(body: string): Promise<void> {
  await writeFile(path.join(root, 'node_modules', 'electron', 'path.txt'), 'electron');
  const dist = path.join(root, 'node_modules', 'electron', 'dist');
  await mkdir(dist);
  await writeFile(path.join(dist, 'electron'), `#!/bin/sh\n${body}\n`);
  await chmod(path.join(dist, 'electron'), 0o755);
}

describe('npm start (scripts/start.mjs)', { timeout: 30_000 }, () => {
  it('without the Electron binary: says why and how to fix it, exits 1, builds nothing', () => {
    const result = runStart();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('npm start: the Electron 41.7.1 binary was never downloaded');
    expect(result.stderr).toContain('Fix: node node_modules/electron/install.js');
    expect(result.stderr).toContain('npx switchboard serve');
    expect(result.stderr.split('\n').length).toBeLessThan(8); // one short message, no stack
    expect(existsSync(path.join(root, 'built'))).toBe(false);
  });

  it('names ELECTRON_SKIP_BINARY_DOWNLOAD when it is set, and the install command that ignores it', () => {
    const result = runStart([], cleanEnv({ ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('ELECTRON_SKIP_BINARY_DOWNLOAD is set');
    expect(result.stderr).toContain('env -u ELECTRON_SKIP_BINARY_DOWNLOAD node node_modules/electron/install.js');
  });

  it('says the electron package itself is missing before `npm ci`', async () => {
    await removeTempDir(path.join(root, 'node_modules'));
    const result = runStart();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('the electron package is not installed');
    expect(result.stderr).toContain('Install the dependencies: npm ci');
    expect(result.stderr).toContain('ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci');
    expect(result.stderr).not.toContain('install.js'); // there is no install.js to run yet
  });

  it('with the binary: builds, runs `electron . ARGS` and exits with its code', async () => {
    await fakeElectron('echo "electron args: $*"\nexit 7');
    const result = runStart(['--open', 'my topology.yaml']);
    expect(result.stdout).toContain('fake build');
    expect(result.stdout).toContain('electron args: . --open my topology.yaml');
    expect(result.status).toBe(7);
  });

  it('passes SIGTERM on to Electron and ends as Electron did', async () => {
    await fakeElectron("trap 'echo electron got TERM; exit 143' TERM\necho ready >&2\nn=0\nwhile [ $n -lt 300 ]; do sleep 0.1; n=$((n+1)); done");
    const child = spawn(process.execPath, [path.join(root, 'scripts', 'start.mjs')], { cwd: root, env: cleanEnv() });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (d.includes('ready')) child.kill('SIGTERM'); // start.mjs alone, as an IDE's stop button does
    });
    const code = await new Promise<number | null>((resolve) => child.once('close', (exitCode) => resolve(exitCode)));
    expect(stdout).toContain('electron got TERM');
    expect(code).toBe(143);
  });

  it('a SIGTERM during the build stops the build too, and Electron never starts', async () => {
    await fakeElectron('echo electron started');
    // A slow stand-in build: says it began, writes `built` only if it is left to finish.
    const slowBuild = "import { writeFileSync } from 'node:fs';\nconsole.error('building');\nsetTimeout(() => writeFileSync('built', ''), 3000);\n";
    await writeFile(path.join(root, 'scripts', 'build.mjs'), slowBuild);
    const child = spawn(process.execPath, [path.join(root, 'scripts', 'start.mjs')], { cwd: root, env: cleanEnv() });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (d.includes('building')) child.kill('SIGTERM'); // start.mjs alone, not its process group
    });
    const code = await new Promise<number | null>((resolve) => child.once('close', (exitCode) => resolve(exitCode)));
    expect(code).not.toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 3500)); // past the build's own end, had it lived
    expect(existsSync(path.join(root, 'built'))).toBe(false);
    expect(stdout).not.toContain('electron started');
  });

  it('re-raises the signal that killed Electron', async () => {
    await fakeElectron('kill -KILL $$');
    const result = runStart();
    expect(result.signal).toBe('SIGKILL');
  });
});
