/**
 * `switchboard run FILE`: the headless runner. Starts the embedded nats-server unless --nats is
 * given, starts the topology's agents (or those named by --only), optionally sends one request
 * and prints the reply, prints one line per event, writes a trace, and stops cleanly.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { connect, type NodeConnectionOptions } from '@nats-io/transport-node';
import { Agent, AgentRequestError } from '../../agents/runtime/agent.js';
import { planNetwork } from '../../agents/runtime/from-topology.js';
import { AgentNetwork } from '../../agents/runtime/network.js';
import { startMcpServers } from '../../agents/tools/mcp/host.js';
import { toConnectionOptions } from '../host/nats/connect-options.js';
import { readCredentials } from '../host/nats/credentials.js';
import { EmbeddedNatsServer } from '../host/nats/embedded-server.js';
import { findNatsServerBinary, MISSING_BINARY_HELP } from '../host/nats/find-binary.js';
import type { NatsConnectSettings } from '../host/nats/server-handle.js';
import { appRoot } from '../app-paths.js';
import { natsFlagHelp, natsFlagSpecs, UsageError } from './nats-flags.js';
import { readTopology } from './read-topology.js';
import { summarize } from './run-summary.js';
import { stopSignals } from './signals.js';
import { TraceFile } from './trace-file.js';

export const runHelp = `Usage: switchboard run FILE [options]

Runs a topology without the app. Starts an embedded nats-server unless --nats is given, starts the
agents, prints one line per event on stderr, and stops on Ctrl-C, after --duration, or once the
--input request is answered (its reply goes to stdout).

Options:
${natsFlagHelp}
                      --creds also takes a file holding an nkey seed (what export --format nats-conf writes)
  --only A,B          start only these agents (spread one topology over machines sharing a NATS cluster)
  --input TEXT        send TEXT as a request to --to, print the reply, and stop
  --to AGENT          the agent --input goes to
  --timeout SECONDS   how long --input waits for its reply (default: 120)
  --duration SECONDS  stop after this long
  --trace FILE        write every bus message and runtime event to FILE as NDJSON
  --quiet             no event lines, only the reply
  -h, --help          show this help

Exit codes: 0 done, 1 invalid topology, 2 usage error or unreadable file, 3 the request failed or
timed out, 4 NATS unavailable, 5 an agent failed to start.`;

/** Runs `run`. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...natsFlagSpecs,
      only: { type: 'string' },
      input: { type: 'string' },
      to: { type: 'string' },
      timeout: { type: 'string' },
      duration: { type: 'string' },
      trace: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return (console.log(runHelp), 0);
  const [file, ...extra] = positionals;
  if (!file || extra.length) throw new UsageError('give exactly one topology file.');
  if ((values.input === undefined) !== (values.to === undefined)) throw new UsageError('--input and --to go together.');
  const duration = seconds(values.duration, '--duration');
  const timeout = seconds(values.timeout, '--timeout') ?? 120;
  if (values.creds && !values.nats) throw new UsageError('--creds goes with --nats URL.');

  const read = await readTopology(file);
  if (!read.ok) return read.exitCode;
  const topology = read.topology;
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  if (values.to && ![...topology.spec.agents, ...topology.spec.externalAgents].some((a) => a.name === values.to)) {
    throw new UsageError(`--to: no agent named ${values.to} in ${topology.metadata.name}.`);
  }
  let plan;
  try {
    plan = planNetwork(topology, only);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  const log = (text: string) => !values.quiet && console.error(text);
  const stop = stopSignals((text) => console.error(text));
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch(() => undefined);
  };

  try {
    // 1. NATS
    let connection: NodeConnectionOptions;
    try {
      connection = values.nats ? toConnectionOptions(await externalSettings(values)) : await startEmbedded(cleanups, log);
    } catch (error) {
      console.error(`switchboard run: NATS unavailable: ${(error as Error).message}`);
      return 4;
    }

    // 2. MCP servers the local agents use, then the agents
    const localAgents = plan.agents.map((a) => a.name);
    let mcp;
    try {
      const needsBus = topology.spec.mcpServers.some((s) => s.exposeOnNats);
      const mcpConnection = needsBus ? await connect({ ...connection, name: 'switchboard-mcp' }) : undefined;
      if (mcpConnection) cleanups.push(() => mcpConnection.drain());
      mcp = await startMcpServers(topology, localAgents, { baseDir: path.dirname(path.resolve(file)), ...(mcpConnection && { connection: mcpConnection }) });
    } catch (error) {
      console.error(`switchboard run: an MCP server failed to start: ${(error as Error).message}`);
      return 5;
    }
    cleanups.push(() => mcp.stop());
    plan = planNetwork(topology, only, { backends: mcp.backends });
    const network = new AgentNetwork({ connection, agents: plan.agents, profile: plan.profile, registryBucket: plan.registryBucket });
    network.events.onAny((name, payload) => {
      const line = summarize(name, payload);
      if (line) log(line);
    });
    if (values.trace) {
      const trace = await TraceFile.open(values.trace, network.events, connection, (text) => console.error(text), await readFile(file, 'utf8'));
      cleanups.push(() => trace.close());
    }
    try {
      await network.start();
    } catch (error) {
      console.error(`switchboard run: an agent failed to start: ${(error as Error).message}`);
      return error instanceof Error && /connect|ECONNREFUSED|timeout/i.test(error.message) ? 4 : 5;
    }
    cleanups.push(() => network.stop());
    log(`${topology.metadata.name}: ${network.agents.length} agent instance(s) running${only ? ` (only ${only.join(', ')})` : ''}. Ctrl-C stops.`);

    // 3. The one request, if asked
    if (values.input !== undefined && values.to !== undefined) {
      const cli = new Agent({ name: 'switchboard_cli', connection, profile: plan.profile, heartbeatMs: 0, registryBucket: null });
      await cli.start();
      cleanups.push(() => cli.stop());
      try {
        const reply = await requestWhenReady(cli, values.to, values.input, timeout * 1000);
        console.log(reply);
      } catch (error) {
        console.error(`switchboard run: ${(error as Error).message}`);
        return 3;
      }
      if (duration === undefined) return 0;
    }

    // 4. Keep running until a signal or the duration
    const timer = duration === undefined ? null : new Promise<string>((resolve) => setTimeout(() => resolve(`${duration}s elapsed`), duration * 1000).unref());
    const why = await Promise.race([stop.promise, ...(timer ? [timer] : [])]);
    log(`${why}: stopping…`);
    return 0;
  } finally {
    stop.stopping();
    await cleanup();
  }
}

/** Starts an embedded server in a throwaway directory; its stop joins the cleanups. */
async function startEmbedded(cleanups: (() => Promise<void>)[], log: (text: string) => void): Promise<NodeConnectionOptions> {
  const found = findNatsServerBinary({ env: process.env, appRoot });
  if (!found) throw new Error(MISSING_BINARY_HELP);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-run-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const server = new EmbeddedNatsServer({ binary: found.path, dataDir });
  await server.start();
  cleanups.push(() => server.stop());
  log(`embedded nats-server ${server.status().version ?? ''} at ${server.status().clientUrl ?? ''}`);
  return toConnectionOptions(server.connectSettings());
}

/** --nats/--creds/--tls-*: a .creds file (JWT + seed) or a plain nkey seed file. */
async function externalSettings(values: { nats?: string; creds?: string; 'tls-ca'?: string; 'tls-cert'?: string; 'tls-key'?: string }): Promise<NatsConnectSettings> {
  const settings: NatsConnectSettings = { servers: values.nats!.split(',').map((s) => s.trim()) };
  if (values.creds) Object.assign(settings, await readCredentials(values.creds));
  const tls = { ...(values['tls-ca'] && { caFile: values['tls-ca'] }), ...(values['tls-cert'] && { certFile: values['tls-cert'] }), ...(values['tls-key'] && { keyFile: values['tls-key'] }) };
  if (Object.keys(tls).length) settings.tls = tls;
  return settings;
}

/** How long a request keeps retrying while nobody answers: the agent may be starting elsewhere. */
const NO_RESPONDER_GRACE_MS = 10_000;

/** Sends the request; retries "no responders" for a grace period, never past the timeout. */
async function requestWhenReady(cli: Agent, to: string, content: string, timeoutMs: number): Promise<string> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  for (;;) {
    try {
      return (await cli.request(to, content, { timeoutMs: Math.max(1, deadline - Date.now()) })).content;
    } catch (error) {
      const retry =
        error instanceof AgentRequestError && error.code === 'no_responders' && Date.now() - started < NO_RESPONDER_GRACE_MS && Date.now() + 200 < deadline;
      if (!retry) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function seconds(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag}: "${value}" is not a positive number of seconds.`);
  return n;
}
