// `switchboard run` and `switchboard validate` as a user runs them: exit codes, the reply on
// stdout, events on stderr, a trace file, clean stops, and nothing left running.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pidsWithCommandLine } from '../helpers/processes.js';
import { freePort } from '../helpers/ports.js';
import { runCli } from '../helpers/cli.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

const trio = path.resolve('templates/seed-000-trio.yaml');
let tmp: string;
beforeAll(async () => {
  tmp = await makeTempDir('run-cli');
});
afterAll(async () => {
  await removeTempDir(tmp);
});

describe('switchboard run', () => {
  it('sends the example request and prints the reply (exit 0), events on stderr', async () => {
    const out = await runCli(['run', trio, '--input', "What's the weather in Paris?", '--to', 'task_coordinator']);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe('Weather-Bot: It is 18°C and partly cloudy in Paris.\n');
    expect(out.stderr).toMatch(/weather_bot\s+← request from task_coordinator/);
    expect(out.stderr).toMatch(/task_coordinator\s+✓ replied/);
  });

  it('writes a trace with the bus messages and the runtime events', async () => {
    const trace = path.join(tmp, 'trace.ndjson');
    const out = await runCli(['run', trio, '--quiet', '--trace', trace, '--input', 'hello', '--to', 'task_coordinator']);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe('');
    const [header, ...lines] = readFileSync(trace, 'utf8').trim().split('\n');
    expect(JSON.parse(header!)).toMatchObject({ format: 'switchboard.trace/v1', topology: expect.stringContaining('seed-000-trio') });
    const records = lines.map((l) => JSON.parse(l) as { seq: number; kind: string; subject?: string; name?: string });
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
    const subjects = new Set(records.filter((r) => r.kind === 'message').map((r) => r.subject));
    expect(subjects).toContain('agents.request.task_coordinator');
    expect(subjects).toContain('agents.request.general_assistant');
    expect(records.some((r) => r.kind === 'event' && r.name === 'llm.call')).toBe(true);
    // The working run (and its journal) beside OUT is gone: only the user's file is left.
    expect(readdirSync(path.dirname(trace)).filter((name) => name.includes('trace.ndjson'))).toEqual(['trace.ndjson']);
  });

  it('runs only the agents named by --only', async () => {
    const out = await runCli(['run', trio, '--only', 'weather_bot', '--input', 'weather in Oslo', '--to', 'weather_bot']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Oslo');
    expect(out.stderr).not.toMatch(/task_coordinator\s+started/);
  });

  it('stops cleanly on SIGTERM and leaves no nats-server behind', async () => {
    const before = pidsWithCommandLine('nats-server', 'switchboard-run-').length;
    const out = await runCli(['run', trio], { sigtermOn: [/Ctrl-C stops/] });
    expect(out.code).toBe(0);
    expect(out.stderr).toMatch(/SIGTERM: stopping/);
    expect(pidsWithCommandLine('nats-server', 'switchboard-run-').length).toBeLessThanOrEqual(before);
  });

  it('survives a SIGTERM repeated while it stops (supervisors resend them)', async () => {
    const out = await runCli(['run', trio], { sigtermOn: [/Ctrl-C stops/, /SIGTERM: stopping/] });
    expect(out.code).toBe(0);
    expect(out.stderr).toMatch(/Already stopping/);
  });

  it('stops after --duration', async () => {
    const out = await runCli(['run', trio, '--duration', '0.3']);
    expect(out.code).toBe(0);
    expect(out.stderr).toMatch(/0\.3s elapsed: stopping/);
  });

  it.each([
    ['an invalid topology', () => {
      const bad = path.join(tmp, 'bad.yaml');
      writeFileSync(bad, readFileSync(trio, 'utf8').replace('to: weather_bot\n      kind: request', 'to: nobody\n      kind: request'));
      return ['run', bad];
    }, 1, /bad\.yaml:\d+:\d+: error: Unknown node "nobody"/],
    ['an unreadable file', () => ['run', path.join(tmp, 'missing.yaml')], 2, /cannot read .*no such file/],
    ['--input without --to', () => ['run', trio, '--input', 'hi'], 2, /--input and --to go together/],
    ['--only with an unknown agent', () => ['run', trio, '--only', 'ghost'], 2, /No agent named ghost/],
    ['a request nobody can answer', () => ['run', trio, '--only', 'weather_bot', '--input', 'hi', '--to', 'general_assistant', '--timeout', '1'], 3, /No agent answers on agents\.request\.general_assistant/],
  ] as const)('exits with a clear message on %s', async (_label, args, code, message) => {
    const out = await runCli([...args()]);
    expect(out.code).toBe(code);
    expect(out.stderr).toMatch(message);
  });

  it('exits 4 when --nats points at nothing', async () => {
    const port = await freePort();
    const out = await runCli(['run', trio, '--nats', `nats://127.0.0.1:${port}`]);
    expect(out.code).toBe(4);
    expect(out.stderr).toMatch(/NATS|connect/i);
  });
});

describe('switchboard validate', () => {
  it('exits 0 for a valid file, 1 for an invalid one, 2 for an unreadable one', async () => {
    expect((await runCli(['validate', trio])).code).toBe(0);
    const bad = path.join(tmp, 'invalid.yaml');
    writeFileSync(bad, 'apiVersion: switchboard.dev/v1\nkind: Topology\nmetadata: { name: x }\nspec:\n  agents:\n    - { name: a }\n');
    const invalid = await runCli(['validate', bad, '--json']);
    expect(invalid.code).toBe(1);
    expect(JSON.parse(invalid.stdout)).toMatchObject({ valid: false, problems: [{ path: ['spec', 'agents', 0, 'llm'], line: 6 }] });
    expect((await runCli(['validate', path.join(tmp, 'nothing.yaml')])).code).toBe(2);
  });
});
