import { spawnSync } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeScriptSandbox } from '../helpers/script-sandbox.js';
import { removeTempDir } from '../helpers/temp-dir.js';

// scripts/fetch-nats-server.mjs runs on `npm ci` (postinstall) and must never fail the install.
// It runs here from a copy in a temporary root; a platform without a pinned release ('sunos')
// makes the download fail the same way on every machine, network or not.
let root: string;

beforeEach(async () => {
  root = await makeScriptSandbox('fetch-nats', ['fetch-nats-server.mjs', 'network-error.mjs']);
});

afterEach(async () => {
  await removeTempDir(root);
});

const runFetch = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const base = { ...process.env };
  delete base['NATS_SERVER_BIN'];
  return spawnSync(process.execPath, [path.join(root, 'scripts', 'fetch-nats-server.mjs'), ...args], {
    cwd: root,
    env: { ...base, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
};

describe('scripts/fetch-nats-server.mjs', { timeout: 30_000 }, () => {
  it('copies NATS_SERVER_BIN into resources/ and records where it came from', async () => {
    const fake = path.join(root, 'my-nats');
    await writeFile(fake, '#!/bin/sh\n');
    await chmod(fake, 0o755);
    const result = runFetch(['--platform', 'linux', '--arch', 'x64'], { NATS_SERVER_BIN: fake });
    expect(result.status).toBe(0);
    const dir = path.join(root, 'resources', 'nats-server', 'linux-x64');
    expect(await readFile(path.join(dir, 'nats-server'), 'utf8')).toBe('#!/bin/sh\n');
    expect(await readFile(path.join(dir, 'SOURCE.txt'), 'utf8')).toBe(`copied from NATS_SERVER_BIN=${fake}\n`);
  });

  it('without a binary: says why and how to get one, and exits 0 so the install goes on', () => {
    const result = runFetch(['--platform', 'sunos', '--arch', 'x64']);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('nats-server: no pinned nats-server release for sunos-x64.');
    expect(result.stderr).toContain('apt-get install nats-server');
    expect(result.stderr).toContain('NATS_SERVER_BIN=/path/to/nats-server');
  });

  it("never bundles this machine's nats-server for another architecture", async () => {
    const onPath = path.join(root, 'bin');
    await mkdir(onPath);
    await writeFile(path.join(onPath, 'nats-server'), '#!/bin/sh\n');
    await chmod(path.join(onPath, 'nats-server'), 0o755);
    const other = process.arch === 'ia32' ? 'x64' : 'ia32'; // no pinned release: fails without the network
    const result = runFetch(['--platform', process.platform, '--arch', other], { PATH: `${onPath}${path.delimiter}${process.env['PATH'] ?? ''}` });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(`no pinned nats-server release for ${process.platform}-${other}`);
    expect(existsSync(path.join(root, 'resources', 'nats-server', `${process.platform}-${other}`))).toBe(false);
  });

  it('when a download fails over a binary already in place: keeps it and says so in one line', async () => {
    const dir = path.join(root, 'resources', 'nats-server', 'sunos-x64');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'nats-server'), '#!/bin/sh\n');
    await chmod(path.join(dir, 'nats-server'), 0o755);
    await writeFile(path.join(dir, 'SOURCE.txt'), 'copied from /somewhere\n');
    const result = runFetch(['--platform', 'sunos', '--arch', 'x64', '--download']);
    expect(result.status).toBe(0);
    expect(result.stderr.trim()).toBe(
      `nats-server: no pinned nats-server release for sunos-x64; keeping ${path.join(dir, 'nats-server')} (copied from /somewhere).`,
    );
  });
});
