// The workflow engine's start reads AI_WORKFLOWS to its end before it resumes anything: a stream
// whose last record is gone (purged by hand with `nats stream purge`, or its last message removed)
// must still count as read to its end — the engine starts instead of waiting forever. And a stop
// during the pause between a step's attempts ends the pause: no timer is left pending.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeEventBus } from '../../agents/protocol/runtime-events.js';
import { WORKFLOW_STREAM } from '../../agents/protocol/workflow-record.js';
import { JetStreamBuckets } from '../../agents/runtime/jetstream-buckets.js';
import { WorkflowEngine } from '../../agents/runtime/workflows/workflow-engine.js';
import { WorkflowSchema, type WorkflowSpec } from '../../agents/topology/schema.js';
import { startTestServer, type TestServer } from '../helpers/nats-server.js';
import { TestClock } from '../helpers/test-clock.js';
import { until } from '../helpers/until.js';

let server: TestServer;
let nc: NatsConnection;

beforeAll(async () => {
  server = await startTestServer();
  nc = await connect({ ...server.connection, name: 'workflow_engine_start_test' });
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

const spec: WorkflowSpec = WorkflowSchema.parse({ name: 'w', steps: [{ name: 'a', agent: 'x' }], maxAttempts: 1 });

/** An engine whose one step answers at once with its input, upper-cased. */
function engine(): WorkflowEngine {
  return new WorkflowEngine({ nc, workflows: [spec], runs: new Set(['w']), buckets: new JetStreamBuckets(), events: new RuntimeEventBus(), ask: async (_agent, input) => input.toUpperCase(), warn: () => undefined });
}

/** Resolves with the start, or rejects when it has not come back within `ms`. */
async function startWithin(e: WorkflowEngine, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the engine did not start within ${ms} ms`)), ms)));
  try {
    await Promise.race([e.start(), late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('workflow engine start', () => {
  it('starts on a stream whose records were purged, and on one whose last record was removed', async () => {
    const first = engine();
    await startWithin(first, 10_000);
    const { outcome } = await first.request('w', 'one');
    expect(await outcome).toMatchObject({ status: 'finished', result: 'ONE' });
    await first.stop();

    const jsm = await jetstreamManager(nc);
    const last = (await jsm.streams.info(WORKFLOW_STREAM)).state.last_seq;
    await jsm.streams.deleteMessage(WORKFLOW_STREAM, last);
    const second = engine();
    await startWithin(second, 10_000);
    await second.stop();

    await jsm.streams.purge(WORKFLOW_STREAM);
    const third = engine();
    await startWithin(third, 10_000);
    // And it still runs what is requested after such a start.
    const again = await third.request('w', 'two');
    expect(await again.outcome).toMatchObject({ status: 'finished', result: 'TWO' });
    await third.stop();
  });
});

describe('workflow engine stop', () => {
  it('ends the pause between a failed attempt and the next: nothing is left pending', async () => {
    const clock = new TestClock();
    const events = new RuntimeEventBus();
    const failed: string[] = [];
    events.on('workflow.stepFinished', (e) => void failed.push(e.status));
    const retried = WorkflowSchema.parse({ name: 'r', steps: [{ name: 'a', agent: 'x' }], maxAttempts: 3 });
    const e = new WorkflowEngine({ nc, workflows: [retried], runs: new Set(['r']), buckets: new JetStreamBuckets(), events, ask: () => Promise.reject(new Error('down')), warn: () => undefined, retryPauseMs: () => 60_000, clock });
    await startWithin(e, 10_000);
    await e.request('r', 'in');
    await until(() => failed.length === 1 && clock.pending === 1, 'the first attempt to fail and its pause to begin');
    await e.stop();
    expect(clock.pending).toBe(0);
    expect(failed).toEqual(['failed']);
  });
});
