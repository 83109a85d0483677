// The app's Run: a topology runs inside the host on its NATS server, requests reach it, every
// message and runtime event is recorded, live batches arrive, and the trace can be queried after.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../main/host/host.js';
import type { EventPayload } from '../../preload/contract.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

let host: Host;
let dataDir: string;
beforeAll(async () => {
  dataDir = await makeTempDir('host-runs');
  host = await startHost({ shell: 'headless', appVersion: '0.0.0-test', appRoot: repoRoot, dataDir, nats: { mode: 'embedded' } });
});
afterAll(async () => {
  await host.stop();
  await removeTempDir(dataDir);
});

describe('running a topology in the host', () => {
  it('runs, answers, records, streams batches, stops, and keeps a queryable trace', async () => {
    const h = host.handlers;
    const batches: EventPayload<'trace.appended'>[] = [];
    const states: string[] = [];
    const offBatches = host.events.on('trace.appended', (b) => batches.push(b));
    const offStatus = host.events.on('run.statusChanged', (s) => states.push(s.state));
    const firstBatch = new Promise<void>((resolve) => {
      const off = host.events.on('trace.appended', () => {
        off();
        resolve();
      });
    });
    const text = await readFile(path.join(repoRoot, 'templates/seed-000-trio.yaml'), 'utf8');

    const started = await h['run.start']({ text, fileName: 'seed-000-trio.yaml' });
    expect(started).toMatchObject({ state: 'running', topology: 'seed-000-trio' });
    expect(started.agents.map((a) => a.name).sort()).toEqual(['general_assistant', 'task_coordinator', 'weather_bot']);
    await expect(h['run.start']({ text })).rejects.toMatchObject({ code: 'conflict' });

    const reply = await h['run.send']({ to: 'task_coordinator', input: "What's the weather in Paris?" });
    expect(reply.content).toBe('Weather-Bot: It is 18°C and partly cloudy in Paris.');
    const runId = started.runId!;
    await firstBatch; // a live batch went out
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.every((b) => b.runId === runId)).toBe(true);

    const stopped = await h['run.stop'](undefined);
    expect(stopped.state).toBe('idle');
    expect(states).toEqual(['starting', 'starting', 'running', 'stopping', 'idle']); // the second 'starting' carries the run id
    offBatches();
    offStatus();

    // The live batches carried the records in order, without gaps, as the store has them.
    const live = batches.flatMap((b) => b.records.map((r) => r.seq));
    expect(live).toEqual(live.map((_, i) => i + 1));

    const page = await h['trace.query']({ runId, query: { subject: 'agents.request.*', agent: 'weather_bot', kind: 'message', limit: 100 } });
    expect(page.records.map((r) => (r.kind === 'message' ? r.subject : ''))).toEqual(['agents.request.weather_bot']);
    // The same page with the table's facts: the delegation points to its reply, and the detail pane's call finds it.
    const withFacts = await h['trace.query']({ runId, query: { subject: 'agents.request.*', agent: 'weather_bot', kind: 'message', limit: 100 }, withFacts: true });
    const asked = withFacts.facts![0]!;
    expect(asked).toMatchObject({ seq: page.records[0]!.seq, from: 'task_coordinator', to: 'weather_bot', type: 'request', status: 'ok' });
    const related = await h['trace.getRelated']({ runId, seq: asked.seq });
    expect(related.facts).toEqual(asked);
    expect(related.conversation?.seqs).toContain(asked.replySeq);
    const answered = related.records.find((r) => r.seq === asked.replySeq)!;
    // The recorder stamps each read of the tap: with the scripted LLM, request and reply can share one read (0 ms).
    expect(asked.latencyMs).toBe(answered.mono - page.records[0]!.mono);
    expect(asked.latencyMs).toBeGreaterThanOrEqual(0);
    await expect(h['trace.getRelated']({ runId, seq: 1_000_000 })).rejects.toMatchObject({ code: 'not_found' });
    const events = await h['trace.query']({ runId, query: { kind: 'event', type: 'llm.call', limit: 100 } });
    expect(events.records.length).toBe(4); // coordinator 2 turns, weather bot 2 turns
    const counts = await h['trace.count']({ runId });
    expect(counts.subjects['agents.request.task_coordinator']).toBe(1);
    // NATS infrastructure (the KV registry's JetStream calls, and their replies on the agents' inboxes) is one filter away;
    // the agents' own replies on their inboxes stay.
    const shown = await h['trace.count']({ runId, query: { infrastructure: 'hide' } });
    expect(shown.hiddenInfrastructure).toBeGreaterThan(0);
    expect(shown.records + shown.hiddenInfrastructure).toBe(counts.records);
    expect(Object.keys(shown.subjects).filter((s) => s.startsWith('$'))).toEqual([]);
    const infrastructure = await h['trace.query']({ runId, query: { infrastructure: 'only', limit: 1000 } });
    expect(infrastructure.records.some((r) => r.kind === 'message' && r.subject.startsWith('_INBOX'))).toBe(true);
    const delegation = page.records[0]!;
    if (delegation.kind !== 'message' || !delegation.reply) throw new Error('the delegation is a request');
    const answer = await h['trace.query']({ runId, query: { subject: delegation.reply, infrastructure: 'hide', limit: 10 } });
    expect(answer.records.length).toBe(1);
    expect((await h['trace.count']({ runId, query: { errors: true } })).records).toBe(0); // a clean run
    const { runs } = await h['trace.listRuns'](undefined);
    expect(runs[0]).toMatchObject({ runId, topology: 'seed-000-trio' });

    // Export, import as a new run, export again: the same bytes.
    const first = path.join(dataDir, 'export-1.ndjson');
    await h['trace.export']({ runId, format: 'ndjson', path: first });
    const imported = await h['trace.import']({ path: first });
    expect(imported.runId).not.toBe(runId);
    expect(imported.topology).toBe('seed-000-trio');
    const second = path.join(dataDir, 'export-2.ndjson');
    await h['trace.export']({ runId: imported.runId, format: 'ndjson', path: second });
    expect(await readFile(second, 'utf8')).toBe(await readFile(first, 'utf8'));
  });

  it('refuses a topology with errors, and sends to nothing when nothing runs', async () => {
    await expect(host.handlers['run.start']({ text: 'apiVersion: switchboard.dev/v1\nkind: Topology\n' })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(host.handlers['run.send']({ to: 'x', input: 'y' })).rejects.toMatchObject({ code: 'unavailable' });
  });
});
