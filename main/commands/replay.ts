/**
 * `switchboard replay TRACE.ndjson`: re-runs a recorded run without calling any model. The
 * topology comes from the trace header, every model answer and outside tool result from the
 * record, the recorded inputs are sent again at the same points; exit 0 when the replay followed
 * the record to its end, 6 with the first divergence otherwise. With `--fork AGENT:TURN --decision
 * FILE.json` the agent's TURN-th decision is the file's, and the topology's own providers answer
 * from there. Runs through the one run session, like `switchboard run`.
 */
import { readFile } from 'node:fs/promises';
import { clipLine } from '../../agents/topology/format-problems.js';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { OodaDecisionSchema } from '../../agents/protocol/llm.js';
import type { ForkPoint } from '../../agents/runtime/replay/replay-coordinator.js';
import { appRoot } from '../app-paths.js';
import { driveReplay, type ReplayOutcome } from '../host/replay-run.js';
import { readReplayTrace, replayTopology } from '../host/replay-trace.js';
import { fileErrorText, RunFailure } from '../host/run-session-failure.js';
import { RunSession } from '../host/run-session.js';
import { startNatsServer } from '../host/run-session-server.js';
import { positiveNumber, UsageError } from './flags.js';
import { natsChoiceFromFlags, natsFlagHelp, natsFlagSpecs } from './nats-flags.js';
import { summarize } from './run-summary.js';
import { saveTraceFile, traceFileLibrary } from './trace-file.js';

const replayHelp = `Usage: switchboard replay TRACE.ndjson [options]

Replays a recorded run (a trace written by switchboard run --trace, or exported from the app)
without calling any model: the topology is the one in the trace's header, every model answer and
every outside tool result (MCP, scripted) comes from the record, tools that talk to other agents
run for real, and the run's requests are sent again at the same points. Each reply goes to stdout.

Options:
${natsFlagHelp}
  --trace FILE            write the replay's own trace to FILE as NDJSON (header: replayOf, fork)
  --timeout SECONDS       how long each request waits for its reply (default: 120, as for run)
  --fork AGENT:TURN       replace AGENT's TURN-th decision (its TURN-th model call, from 1) ...
  --decision FILE.json    ... with this decision: {"text": "…", "toolCalls": [{"id","name","arguments"}]};
                          calls before it replay from the record, the topology's own providers
                          (scripted, or the real model) answer after it
  --quiet                 no event lines, only the replies and the outcome
  -h, --help              show this help

Exit codes: 0 the replay followed the record to its end (a fork: ran to its end), 6 it diverged
(the first divergence is printed), 2 usage error or unreadable trace/decision, 1 invalid recorded
topology, 4 NATS unavailable, 5 an agent failed to start.`;

/** Runs `replay`; failures are thrown as RunFailures (exit codes in run-session-failure.ts). */
export async function replay(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...natsFlagSpecs,
      trace: { type: 'string' },
      timeout: { type: 'string' },
      fork: { type: 'string' },
      decision: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return (console.log(replayHelp), 0);
  const nats = natsChoiceFromFlags(values);
  const [file, ...extra] = positionals;
  if (!file || extra.length) throw new UsageError('give exactly one trace file.');
  if ((values.fork === undefined) !== (values.decision === undefined)) throw new UsageError('--fork and --decision go together.');
  const timeoutMs = (positiveNumber(values.timeout, '--timeout') ?? 120) * 1000; // seconds, as `run --timeout`
  const forkAt = values.fork === undefined ? null : parseForkFlag(values.fork);
  const decision = values.decision === undefined ? null : await readDecision(values.decision);

  const trace = await readReplayTrace(file);
  const fork: ForkPoint | undefined = forkAt && decision ? { ...forkAt, decision } : undefined;
  const topology = replayTopology(trace, fork);
  const out = values.trace === undefined ? null : { file: values.trace, library: await traceFileLibrary(values.trace) };

  const log = (text: string) => !values.quiet && console.error(text);
  const warn = (text: string) => console.error(text);
  const server = await startNatsServer(nats, { appRoot });
  let runId: string | null = null;
  let session: RunSession | null = null;
  let outcome: { result: ReplayOutcome } | { error: unknown };
  try {
    session = await RunSession.start({
      server: server.handle,
      topology,
      text: trace.topology,
      baseDir: path.dirname(path.resolve(file)),
      ...(out && { library: out.library }),
      busTap: 'best-effort',
      senderName: 'switchboard_cli',
      warn,
      replay: { recording: trace.recording, ...(fork && { fork }) },
      onRecording: (id) => void (runId = id),
      onNetwork: (network) =>
        network.events.onAny((name, payload) => {
          const line = summarize(name, payload);
          if (line) log(line);
        }),
    });
    const what = fork ? `fork of ${trace.recording.runId} at ${fork.agent}:${fork.turn}` : `replay of ${trace.recording.runId}`;
    log(`${what}: ${trace.recording.inputs.length} request(s) to send again.`);
    outcome = { result: await driveReplay(session, { timeoutMs }) };
  } catch (error) {
    outcome = { error };
  }
  await session?.stop();
  await server.stop().catch((error: unknown) => warn(`stopping the NATS server failed: ${(error as Error).message}`));
  outcome = await saveTraceFile(out, runId, outcome, warn, 'replay');
  if ('error' in outcome) throw outcome.error;
  return report(outcome.result, fork !== undefined);
}

/** Prints each reply and the outcome; the exit code. */
function report(result: ReplayOutcome, forked: boolean): number {
  for (const input of result.inputs) {
    if (input.reply !== null) console.log(input.reply);
    else if (input.error !== 'not sent') console.log(`(request ${input.index + 1} to ${input.to} failed: ${input.error ?? ''})`);
  }
  if (result.state === 'diverged') throw new RunFailure('replay_diverged', `diverged: ${result.divergence ?? 'the replay could not follow the record.'}`);
  console.error(forked ? 'the fork ran to its end.' : 'the replay followed the record to its end.');
  return 0;
}

/** `AGENT:TURN` with TURN ≥ 1. */
function parseForkFlag(value: string): { agent: string; turn: number } {
  const match = /^([A-Za-z0-9_-]+):([1-9][0-9]*)$/.exec(value.trim());
  if (!match) throw new UsageError(`--fork: "${value}" is not AGENT:TURN (TURN counts the agent's decisions from 1, e.g. task_coordinator:1).`);
  return { agent: match[1]!, turn: Number(match[2]) };
}

/** The --decision file as an OodaDecision; one short reason when it is not one. */
async function readDecision(file: string): Promise<ForkPoint['decision']> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new RunFailure('unreadable', `--decision: cannot read ${file}: ${fileErrorText(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RunFailure('unreadable', `--decision: ${file} is not JSON (${clipLine((error as Error).message, 120)}).`);
  }
  const parsed = OodaDecisionSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(decision)'}: ${i.message}`).join('; ');
    throw new RunFailure('unreadable', `--decision: ${file} is not a decision {"text", "toolCalls"}: ${issues}.`);
  }
  return parsed.data;
}
