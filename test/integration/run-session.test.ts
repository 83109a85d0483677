// The run session on a real embedded nats-server (started as the CLI starts it, in a throwaway
// dir): recording into a library, two sessions sharing one server (--only on two machines), the
// no-responders grace, typed failures, and a failed start that leaves nothing open or running.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTopology } from '../../agents/topology/load.js';
import type { Topology } from '../../agents/topology/schema.js';
import { RunFailure } from '../../main/host/run-session-failure.js';
import { startNatsServer, THROWAWAY_DIR_PREFIX, type SessionServer } from '../../main/host/run-session-server.js';
import { RunSession, type RunSessionOptions } from '../../main/host/run-session.js';
import { TraceLibrary } from '../../main/host/trace/index.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

let server: SessionServer;
let tmp: string;
let text: string;
let trio: Topology;
const warnings: string[] = [];

beforeAll(async () => {
  tmp = await makeTempDir('run-session');
  server = await startNatsServer({ mode: 'embedded' }, { appRoot: repoRoot });
  text = await readFile(path.join(repoRoot, 'templates/seed-000-trio.yaml'), 'utf8');
  trio = loadTopology(text, 'seed-000-trio.yaml').topology!;
});
afterAll(async () => {
  await server.stop();
  await removeTempDir(tmp);
});

const options = (over: Partial<RunSessionOptions> = {}): RunSessionOptions => ({
  server: server.handle,
  topology: trio,
  text,
  baseDir: repoRoot,
  senderName: 'session_test',
  warn: (t) => warnings.push(t),
  ...over,
});

describe('the run session', () => {
  it('records a run into the library, answers, and closes the store on stop', async () => {
    const library = new TraceLibrary(path.join(tmp, 'traces'));
    const seen: string[] = [];
    let announced: string | null = null;
    const session = await RunSession.start(
      options({
        library,
        onRecording: (runId) => void (announced = runId),
        onNetwork: (network) => network.events.on('agent.started', (e) => seen.push(e.agent)),
      }),
    );
    expect(session.runId).toMatch(/^run-/);
    expect(announced).toBe(session.runId);
    expect(seen.sort()).toEqual(['general_assistant', 'task_coordinator', 'weather_bot']); // hooked before the agents started
    expect(session.agentCounts()).toEqual([
      { name: 'task_coordinator', instances: 1 },
      { name: 'weather_bot', instances: 1 },
      { name: 'general_assistant', instances: 1 },
    ]);
    const reply = await session.send('task_coordinator', "What's the weather in Paris?");
    expect(reply.content).toBe('Weather-Bot: It is 18°C and partly cloudy in Paris.');
    await session.stop();
    await session.stop(); // twice is fine
    expect(warnings).toEqual([]); // every teardown step succeeded
    await expect(session.send('task_coordinator', 'again')).rejects.toMatchObject({ reason: 'request_failed' });

    // Closed: the library can remove it (it refuses an open run), and what it held was recorded.
    const runId = session.runId!;
    const out = path.join(tmp, 'run.ndjson');
    await library.exportNdjson(runId, out);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ run: runId, topology: text });
    expect(lines.some((l) => l.includes('"subject":"agents.request.weather_bot"'))).toBe(true);
    await library.remove(runId);
  });

  it('retries "no responders" while the agent starts elsewhere on the same server', async () => {
    const here = await RunSession.start(options({ only: ['weather_bot'] }));
    let elsewhere: RunSession | null = null;
    try {
      await here.send('weather_bot', 'weather in Oslo'); // the sender is up: the next request goes out at once
      const pending = here.send('general_assistant', 'hello', { timeoutMs: 20_000, noResponderGraceMs: 20_000 });
      elsewhere = await RunSession.start(options({ only: ['general_assistant'], senderName: 'session_test_2' }));
      expect((await pending).from_agent).toBe('general_assistant');
    } finally {
      await elsewhere?.stop();
      await here.stop();
    }
  });

  it('fails a request nobody answers once the grace is over, with the request reason', async () => {
    const session = await RunSession.start(options({ only: ['weather_bot'] }));
    try {
      const failure = await session.send('general_assistant', 'hi', { timeoutMs: 2_000, noResponderGraceMs: 300 }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(RunFailure);
      expect(failure).toMatchObject({ reason: 'request_failed', message: expect.stringMatching(/No agent answers on agents\.request\.general_assistant/) });
    } finally {
      await session.stop();
    }
  });

  it('refuses an unknown --only agent as a usage failure, before starting anything', async () => {
    const library = new TraceLibrary(path.join(tmp, 'unused'));
    await expect(RunSession.start(options({ only: ['ghost'], library }))).rejects.toMatchObject({ reason: 'usage', message: expect.stringMatching(/No agent named ghost/) });
    expect(existsSync(library.root)).toBe(false);
  });

  it('undoes a failed start: an agent that cannot start leaves no agent running and the store closed', async () => {
    // The replay provider needs a recorded trace, and none is given: the third agent fails to start.
    const broken = loadTopology(text.replace('    offline:\n      provider: scripted\n', '    offline:\n      provider: scripted\n    replayed:\n      provider: replay\n').replace(/(- name: general_assistant[\s\S]*?llm: )offline/, '$1replayed'), 'broken.yaml');
    expect(broken.topology, JSON.stringify(broken.problems)).toBeTruthy();
    const library = new TraceLibrary(path.join(tmp, 'failed'));
    let runId: string | null = null;
    const stopped: string[] = [];
    const failure = await RunSession.start(
      options({
        topology: broken.topology!,
        library,
        onRecording: (id) => void (runId = id),
        onNetwork: (network) => network.events.on('agent.stopped', (e) => stopped.push(e.agent)),
      }),
    ).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RunFailure);
    expect(failure).toMatchObject({ reason: 'start_failed', message: expect.stringMatching(/^an agent failed to start: general_assistant: the replay provider needs a recorded trace/) });
    expect(stopped.sort()).toEqual(['task_coordinator', 'weather_bot']); // the two that had started
    expect(runId).not.toBeNull();
    await library.remove(runId!); // refused if the store were still open
  });

  it('refuses to start on a server that is not running; the CLI\'s throwaway dir goes with its server', async () => {
    const stopped = await startNatsServer({ mode: 'embedded' }, { appRoot: repoRoot });
    const cmdline = readFileSync(`/proc/${stopped.handle.status().pid!}/cmdline`, 'utf8').replaceAll('\0', ' ');
    const throwaway = new RegExp(`(\\S*/${THROWAWAY_DIR_PREFIX}[^/\\s]+)`).exec(cmdline)?.[1];
    expect(throwaway && existsSync(throwaway), cmdline).toBe(true);
    await stopped.stop();
    expect(existsSync(throwaway!)).toBe(false);
    await expect(RunSession.start(options({ server: stopped.handle }))).rejects.toMatchObject({ reason: 'nats_unavailable', message: 'The NATS server is not running.' });
  });
});
