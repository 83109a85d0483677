// The two entry points that start a NATS server, `switchboard run` and `switchboard serve`, given
// the same bad input: each case runs through both built commands, which must exit with the same
// code and print the same message (apart from the command's own name). Both also start on the
// user's own server, including with an exported agent's least-privilege seed.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { nkeys } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportNatsConf } from '../../agents/topology/export/nats-conf.js';
import { loadTopology } from '../../agents/topology/load.js';
import { runCli, startServe, type CliOutcome } from '../helpers/cli.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { startTestServer } from '../helpers/nats-server.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

const trio = path.join(repoRoot, 'templates/seed-000-trio.yaml');
/** Nothing listens on port 1 of the loopback: a connection is refused at once. */
const NOWHERE = 'nats://127.0.0.1:1';

let tmp: string;
let files: { wrongCreds: string; credsDir: string; missing: string };
beforeAll(async () => {
  tmp = await makeTempDir('entry-points');
  files = { wrongCreds: path.join(tmp, 'wrong.creds'), credsDir: path.join(tmp, 'creds-dir'), missing: path.join(tmp, 'missing.pem') };
  await writeFile(files.wrongCreds, 'not a credential\n');
  await mkdir(files.credsDir);
});
afterAll(async () => {
  await removeTempDir(tmp);
});

/** Runs the flags through `run` and `serve` at once. */
async function both(flags: string[], env?: NodeJS.ProcessEnv): Promise<{ run: CliOutcome; serve: CliOutcome }> {
  const options = { timeoutMs: 20_000, ...(env && { env: { ...process.env, ...env } }) };
  const [run, serve] = await Promise.all([
    runCli(['run', trio, ...flags], options),
    runCli(['serve', '--data-dir', path.join(tmp, 'serve-data'), ...flags], options),
  ]);
  return { run, serve };
}

/** stderr with the command's own name taken out. */
const message = (outcome: CliOutcome, command: 'run' | 'serve') => outcome.stderr.replaceAll(`switchboard ${command}`, 'switchboard COMMAND');

describe('run and serve answer the same bad input alike', () => {
  it.each<[string, () => string[], number, RegExp, NodeJS.ProcessEnv?]>([
    ['a --nats that is not a URL', () => ['--nats', 'not a url'], 2, /--nats: "not a url" is not a NATS URL/],
    ['an empty --nats', () => ['--nats='], 2, /--nats: give a NATS URL/],
    ['--nats without its value', () => ['--nats'], 2, /Option '--nats <value>' argument missing/],
    ['--creds without --nats', () => ['--creds', files.wrongCreds], 2, /--creds and --tls-\* go with --nats URL/],
    ['--tls-cert without --tls-key', () => ['--nats', NOWHERE, '--tls-cert', files.missing], 2, /--tls-cert and --tls-key go together/],
    ['a missing creds file', () => ['--nats', NOWHERE, '--creds', path.join(tmp, 'none.creds')], 2, /cannot read the credentials file .*none\.creds: no such file/],
    ['a creds path that is a directory', () => ['--nats', NOWHERE, '--creds', files.credsDir], 2, /cannot read the credentials file .*creds-dir: it is a directory/],
    ['a creds file of the wrong kind', () => ['--nats', NOWHERE, '--creds', files.wrongCreds], 2, /.*wrong\.creds is neither a \.creds file nor an nkey seed/],
    ['a missing TLS CA file', () => ['--nats', NOWHERE, '--tls-ca', files.missing], 2, /cannot read the TLS CA certificate .*missing\.pem: no such file/],
    ['a missing TLS key file', () => ['--nats', NOWHERE, '--tls-cert', files.wrongCreds, '--tls-key', files.missing], 2, /cannot read the TLS client key .*missing\.pem: no such file/],
    ['an unreachable NATS server', () => ['--nats', NOWHERE], 4, /NATS unavailable: Could not connect to nats:\/\/127\.0\.0\.1:1/],
    ['NATS_SERVER_BIN pointing at nothing', () => [], 4, /NATS unavailable: .*nats-server binary not found or not executable at ".*no-such-nats-server"/, { NATS_SERVER_BIN: '/nonexistent/no-such-nats-server' }],
    ['an unknown flag', () => ['--no-such-flag'], 2, /unknown option --no-such-flag\./],
  ])('%s', async (_label, flags, code, expected, env) => {
    const { run, serve } = await both(flags(), env);
    expect({ code: run.code, stderr: message(run, 'run') }).toEqual({ code: serve.code, stderr: message(serve, 'serve') });
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(new RegExp(`^switchboard run: ${expected.source}`, 'm'));
    expect(run.stdout).toBe('');
    expect(serve.stdout).toBe('');
  });

  it('points usage failures, and only those, at --help', async () => {
    const usage = await both(['--nats', 'not a url']);
    expect(usage.run.stderr).toMatch(/Run "switchboard run --help" for usage\./);
    expect(usage.serve.stderr).toMatch(/Run "switchboard serve --help" for usage\./);
    const unavailable = await both(['--nats', NOWHERE]);
    expect(unavailable.run.stderr + unavailable.serve.stderr).not.toMatch(/--help/);
  });

  // Each command has its own number flag; both are read by the same parser and fail the same way.
  it.each([
    [['run', trio, '--duration', 'soon'], /^switchboard run: --duration: "soon" is not a positive number\.$/m],
    [['run', trio, '--timeout', '0'], /^switchboard run: --timeout: "0" is not a positive number\.$/m],
    [['serve', '--port', 'http'], /^switchboard serve: --port: "http" is not a port number \(0 to 65535\)\.$/m],
    [['serve', '--port', '65536'], /^switchboard serve: --port: "65536" is not a port number \(0 to 65535\)\.$/m],
  ])('refuses a bad number: %j', async (args, expected) => {
    const out = await runCli(args, { timeoutMs: 20_000 });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(expected);
  });
});

describe('run and serve on the user\'s own server', () => {
  it('both start with --nats URL: run answers, serve reports the external server', async () => {
    const nats = await startTestServer({ nkey: false });
    try {
      const run = await runCli(['run', trio, '--nats', nats.url, '--input', "What's the weather in Paris?", '--to', 'task_coordinator']);
      expect(run.stdout, run.stderr).toBe('Weather-Bot: It is 18°C and partly cloudy in Paris.\n');
      expect(run.code).toBe(0);
      const serve = await startServe(['--data-dir', path.join(tmp, 'serve-external'), '--nats', nats.url]);
      expect(serve.output()).toMatch(/^NATS: external server \S+ at nats:\/\/127\.0\.0\.1:\d+$/m);
      expect(await serve.stop()).toBe(0);
    } finally {
      await nats.stop();
    }
  });

  it('run logs in with an exported agent seed (least privilege): agents start, the trace keeps the runtime events', async () => {
    const text = await readFile(trio, 'utf8');
    const topology = loadTopology(text, trio).topology!;
    const createUser = () => {
      const pair = nkeys.createUser();
      return { publicKey: pair.getPublicKey(), seed: new TextDecoder().decode(pair.getSeed()) };
    };
    const dir = path.join(tmp, 'least-privilege');
    await mkdir(dir);
    const { config, secrets } = exportNatsConf(topology, { createUser, host: '127.0.0.1', port: -1, monitorPort: -1, storeDir: path.join(dir, 'jetstream') });
    for (const secret of secrets) await writeFile(path.join(dir, secret.fileName), secret.content, { mode: 0o600 });
    const nats = await startTestServer({ wholeConfig: config });
    try {
      const out = path.join(dir, 'weather.ndjson');
      const run = await runCli(['run', trio, '--nats', nats.url, '--creds', path.join(dir, 'weather_bot.nk'), '--only', 'weather_bot', '--trace', out, '--duration', '0.5']);
      expect(run.stderr).toMatch(/weather_bot\s+started/);
      // An agent may not subscribe to `>`: the trace says so and records the runtime events only.
      expect(run.stderr).toMatch(/^trace: .*bus tap.*; recording runtime events only\.$/m);
      expect(run.code, run.stderr).toBe(0);
      const records = (await readFile(out, 'utf8')).trim().split('\n').slice(1).map((line) => JSON.parse(line) as { kind: string; name?: string });
      expect(records.some((r) => r.kind === 'event' && r.name === 'agent.started')).toBe(true);
      expect(records.some((r) => r.kind === 'message')).toBe(false);
    } finally {
      await nats.stop();
    }
  });
});
