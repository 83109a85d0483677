import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_BUILD, makeScriptSandbox } from '../helpers/script-sandbox.js';
import { removeTempDir } from '../helpers/temp-dir.js';

// `npm run dist` is scripts/dist.mjs. It runs from a copy of the repository's skeleton whose build
// and electron-builder are stand-ins, and its download hosts are pointed (through the mirrors
// electron-builder itself reads) at loopback servers that answer, refuse or never answer.
let root: string;

beforeEach(async () => {
  root = await makeScriptSandbox('dist-script', ['dist.mjs', 'network-error.mjs'], FAKE_BUILD);
  await mkdir(path.join(root, 'node_modules', 'electron-builder'), { recursive: true });
  await writeFile(
    path.join(root, 'node_modules', 'electron-builder', 'cli.js'),
    "console.log('electron-builder ' + process.argv.slice(2).join(' '));\nprocess.exit(5);\n",
  );
  await writeFile(path.join(root, 'package.json'), '{"type":"module","devDependencies":{"electron":"41.7.1"}}');
});

afterEach(async () => {
  await removeTempDir(root);
});

/** Runs dist.mjs with both download hosts at `url`; resolves with its exit code and output. */
function runDist(url: string, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_MIRROR: url, ELECTRON_BUILDER_BINARIES_MIRROR: url, XDG_CACHE_HOME: path.join(root, 'cache') };
  for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ELECTRON_GET_USE_PROXY', 'electron_config_cache']) delete env[name];
  // Async, not spawnSync: the loopback servers below live in this process and must keep answering.
  const child = spawn(process.execPath, [path.join(root, 'scripts', 'dist.mjs'), ...args], { cwd: root, env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** Listens on a loopback port with `server` and returns its base URL. */
async function listen(server: net.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`;
}

describe('npm run dist (scripts/dist.mjs)', { timeout: 30_000 }, () => {
  it('with the download hosts refusing: one message naming them and what is needed, exit 1, nothing built', async () => {
    const server = net.createServer();
    const url = await listen(server);
    await new Promise((resolve) => server.close(resolve)); // a port nothing listens on
    const result = await runDist(url);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('npm run dist: cannot build installers here');
    expect(result.stderr).toContain(`Electron: ${new URL(url).host} (connection refused: ECONNREFUSED)`);
    expect(result.stderr).toContain('the packaging tools:');
    expect(result.stderr).toContain('Electron 41.7.1 for');
    expect(result.stderr).toContain('is not in the download cache');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(root, 'built'))).toBe(false);
  });

  it('with a host that accepts and never answers: gives up after 3 s and says so', async () => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => sockets.add(socket)); // holds every connection silent
    const url = await listen(server);
    try {
      const result = await runDist(url);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('(no answer within 3 s)');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('with the hosts answering: builds, runs electron-builder with the config and ARGS, exits with its code', async () => {
    const server = http.createServer((_request, response) => response.writeHead(404).end());
    const url = await listen(server);
    try {
      const result = await runDist(url, ['--linux', 'deb']);
      expect(existsSync(path.join(root, 'built'))).toBe(true);
      expect(result.stdout).toContain('electron-builder --config electron-builder.yml --linux deb');
      expect(result.code).toBe(5);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
