/** Runs the built CLI (bin/switchboard.js → dist/main/cli.js) in a child process, as a user would. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The package's bin, which runs dist/main/cli.js. */
export const cliPath = path.join(repoRoot, 'bin', 'switchboard.js');

/** How one CLI run ended. */
export interface CliOutcome {
  /** Exit code; null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options for {@link runCli}. */
export interface RunCliOptions {
  /** Killed (SIGKILL) and rejected after this long; default 30 s. */
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Text written to stdin, which is then closed (default: an empty stdin). */
  input?: string;
  /** One SIGTERM each time stderr first matches the next pattern, in order (to stop a `run` or `serve`). */
  sigtermOn?: readonly RegExp[];
}

/** Runs `switchboard ARGS` to completion and collects its exit code, stdout and stderr. */
export function runCli(args: readonly string[], options: RunCliOptions = {}): Promise<CliOutcome> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end(options.input ?? ''); // closed at once: a command that reads stdin sees its end
    let stdout = '';
    let stderr = '';
    const pending = [...(options.sigtermOn ?? [])];
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (pending[0]?.test(stderr)) {
        pending.shift();
        child.kill('SIGTERM');
      }
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`switchboard ${args.join(' ')} did not finish within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // 'close', not 'exit': by then all of stdout and stderr has been read.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A running `switchboard serve`. */
export interface ServeProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /**
   * SIGTERM and wait for exit; resolves with the exit code (null when it did not exit within
   * `graceMs`, default 15 s, and was killed with SIGKILL: a hung shutdown fails the test's
   * exit-code check instead of hanging its cleanup and leaving serve and its nats-server running).
   */
  stop(graceMs?: number): Promise<number | null>;
}

/** Starts `switchboard serve ARGS` (with `env`, else this process's) and resolves once it printed the URL to open. */
export async function startServe(args: string[], timeoutMs = 20_000, env?: NodeJS.ProcessEnv): Promise<ServeProcess> {
  const child = spawn(process.execPath, [cliPath, 'serve', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve printed no URL within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const check = () => {
      const match = /Open: (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before printing a URL:\n${output}`));
    });
  });

  return {
    child,
    url,
    output: () => output,
    stop: (graceMs = 15_000) => terminate(child, exited, graceMs),
  };
}

/** SIGTERM `child` (when still running) and wait for its exit code; SIGKILL after `graceMs` (then null). */
async function terminate(child: ChildProcess, exited: Promise<number | null>, graceMs: number): Promise<number | null> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** A running `switchboard run`. */
export interface RunProcess {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved as they came. */
  output: () => string;
  /** How long from the launch until `ready` matched. */
  readyAfterMs: number;
  /** Resolves with its exit code once it exits by itself (null after `withinMs`: then it is stopped). */
  exit(withinMs: number): Promise<number | null>;
  /** SIGTERM and wait: the exit code and the ms from the signal to the exit (SIGKILL after `graceMs`, default 20 s: code null). */
  sigterm(graceMs?: number): Promise<{ code: number | null; ms: number }>;
  /** {@link sigterm}'s exit code alone (for cleanups; an exited run resolves at once). */
  stop(graceMs?: number): Promise<number | null>;
}

/** Options of {@link startRun}. */
export interface StartRunOptions {
  /** Ready once stdout or stderr matches this (default: the agents run). */
  ready?: RegExp;
  /** Killed and rejected when not ready after this long (default 30 s). */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Starts `switchboard run ARGS` and resolves once it is ready (rejects, the process stopped, on a timeout or an early exit). */
export async function startRun(args: readonly string[], options: StartRunOptions = {}): Promise<RunProcess> {
  const ready = options.ready ?? /agent instance\(s\) running/;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = performance.now();
  const child = spawn(process.execPath, [cliPath, 'run', ...args], { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const sigterm = async (graceMs = 20_000) => {
    const signalled = performance.now();
    const code = await terminate(child, exited, graceMs);
    return { code, ms: performance.now() - signalled };
  };
  const stop = async (graceMs?: number) => (await sigterm(graceMs)).code;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`switchboard run ${args.join(' ')}: not ready within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const check = () => {
      if (!ready.test(output)) return;
      clearTimeout(timer);
      resolve();
    };
    child.stderr.on('data', check);
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      if (!ready.test(output)) reject(new Error(`switchboard run ${args.join(' ')} exited with ${code}:\n${output}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  const exit = async (withinMs: number) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), withinMs)));
    const code = await Promise.race([exited, late]);
    clearTimeout(timer);
    if (code === null) await stop();
    return code;
  };
  return { child, output: () => output, readyAfterMs: performance.now() - started, exit, sigterm, stop };
}
