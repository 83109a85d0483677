/**
 * `switchboard agents [--nats URL …]`: lists the agents on one or more buses in every protocol
 * Switchboard speaks (agents/interop/discovery), as a table or JSON. Without --nats it asks
 * nats://127.0.0.1:4222, as the nats CLI does. Connects only: nothing is started or created.
 */
import { parseArgs } from 'node:util';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DEFAULT_DISCOVERY_WAIT_MS, discoverAgents } from '../../agents/interop/discovery/discover.js';
import { readCredentials } from '../host/nats/credentials.js';
import { toConnectionOptions } from '../host/nats/connect-options.js';
import { RunFailure } from '../host/run-session-failure.js';
import { checkExternalFiles, type NatsChoice } from '../host/run-session-server.js';
import { agentsTable, type ListedAgent } from './agents-table.js';
import { positiveNumber, UsageError } from './flags.js';
import { natsChoiceFromFlags, natsFlagSpecs } from './nats-flags.js';

/** The bus asked when no --nats is given (the nats CLI's default). */
export const DEFAULT_BUS_URL = 'nats://127.0.0.1:4222';
/** The longest listening window the command accepts, seconds. */
const MAX_WAIT_S = 120;
/** How long connecting to a bus may take. */
const CONNECT_TIMEOUT_MS = 5000;

const agentsHelp = `Usage: switchboard agents [--nats URL …] [--creds FILE …] [--wait SECONDS] [--json]

Lists the agents on a NATS bus in every protocol Switchboard speaks: seed-000 announcements,
heartbeats and the switchboard_agents registry; seed-001 presence (platform.events.agents,
platform.events.agent_registered); seed-002 status messages and discovery responses; and Synadia
Agent Protocol services ($SRV.PING / $SRV.INFO, heartbeats on agents.hb.>). It listens for a
moment (--wait) and prints each agent once, its instances folded together.

Options:
  --nats URL          the bus to ask (default ${DEFAULT_BUS_URL}); repeat it for several buses;
                      comma-separated URLs are one cluster
  --creds FILE        credentials (.creds or nkey seed): one for every bus, or one per --nats, in order
  --tls-ca FILE       CA certificate (TLS)
  --tls-cert FILE     client certificate (TLS, with --tls-key)
  --tls-key FILE      client key (TLS)
  --wait SECONDS      how long to listen (default ${DEFAULT_DISCOVERY_WAIT_MS / 1000}; at most ${MAX_WAIT_S})
  --json              print {"agents": [...]} on stdout (each agent with its bus)
  -h, --help          show this help

Columns: NAME, PROTOCOL, CAPABILITIES / ENDPOINTS, STATUS (available, busy, offline, unknown),
LAST SEEN, NODE (the NATS server the agent is connected to, when it says).

Exit codes: 0 listed (also when none answered), 2 bad flags or unreadable files, 4 a bus unreachable.`;

/** Runs `agents`. */
export async function agents(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...natsFlagSpecs,
      nats: { type: 'string', multiple: true },
      creds: { type: 'string', multiple: true },
      wait: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) return (console.log(agentsHelp), 0);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (give buses with --nats URL).`);
  const waitS = positiveNumber(values.wait, '--wait');
  if (waitS !== undefined && waitS > MAX_WAIT_S) throw new UsageError(`--wait: at most ${MAX_WAIT_S} seconds (not ${values.wait}).`);
  const choices = busChoices(values);

  const connections: { url: string; nc: NatsConnection }[] = [];
  try {
    for (const choice of choices) connections.push({ url: choice.url, nc: await connectTo(choice, values.nats === undefined) });
    const waitMs = waitS !== undefined ? Math.round(waitS * 1000) : DEFAULT_DISCOVERY_WAIT_MS;
    if (!values.json) console.error(`Listening ${waitMs / 1000} s on ${connections.map((c) => c.url).join(' and ')}…`);
    const found = await Promise.all(connections.map(async ({ url, nc }) => (await discoverAgents(nc, { waitMs })).map((a): ListedAgent => ({ ...a, bus: url }))));
    const listed = found.flat();
    if (values.json) console.log(JSON.stringify({ agents: listed }, null, 2));
    else if (listed.length === 0) console.log(`No agents answered on ${connections.map((c) => c.url).join(' or ')} within ${waitMs / 1000} s.`);
    else console.log(agentsTable(listed, Date.now(), connections.length > 1));
    return 0;
  } finally {
    await Promise.all(connections.map(({ nc }) => nc.close().catch(() => undefined)));
  }
}

type ExternalChoice = Extract<NatsChoice, { mode: 'external' }>;

/** One external choice per --nats (the default bus without one), each with its credentials. */
function busChoices(values: { nats?: string[] | undefined; creds?: string[] | undefined; 'tls-ca'?: string | undefined; 'tls-cert'?: string | undefined; 'tls-key'?: string | undefined }): ExternalChoice[] {
  const urls = values.nats ?? [DEFAULT_BUS_URL];
  const creds = values.creds ?? [];
  if (creds.length > 1 && creds.length !== urls.length) {
    throw new UsageError(`--creds: give one file for every bus, or one per --nats (${urls.length}), not ${creds.length}.`);
  }
  return urls.map((url, i) => {
    const choice = natsChoiceFromFlags({ ...values, nats: url, creds: creds.length > 1 ? creds[i] : creds[0] });
    return choice as ExternalChoice; // a URL is always given here: the choice is external
  });
}

/** Connects to one bus once (no reconnecting: this is a one-shot look); unreachable is exit 4. */
async function connectTo(choice: ExternalChoice, isDefault: boolean): Promise<NatsConnection> {
  await checkExternalFiles(choice); // unreadable --creds / --tls-* files: exit 2, naming the file
  const credentials = choice.credsFile ? await readCredentials(choice.credsFile) : {};
  const servers = choice.url.split(',').map((s) => s.trim()).filter(Boolean);
  try {
    return await connect({ ...toConnectionOptions({ servers, ...credentials, ...(choice.tls && { tls: choice.tls }) }), name: 'switchboard-agents', timeout: CONNECT_TIMEOUT_MS, reconnect: false });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const hint = isDefault ? ' (no server there: start one, or give --nats URL)' : '';
    throw new RunFailure('nats_unavailable', `nothing answers at ${choice.url}${hint}: ${reason}`, { cause: error });
  }
}
