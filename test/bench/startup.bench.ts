/**
 * Issue #2's benchmark: nats-server spawn-to-ready under the supervisor, and `switchboard serve`
 * start-to-URL, each against a raw baseline measured in the same run.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedNatsServer } from '../../main/host/nats/embedded-server.js';
import { natsServerBinary } from '../helpers/nats-binary.js';
import { accepts, freePort } from '../helpers/ports.js';
import { cliPath } from '../helpers/cli.js';
import { median, report, timeRuns } from './stats.js';

const RUNS = 10;

/** Raw: spawn nats-server on a known port and poll until it accepts a TCP connection. */
async function rawSpawnToAccept(binary: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(binary, ['-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  while (!(await accepts(port))) await new Promise((r) => setTimeout(r, 1));
  const elapsed = performance.now() - started;
  await stopChild(child);
  return elapsed;
}

/** Ours: EmbeddedNatsServer.start() (config, JetStream, nkey auth, ports file, /healthz). */
async function supervisedStart(binary: string): Promise<number> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-'));
  const server = new EmbeddedNatsServer({ binary, dataDir });
  const started = performance.now();
  await server.start();
  const elapsed = performance.now() - started;
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return elapsed;
}

/** Raw: how long Node itself takes to start and exit. */
async function nodeStartup(): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return performance.now() - started;
}

/** Ours: `switchboard serve` from spawn until it prints the URL to open. */
async function serveToUrl(): Promise<number> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-'));
  const started = performance.now();
  const child = spawn(process.execPath, [cliPath, 'serve', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('Open: ')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  const elapsed = performance.now() - started;
  await stopChild(child);
  rmSync(dataDir, { recursive: true, force: true });
  return elapsed;
}

/** Runs the startup benchmarks and prints their lines. */
export async function runStartupBench(): Promise<void> {
  const binary = natsServerBinary();
  await rawSpawnToAccept(binary); // warm the page cache for the binary
  const raw = median(await timeRuns(RUNS, () => rawSpawnToAccept(binary)));
  const ours = median(await timeRuns(RUNS, () => supervisedStart(binary)));
  report({ name: 'nats-server spawn-to-ready (supervised)', value: ours, unit: 'ms', runs: RUNS, baseline: { name: 'raw spawn-to-accept', value: raw }, target: '< 300 ms' });

  const node = median(await timeRuns(RUNS, nodeStartup));
  const serve = median(await timeRuns(RUNS, serveToUrl));
  report({ name: 'switchboard serve start-to-URL', value: serve, unit: 'ms', runs: RUNS, baseline: { name: 'node startup + supervised server', value: node + ours }, target: '< 1500 ms' });
}

async function stopChild(child: ReturnType<typeof spawn>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
