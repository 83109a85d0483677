// The exported config's durable-workflow grants on a real nats-server: the durable-pipeline
// template spread as compose runs it (one `switchboard run --only` per agent, each with its own
// exported seed); the run of extract (the workflow's first step) executes order_report — opens
// the AI_WORKFLOWS stream, writes and reads its records, asks enrich and report — to its result,
// with no permission violation.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTopology } from '../../agents/topology/load.js';
import { OBSERVER_USER } from '../../agents/topology/export/nats-conf.js';
import { cliPath, runCli, type CliOutcome } from '../helpers/cli.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { startConfServer } from '../helpers/nats-conf-server.js';
import { pidsWithCommandLine } from '../helpers/processes.js';

describe('the durable-pipeline template on its exported config', () => {
  it('the run of the first step\'s agent executes the workflow on that agent\'s credentials, without a permission violation', async () => {
    const file = path.join(repoRoot, 'templates', 'durable-pipeline.yaml');
    const pipeline = loadTopology(await readFile(file, 'utf8'), file).topology!;
    const server = await startConfServer(pipeline);
    const dir = path.dirname(server.confPath);
    const url = `nats://${String((await server.login(OBSERVER_USER)).servers)}`;
    const creds = (agent: string) => path.join(dir, `${agent}.nk`);
    const helpers: Promise<CliOutcome>[] = [];
    try {
      for (const agent of ['enrich', 'report']) helpers.push(runCli(['run', file, '--nats', url, '--creds', creds(agent), '--only', agent, '--duration', '40'], { timeoutMs: 50_000 }));
      const done = await runCli(['run', file, '--nats', url, '--creds', creds('extract'), '--only', 'extract', '--workflow', 'order_report', '--input', 'order 3', '--timeout', '30'], { timeoutMs: 40_000 });
      expect(done.code, done.stderr).toBe(0);
      expect(done.stdout.trim()).toBe('Report: facts: order 3; customer tier: gold; region: EU (order as received: order 3)');
      expect(done.stderr).not.toMatch(/Permissions Violation/i);
    } finally {
      // Only the runs this test started: their command lines name its own seed files.
      for (const pid of pidsWithCommandLine(cliPath, dir)) process.kill(pid, 'SIGTERM');
      const outcomes = await Promise.allSettled(helpers);
      await server.stop();
      for (const outcome of outcomes) if (outcome.status === 'fulfilled') expect(outcome.value.stderr).not.toMatch(/Permissions Violation/i);
    }
  }, 90_000);
});
