// A host that dies without cleaning up (kill -9) must not leave its nats-server running.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pidsWithCommandLine } from '../helpers/processes.js';
import { startServe } from '../helpers/cli.js';
import { until } from '../helpers/until.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) {
    for (const pid of pidsWithCommandLine('nats-server', dir)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('no orphan nats-server', () => {
  it.runIf(process.platform === 'linux' && existsSync('/usr/bin/setpriv'))('dies with a host killed by SIGKILL', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-orphan-'));
    dirs.push(dataDir);
    const serve = await startServe(['--data-dir', dataDir]);
    const [serverPid] = pidsWithCommandLine('nats-server', dataDir);
    expect(serverPid).toBeGreaterThan(0);

    serve.child.kill('SIGKILL');
    await serve.stop();
    await until(() => pidsWithCommandLine('nats-server', dataDir).length === 0, 'the orphaned nats-server to die', 5000, 50);
    expect(pidsWithCommandLine('nats-server', dataDir)).toEqual([]);
  });

  it('a new host reclaims the data directory a killed host left behind', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-orphan-'));
    dirs.push(dataDir);
    const first = await startServe(['--data-dir', dataDir]);
    first.child.kill('SIGKILL');
    await first.stop();
    // The dead host's owner file is still there; the next host must take over, not refuse.
    const second = await startServe(['--data-dir', dataDir]);
    expect(second.output()).toContain('Switchboard is ready');
    expect(await second.stop()).toBe(0);
    expect(pidsWithCommandLine('nats-server', dataDir)).toEqual([]);
  });
});
