/**
 * Replay against live: the seed-000 trio on the scripted provider answers K requests in one run
 * session (recorded into a trace library), then that run is replayed from its trace (every model
 * answer and outside tool result from the record, the bus tools for real). Both on the same
 * embedded nats-server, alternating, median of a few pairs. The line is the replay's workload
 * (sending the K inputs to the last reply) against the live one's; reading the trace is timed apart.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadTopology } from '../../agents/topology/load.js';
import { driveReplay } from '../../main/host/replay-run.js';
import { readLibraryRun, type ReplayTrace } from '../../main/host/replay-trace.js';
import { startNatsServer, type SessionServer } from '../../main/host/run-session-server.js';
import { RunSession, type RunSessionOptions } from '../../main/host/run-session.js';
import { TraceLibrary } from '../../main/host/trace/index.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { median, report } from './stats.js';

const REQUESTS = 100;
const PAIRS = 3;
const QUESTIONS = ["What's the weather in Paris?", 'Tell me a fact about owls.', 'weather in Oslo?', 'Thanks!'];

/** One live run of the workload, recorded; its run id and how long the requests took (ms). */
async function live(base: Omit<RunSessionOptions, 'replay'>): Promise<{ runId: string; ms: number }> {
  const session = await RunSession.start(base);
  try {
    const started = performance.now(); // the sender starts on the first send, in both
    for (let i = 0; i < REQUESTS; i++) await session.send('task_coordinator', QUESTIONS[i % QUESTIONS.length]!);
    return { runId: session.runId!, ms: performance.now() - started };
  } finally {
    await session.stop();
  }
}

/** One replay of `trace`; how long its inputs took (ms). */
async function replay(base: Omit<RunSessionOptions, 'replay'>, trace: ReplayTrace): Promise<number> {
  const session = await RunSession.start({ ...base, replay: { recording: trace.recording } });
  try {
    const started = performance.now();
    const outcome = await driveReplay(session, { timeoutMs: 30_000, settleMs: 1000 });
    const ms = performance.now() - started;
    if (outcome.state !== 'followed' || trace.recording.inputs.length !== REQUESTS) throw new Error(`the replay did not follow: ${outcome.divergence ?? `${trace.recording.inputs.length} inputs`}`);
    return ms;
  } finally {
    await session.stop();
  }
}

/** Runs the replay benchmark and prints its lines. */
export async function runReplayBench(): Promise<void> {
  const tmp = await makeTempDir('bench-replay');
  let server: SessionServer | null = null;
  try {
    server = await startNatsServer({ mode: 'embedded' }, { appRoot: repoRoot });
    const text = await readFile(path.join(repoRoot, 'templates/seed-000-trio.yaml'), 'utf8');
    const topology = loadTopology(text, 'seed-000-trio.yaml').topology!;
    const library = new TraceLibrary(path.join(tmp, 'traces'));
    const base = { server: server.handle, topology, text, baseDir: repoRoot, library, busTap: 'required' as const, senderName: 'switchboard_cli', warn: () => undefined };
    const liveMs: number[] = [];
    const replayMs: number[] = [];
    const readMs: number[] = [];
    for (let i = 0; i < PAIRS; i++) {
      const recorded = await live(base);
      liveMs.push(recorded.ms);
      const t = performance.now();
      const trace = await readLibraryRun(library, recorded.runId);
      readMs.push(performance.now() - t);
      replayMs.push(await replay(base, trace));
    }
    const perRequest = (ms: number[]) => (median(ms) * 1000) / REQUESTS;
    report({ name: `replay of the trio, ${REQUESTS} requests, per request`, value: perRequest(replayMs), unit: 'µs', runs: PAIRS, baseline: { name: 'live (scripted)', value: perRequest(liveMs) }, target: 'ratio <= 1.2' });
    report({ name: 'reading the recorded trace for a replay', value: median(readMs), unit: 'ms', runs: PAIRS });
  } finally {
    await server?.stop();
    await removeTempDir(tmp);
  }
}
