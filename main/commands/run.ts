/**
 * `switchboard run FILE`: the headless runner. Starts the embedded nats-server unless --nats is
 * given, starts the topology's agents (or those named by --only) through the run session,
 * optionally sends one request and prints the reply, prints one line per event, writes a trace,
 * and stops cleanly. Failures are RunFailures: main/cli.ts prints them and picks the exit code.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { RunSession, planSession } from '../host/run-session.js';
import { startNatsServer } from '../host/run-session-server.js';
import { RunFailure } from '../host/run-session-failure.js';
import { appRoot, appVersion } from '../app-paths.js';
import { positiveNumber, UsageError } from './flags.js';
import { natsChoiceFromFlags, natsFlagHelp, natsFlagSpecs } from './nats-flags.js';
import { readTopology } from './read-topology.js';
import { synadiaServed } from '../../agents/topology/synadia-exposure.js';
import { synadiaSubjects } from '../../agents/protocol/synadia.js';
import { summarize } from './run-summary.js';
import { checkWorkflowFlag, runWorkflow } from './run-workflow.js';
import { ConnectionNotes } from './connection-notes.js';
import { serverNotes } from './server-notes.js';
import { stopSignals } from './signals.js';
import { saveTraceFile, traceFileLibrary } from './trace-file.js';

const runHelp = `Usage: switchboard run FILE [options]

Runs a topology without the app. Starts an embedded nats-server unless --nats is given, starts the
agents, prints one line per event on stderr, and stops on Ctrl-C, after --duration, or once the
--input request is answered (its reply goes to stdout).

Options:
${natsFlagHelp}
                      --creds also takes a file holding an nkey seed (what export --format nats-conf writes)
  --only A,B          start only these agents (spread one topology over machines sharing a NATS cluster)
  --input TEXT        send TEXT as a request to --to, print the reply, and stop
  --to AGENT          the agent --input goes to
  --workflow NAME     start workflow NAME (spec.workflows) with --input, print its result, and stop
  --timeout SECONDS   how long --input waits for its reply (default: 120)
  --duration SECONDS  stop after this long
  --trace FILE        write every bus message and runtime event to FILE as NDJSON
  --a2a-listen HOST:PORT  serve the topology's A2A agents (spec.a2a) on this address instead of spec.a2a's
                      (a container: 0.0.0.0 and a published port)
  --quiet             no event lines, only the reply
  -h, --help          show this help

Exit codes: 0 done, 1 invalid topology, 2 usage error or unreadable file, 3 the request failed or
timed out, 4 NATS unavailable, 5 an agent failed to start.`;

/** Runs `run`; failures are thrown as RunFailures (exit codes in run-session-failure.ts). */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...natsFlagSpecs,
      only: { type: 'string' },
      'a2a-listen': { type: 'string' },
      input: { type: 'string' },
      to: { type: 'string' },
      workflow: { type: 'string' },
      timeout: { type: 'string' },
      duration: { type: 'string' },
      trace: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return (console.log(runHelp), 0);
  // The flags `serve` shares first, in the same order, so both commands answer a bad one alike.
  const nats = natsChoiceFromFlags(values);
  const [file, ...extra] = positionals;
  if (!file || extra.length) throw new UsageError('give exactly one topology file.');
  if (values.workflow === undefined && (values.input === undefined) !== (values.to === undefined)) throw new UsageError('--input and --to go together.');
  const duration = positiveNumber(values.duration, '--duration');
  const timeout = positiveNumber(values.timeout, '--timeout') ?? 120;
  const a2aListen = values['a2a-listen'] === undefined ? undefined : listenAddress(values['a2a-listen']);

  const read = await readTopology(file);
  if (!read.ok) return read.exitCode;
  const topology = read.topology;
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  if (values.to && ![...topology.spec.agents, ...topology.spec.externalAgents].some((a) => a.name === values.to)) {
    throw new UsageError(`--to: no agent named ${values.to} in ${topology.metadata.name}.`);
  }
  checkWorkflowFlag(topology, values.workflow, values.to, values.input, only);
  planSession(topology, only); // an unknown --only name fails before any server starts
  const trace = values.trace === undefined ? null : { file: values.trace, library: await traceFileLibrary(values.trace) };

  const log = (text: string) => !values.quiet && console.error(text);
  const warn = (text: string) => console.error(text);
  const stop = stopSignals(warn);
  const server = await startNatsServer(nats, { appRoot, onStatus: serverNotes(warn) });
  if (nats.mode === 'embedded') log(`embedded nats-server ${server.handle.status().version ?? ''} at ${server.handle.status().clientUrl ?? ''}`);
  let runId: string | null = null;
  let session: RunSession | null = null;
  let outcome: { code: number } | { error: unknown };
  try {
    session = await RunSession.start({
      server: server.handle,
      topology,
      text: await readFile(file, 'utf8'),
      baseDir: path.dirname(path.resolve(file)),
      ...(only && { only }),
      ...(a2aListen && { a2aListen }),
      ...(trace && { library: trace.library }),
      busTap: 'best-effort',
      senderName: 'switchboard_cli',
      appVersion,
      warn,
      onRecording: (id) => void (runId = id),
      onNetwork: (network) => {
        network.events.onAny((name, payload) => {
          const line = summarize(name, payload);
          if (line) log(line);
        });
        // A cluster node's loss under the agents: one line per loss, also without --trace.
        const notes = new ConnectionNotes(warn);
        network.events.on('agent.started', (e) => {
          const agent = network.agents.find((a) => a.name === e.agent && a.instance === e.instance);
          if (agent) notes.follow(agent.connection);
        });
      },
    });
    log(`${topology.metadata.name}: ${session.network.agents.length} agent instance(s) running${only ? ` (only ${only.join(', ')})` : ''}. Ctrl-C stops.`);
    for (const [name, served] of synadiaServed(topology)) {
      if (!only || only.includes(name)) log(`${name}: also served to Synadia Agent Protocol clients on ${synadiaSubjects(served.identity).prompt}`);
    }
    for (const card of session.a2aCards) log(`${card.agent}: also served over A2A at ${card.url} (agent card: ${card.cardUrl})`);
    outcome = { code: await runUntilDone(session, stop.promise, { input: values.input, to: values.to, workflow: values.workflow, timeout, duration, log }) };
  } catch (error) {
    outcome = { error };
  }
  stop.stopping();
  await session?.stop();
  await server.stop().catch((error: unknown) => warn(`stopping the NATS server failed: ${(error as Error).message}`));
  // Also after a failed start: what was recorded until then is the user's, the working store is not.
  outcome = await saveTraceFile(trace, runId, outcome, warn, 'run');
  if ('error' in outcome) throw outcome.error;
  return outcome.code;
}

/** Sends the --input request if asked, then waits for a signal or the --duration. */
async function runUntilDone(
  session: RunSession,
  signal: Promise<NodeJS.Signals>,
  options: { input: string | undefined; to: string | undefined; workflow: string | undefined; timeout: number; duration: number | undefined; log: (text: string) => void },
): Promise<number> {
  const { input, to, workflow, timeout, duration, log } = options;
  if (input !== undefined && workflow !== undefined) {
    console.log(await runWorkflow(session, workflow, input, signal, timeout * 1000, log));
    if (duration === undefined) return 0;
  }
  if (input !== undefined && to !== undefined) {
    // A signal does not wait for the reply (with the cluster gone it would wait the whole --timeout).
    const stopped = signal.then((name) => Promise.reject(new RunFailure('request_failed', `${name} arrived before ${to} answered.`)));
    const reply = await Promise.race([session.send(to, input, { timeoutMs: timeout * 1000 }), stopped]);
    console.log(reply.content);
    if (duration === undefined) return 0;
  }
  let timer: NodeJS.Timeout | undefined;
  const elapsed = duration === undefined ? null : new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`${duration}s elapsed`), duration * 1000)));
  const why = await Promise.race([signal, ...(elapsed ? [elapsed] : [])]);
  clearTimeout(timer);
  log(`${why}: stopping…`);
  return 0;
}

/** `--a2a-listen HOST:PORT` (an IPv6 host in brackets). */
function listenAddress(value: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(value);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535) throw new UsageError(`--a2a-listen: give HOST:PORT (e.g. 0.0.0.0:8300; port 0 for any free one), not ${JSON.stringify(value)}.`);
  return { host: match[1]!, port };
}
