import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findNatsServerBinary, natsServerFileName } from '../../main/host/nats/find-binary.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

let root: string;

/** Writes a fake binary at `dir/file` with the given mode and returns its path. */
async function fakeBinary(dir: string, file = 'nats-server', mode = 0o755): Promise<string> {
  await mkdir(dir, { recursive: true });
  const target = path.join(dir, file);
  await writeFile(target, '#!/bin/sh\nexit 0\n');
  await chmod(target, mode);
  return target;
}

beforeEach(async () => {
  root = await makeTempDir('find-binary');
});

afterEach(async () => {
  await removeTempDir(root);
});

// The lookup order: NATS_SERVER_BIN, packaged resources, bundled resources, PATH.
describe('findNatsServerBinary', () => {
  it('uses NATS_SERVER_BIN as given, ahead of everything else, even if it does not exist', async () => {
    const appRoot = path.join(root, 'app');
    await fakeBinary(path.join(appRoot, 'resources', 'nats-server', 'linux-x64'));
    const fromEnv = path.join(root, 'custom', 'my-nats');
    const found = findNatsServerBinary({
      env: { NATS_SERVER_BIN: fromEnv, PATH: path.join(root, 'empty') },
      appRoot,
      platform: 'linux',
      arch: 'x64',
    });
    expect(found).toEqual({ path: fromEnv, source: 'NATS_SERVER_BIN' });
  });

  it('resolves a relative NATS_SERVER_BIN to an absolute path', () => {
    const found = findNatsServerBinary({ env: { NATS_SERVER_BIN: 'bin/nats-server' }, appRoot: root });
    expect(found).toEqual({ path: path.resolve('bin/nats-server'), source: 'NATS_SERVER_BIN' });
  });

  it('prefers the packaged app resources over the bundled copy', async () => {
    const resourcesPath = path.join(root, 'packaged');
    const packaged = await fakeBinary(path.join(resourcesPath, 'nats-server'));
    const appRoot = path.join(root, 'app');
    await fakeBinary(path.join(appRoot, 'resources', 'nats-server', 'linux-x64'));
    const found = findNatsServerBinary({ env: { PATH: '' }, resourcesPath, appRoot, platform: 'linux', arch: 'x64' });
    expect(found).toEqual({ path: packaged, source: 'packaged' });
  });

  it('falls back to resources/nats-server/<platform>-<arch>/ when the packaged one is missing', async () => {
    const appRoot = path.join(root, 'app');
    await fakeBinary(path.join(appRoot, 'resources', 'nats-server', 'linux-x64')); // another arch: ignored
    const bundled = await fakeBinary(path.join(appRoot, 'resources', 'nats-server', 'linux-arm64'));
    const pathDir = path.join(root, 'on-path');
    await fakeBinary(pathDir);
    const found = findNatsServerBinary({
      env: { PATH: pathDir },
      resourcesPath: path.join(root, 'no-such-resources'),
      appRoot,
      platform: 'linux',
      arch: 'arm64',
    });
    expect(found).toEqual({ path: bundled, source: 'bundled' });
  });

  it('uses the Windows file name for the bundled binary on win32', async () => {
    const appRoot = path.join(root, 'app');
    const bundled = await fakeBinary(path.join(appRoot, 'resources', 'nats-server', 'win32-x64'), 'nats-server.exe');
    const found = findNatsServerBinary({ env: { PATH: path.join(root, 'empty') }, appRoot, platform: 'win32', arch: 'x64' });
    expect(natsServerFileName('win32')).toBe('nats-server.exe');
    expect(found).toEqual({ path: bundled, source: 'bundled' });
  });

  it('searches the PATH in order and skips files that are not executable', async () => {
    const notExecutable = path.join(root, 'a');
    await fakeBinary(notExecutable, 'nats-server', 0o644);
    const empty = path.join(root, 'b');
    await mkdir(empty);
    const first = await fakeBinary(path.join(root, 'c'));
    await fakeBinary(path.join(root, 'd'));
    const PATH = [notExecutable, empty, path.join(root, 'c'), path.join(root, 'd')].join(path.delimiter);
    const found = findNatsServerBinary({ env: { PATH }, appRoot: path.join(root, 'app'), platform: 'linux', arch: 'x64' });
    expect(found).toEqual({ path: first, source: 'PATH' });
  });

  it('returns null when there is no binary anywhere', async () => {
    const empty = path.join(root, 'empty');
    await mkdir(empty);
    // win32 skips the extra Unix directories (/usr/sbin holds a real nats-server on this machine).
    const found = findNatsServerBinary({ env: { PATH: empty }, appRoot: path.join(root, 'app'), platform: 'win32', arch: 'x64' });
    expect(found).toBeNull();
  });
});
