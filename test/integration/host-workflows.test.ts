// Durable workflows from the app (run.startWorkflow): a workflow answers with its result; an
// unknown one is refused by name; and when the run stops while the app waits for a workflow whose
// step cannot finish, the wait ends at once saying the workflow resumes with the next run (it is
// not failed, and the app does not sit out the 120 s timeout).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../main/host/host.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

let host: Host;
let dataDir: string;
beforeAll(async () => {
  dataDir = await makeTempDir('host-workflows');
  host = await startHost({ shell: 'headless', appVersion: '0.0.0-test', appRoot: repoRoot, dataDir, nats: { mode: 'embedded' } });
});
afterAll(async () => {
  await host.stop();
  await removeTempDir(dataDir);
});

// The second step's agent is external and nobody runs it: that step waits out its 60 s timeout.
const stuck = `apiVersion: switchboard.dev/v1
kind: Topology
metadata: { name: stuck-workflow }
spec:
  llms: { offline: { provider: scripted } }
  agents:
    - { name: first, llm: offline, script: { fallback: "first: {{input}}" } }
  externalAgents:
    - { name: elsewhere, description: runs in a process that is not started }
  workflows:
    - name: pipeline
      stepTimeoutMs: 60000
      steps:
        - { name: one, agent: first }
        - { name: two, agent: elsewhere }
`;

describe('durable workflows from the app', () => {
  it('answers with the workflow\'s result, and refuses an unknown workflow by name', async () => {
    const h = host.handlers;
    const text = await readFile(path.join(repoRoot, 'templates/durable-pipeline.yaml'), 'utf8');
    await h['run.start']({ text, fileName: 'durable-pipeline.yaml' });
    try {
      const ended = await h['run.startWorkflow']({ workflow: 'order_report', input: 'order 9 for Alan' });
      expect(ended).toMatchObject({ status: 'finished', reason: null });
      expect(ended.result).toMatch(/^Report: .*order 9 for Alan/);
      await expect(h['run.startWorkflow']({ workflow: 'nope', input: 'x' })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('no workflow named "nope"; declared: order_report') });
    } finally {
      await h['run.stop'](undefined);
    }
    await expect(h['run.startWorkflow']({ workflow: 'order_report', input: 'x' })).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('ends the wait at once when the run stops, saying the workflow resumes with the next run', async () => {
    const h = host.handlers;
    await h['run.start']({ text: stuck, fileName: 'stuck.yaml' });
    const waiting = h['run.startWorkflow']({ workflow: 'pipeline', input: 'go' });
    const outcome = waiting.then(
      () => 'finished',
      (error: unknown) => error,
    );
    // Let the first step finish and the second start waiting for its absent agent.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const started = Date.now();
    await h['run.stop'](undefined);
    const error = await outcome;
    console.log(`run.startWorkflow answered ${Date.now() - started} ms after the stop began`);
    expect(error).toMatchObject({ code: 'failed', message: expect.stringMatching(/^The run stopped before workflow pipeline wf-\S+ ended; it resumes at its first unfinished step when the topology runs again\.$/) });
  });
});
