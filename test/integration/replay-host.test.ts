// run.replay in the host (real embedded nats-server): a recorded app run with three requests — two
// sent together, a third after both replies — replays into a new run that sends them again at the
// same points and ends `followed`; a fork is `followed` with its fork point in the status; bad calls refused.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../main/host/host.js';
import type { RunStatus } from '../../preload/contract.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

let host: Host;
let dataDir: string;
beforeAll(async () => {
  dataDir = await makeTempDir('replay-host');
  host = await startHost({ shell: 'headless', appVersion: '0.0.0-test', appRoot: repoRoot, dataDir, nats: { mode: 'embedded' } });
});
afterAll(async () => {
  await host.stop();
  await removeTempDir(dataDir);
});

/** Resolves with the status once the replay ended and the run stopped. */
const replayEnd = () =>
  new Promise<RunStatus>((resolve) => {
    const off = host.events.on('run.statusChanged', (status) => {
      if (status.state === 'idle' && status.replay && status.replay.state !== 'replaying') {
        off();
        resolve(status);
      }
    });
  });

/** The requests the workbench sent and the replies it got, in the run's record order. */
async function conversation(runId: string) {
  const page = await host.handlers['trace.query']({ runId, query: { kind: 'message', agent: 'switchboard_app', limit: 1000 } });
  return page.records.flatMap((r) => (r.kind === 'message' && r.parsed.ok && (r.parsed.message.message_type === 'request' || r.parsed.message.message_type === 'response') ? [{ seq: r.seq, type: r.parsed.message.message_type, content: r.parsed.message.content }] : []));
}

describe('run.replay', () => {
  let recorded: string;

  beforeAll(async () => {
    const h = host.handlers;
    const text = await readFile(path.join(repoRoot, 'templates/seed-000-trio.yaml'), 'utf8');
    const started = await h['run.start']({ text, fileName: 'seed-000-trio.yaml' });
    expect(started.replay).toBeNull();
    recorded = started.runId!;
    const [a, b] = await Promise.all([h['run.send']({ to: 'task_coordinator', input: "What's the weather in Paris?" }), h['run.send']({ to: 'weather_bot', input: 'weather in Oslo?' })]);
    expect(a.content).toContain('Paris');
    expect(b.content).toContain('Oslo');
    const c = await h['run.send']({ to: 'general_assistant', input: 'Thanks! Anything else?' });
    expect(c.content.length).toBeGreaterThan(0);
    await h['run.stop'](undefined);
  }, 60_000);

  it('replays a recorded run as a new run: the same inputs at the same points, the same replies, followed', async () => {
    const ended = replayEnd();
    const started = await host.handlers['run.replay']({ runId: recorded });
    expect(started).toMatchObject({ state: 'running', topology: 'seed-000-trio', replay: { of: recorded, fork: null, state: 'replaying', divergence: null } });
    expect(started.runId).not.toBe(recorded);
    const status = await ended;
    expect(status.replay).toEqual({ of: recorded, fork: null, state: 'followed', divergence: null });
    expect(status.runId).toBe(started.runId);

    const original = await conversation(recorded);
    const replayed = await conversation(started.runId!);
    const texts = (c: typeof original) => c.map((m) => `${m.type}: ${m.content}`).sort();
    expect(texts(replayed)).toEqual(texts(original));
    expect(replayed).toHaveLength(6);
    // The third request went only after both replies that had come before it in the record.
    const third = replayed.find((m) => m.content === 'Thanks! Anything else?')!;
    const firstReplies = replayed.filter((m) => m.type === 'response' && !m.content.includes('Thanks'));
    expect(firstReplies.filter((m) => m.seq < third.seq)).toHaveLength(2);
    // No model was asked: every decision came from the record.
    const calls = await host.handlers['trace.query']({ runId: started.runId!, query: { kind: 'event', type: 'llm.call', limit: 100 } });
    expect(calls.records.length).toBeGreaterThan(0);
    expect(calls.records.every((r) => r.kind === 'event' && r.name === 'llm.call' && r.payload.provider === 'replay')).toBe(true);
  }, 60_000);

  it('forks: the fork point is in the status, and the fork runs to its end', async () => {
    const ended = replayEnd();
    const decision = { text: 'Forked: I will not ask anyone.', toolCalls: [] };
    const started = await host.handlers['run.replay']({ runId: recorded, fork: { agent: 'task_coordinator', turn: 1, decision } });
    expect(started.replay).toMatchObject({ of: recorded, fork: { agent: 'task_coordinator', turn: 1 }, state: 'replaying' });
    const status = await ended;
    expect(status.replay).toMatchObject({ state: 'followed', divergence: null });
    const replies = (await conversation(started.runId!)).filter((m) => m.type === 'response').map((m) => m.content);
    expect(replies).toContain('Forked: I will not ask anyone.');
    const forked = await host.handlers['trace.query']({ runId: started.runId!, query: { kind: 'event', type: 'replay.forked', limit: 10 } });
    expect(forked.records).toHaveLength(1);
  }, 60_000);

  it('refuses an unknown run, a fork the record cannot serve, and a second run', async () => {
    const h = host.handlers;
    await expect(h['run.replay']({ runId: 'run-nope' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(h['run.replay']({ runId: recorded, fork: { agent: 'weather_bot', turn: 9, decision: { text: '', toolCalls: [] } } })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/no decision 9/),
    });
    const text = await readFile(path.join(repoRoot, 'templates/seed-000-trio.yaml'), 'utf8');
    await h['run.start']({ text });
    await expect(h['run.replay']({ runId: recorded })).rejects.toMatchObject({ code: 'conflict' });
    await h['run.stop'](undefined);
  }, 60_000);
});
