import { spawnSync } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '../helpers/chromium-path.js';
import { findTestNatsServer, repoRoot } from '../helpers/nats-binary.js';
import { makeScriptSandbox } from '../helpers/script-sandbox.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

// `npm test` starts with scripts/preflight.mjs. NATS_SERVER_BIN and CHROMIUM_PATH come first in
// the lookups the tests use, so pointing them at nothing makes both missing on any machine.
let dir: string;
let fakeNats: string;
let fakeChromium: string;

/** Writes an executable stand-in at `dir/name`. */
async function fakeExecutable(name: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, '#!/bin/sh\nexit 0\n');
  await chmod(file, 0o755);
  return file;
}

beforeAll(async () => {
  dir = await makeTempDir('preflight');
  fakeNats = await fakeExecutable('nats-server');
  fakeChromium = await fakeExecutable('chromium');
});

afterAll(async () => {
  await removeTempDir(dir);
});

const runPreflight = (env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'preflight.mjs')], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('npm test preflight (scripts/preflight.mjs)', { timeout: 60_000 }, () => {
  it('with nothing to run: one message naming both and the apt-get line, exit 1', () => {
    const result = runPreflight({ NATS_SERVER_BIN: path.join(dir, 'no-nats'), CHROMIUM_PATH: path.join(dir, 'no-chromium') });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('npm test: this machine lacks what the tests need:');
    expect(result.stderr).toContain(`nats-server (integration and e2e tests): NATS_SERVER_BIN=${path.join(dir, 'no-nats')} is not an executable file`);
    expect(result.stderr).toContain(`Chromium (e2e tests): CHROMIUM_PATH=${path.join(dir, 'no-chromium')} is not an executable file`);
    expect(result.stderr).toContain('Debian/Ubuntu: sudo apt-get install -y nats-server chromium');
    expect(result.stderr).not.toMatch(/\n\s+at /); // a message, not a stack
    expect(result.stdout).toBe('');
  });

  it('names only what is missing', () => {
    const result = runPreflight({ NATS_SERVER_BIN: fakeNats, CHROMIUM_PATH: path.join(dir, 'no-chromium') });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('sudo apt-get install -y chromium\n');
    expect(result.stderr).not.toContain('nats-server (integration');
    expect(result.stderr).not.toContain('brew install nats-server');
  });

  it('with both found: one line naming what the tests will use, exit 0', () => {
    const result = runPreflight({ NATS_SERVER_BIN: fakeNats, CHROMIUM_PATH: fakeChromium });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`preflight: Node ${process.versions.node}, nats-server ${fakeNats}, Chromium ${fakeChromium}\n`);
    expect(result.status).toBe(0);
  });
});

describe('npm test preflight before npm ci, on an old Node', { timeout: 60_000 }, () => {
  it('names the Node package.json asks for and says to run npm ci', async () => {
    const sandbox = await makeScriptSandbox('preflight', ['preflight.mjs', 'electron-binary.mjs']);
    try {
      await writeFile(path.join(sandbox, 'package.json'), '{"engines":{"node":">=99.1"}}');
      const result = spawnSync(process.execPath, [path.join(sandbox, 'scripts', 'preflight.mjs')], { cwd: sandbox, encoding: 'utf8', timeout: 60_000 });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`- Node >=99.1: this is Node ${process.versions.node}`);
      expect(result.stderr).toContain('Fix: install Node 99.1 or newer');
      expect(result.stderr).toContain('- the dependencies: node_modules is incomplete');
      expect(result.stderr).toContain('Fix: npm ci');
    } finally {
      await removeTempDir(sandbox);
    }
  });
});

describe('the lookups the tests and the preflight share', () => {
  it('findChromium: CHROMIUM_PATH as given, else chromium on the PATH', async () => {
    expect(findChromium({ CHROMIUM_PATH: '/given/chromium', PATH: dir })).toBe('/given/chromium');
    expect(findChromium({ PATH: `${path.join(dir, 'empty')}${path.delimiter}${dir}` })).toBe(fakeChromium);
    const browserOnly = path.join(dir, 'ubuntu');
    await mkdir(browserOnly, { recursive: true });
    await writeFile(path.join(browserOnly, 'chromium-browser'), '#!/bin/sh\n');
    await chmod(path.join(browserOnly, 'chromium-browser'), 0o755);
    expect(findChromium({ PATH: browserOnly })).toBe(path.join(browserOnly, 'chromium-browser'));
  });

  it('findTestNatsServer: NATS_SERVER_BIN when executable, null when not', () => {
    expect(findTestNatsServer({ NATS_SERVER_BIN: fakeNats })).toBe(fakeNats);
    expect(findTestNatsServer({ NATS_SERVER_BIN: path.join(dir, 'no-nats') })).toBeNull();
  });
});
