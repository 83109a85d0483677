/**
 * `bus.listAgents`: the agents on the host's current server (embedded or external), in every
 * protocol discovery understands. A short-lived connection per call, as republish does: the list
 * is asked for now and then, and nothing stays open across a server restart.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DEFAULT_DISCOVERY_WAIT_MS, discoverAgents } from '../../agents/interop/discovery/discover.js';
import { RpcError, type CallOutput, type ParsedCallInput } from '../../preload/contract.js';
import { toConnectionOptions } from './nats/connect-options.js';
import type { NatsServerHandle } from './nats/server-handle.js';

/** How long connecting may take before the call fails. */
const CONNECT_TIMEOUT_MS = 5000;

/** Listens on `server` for the asked window and returns what answered. */
export async function listAgents(server: NatsServerHandle, input: ParsedCallInput<'bus.listAgents'>): Promise<CallOutput<'bus.listAgents'>> {
  const status = server.status();
  if (status.state !== 'running') throw new RpcError('unavailable', `The NATS server is not running (it is ${status.state}): no agents can be listed.`);
  let nc: NatsConnection;
  try {
    nc = await connect({ ...toConnectionOptions(server.connectSettings()), name: 'switchboard-discovery', timeout: CONNECT_TIMEOUT_MS, reconnect: false });
  } catch (error) {
    throw new RpcError('unavailable', `Cannot reach the NATS server${status.clientUrl ? ` at ${status.clientUrl}` : ''}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return { agents: await discoverAgents(nc, { waitMs: input?.waitMs ?? DEFAULT_DISCOVERY_WAIT_MS }) };
  } finally {
    await nc.close().catch(() => undefined);
  }
}
