/**
 * `trace.republish`: publishes an edited captured message on the running topology's bus, as the
 * workbench, with the `Switchboard-Injected: 1` header so its record is marked injected. Refuses
 * when nothing runs, when the server is down, and on an external server unless confirmed (the
 * message reaches everyone on it). A short-lived connection per publish: republishing is rare,
 * and nothing stays open when the server restarts or the run stops.
 */
import { connect, createInbox, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { inboxPrefixOf } from '../../agents/protocol/subjects.js';
import { publishSubjectProblem, WORKBENCH_SENDER } from '../../agents/trace/republish.js';
import { INJECTED_HEADER } from '../../agents/trace/row-facts.js';
import { RpcError, type CallOutput, type ParsedCallInput } from '../../preload/contract.js';
import { toConnectionOptions } from './nats/connect-options.js';
import type { NatsServerHandle } from './nats/server-handle.js';

/** How long connecting to the server may take before the publish is refused. */
const CONNECT_TIMEOUT_MS = 5000;

/** Publishes `input` on the server the run uses; `running` says whether a topology runs now. */
export async function republish(server: NatsServerHandle, running: boolean, input: ParsedCallInput<'trace.republish'>): Promise<CallOutput<'trace.republish'>> {
  if (!running) throw new RpcError('unavailable', 'Nothing is running: start a topology, then republish on its bus.');
  const status = server.status();
  if (status.state !== 'running') throw new RpcError('unavailable', `The NATS server is not running (it is ${status.state}): nothing can be published.`);
  if (server.mode === 'external' && input.confirmExternal !== true) {
    throw new RpcError('invalid_input', `The server is external (${status.clientUrl ?? 'not the workbench’s own'}): its other clients receive the message too. Confirm to publish there (confirmExternal: true).`);
  }
  const problem = publishSubjectProblem(input.subject);
  if (problem) throw new RpcError('invalid_input', `Cannot publish: ${problem}.`);
  const headers = natsHeaders();
  try {
    for (const [key, values] of Object.entries(input.headers ?? {})) {
      if (key.toLowerCase() === INJECTED_HEADER.toLowerCase()) continue;
      for (const value of values) headers.append(key, value);
    }
  } catch (error) {
    throw new RpcError('invalid_input', `Cannot publish: a header is invalid (${error instanceof Error ? error.message : String(error)}).`);
  }
  headers.set(INJECTED_HEADER, '1');
  const reply = input.request ? createInbox(inboxPrefixOf(WORKBENCH_SENDER)) : null;

  let nc: NatsConnection;
  try {
    nc = await connect({ ...toConnectionOptions(server.connectSettings()), name: 'switchboard-workbench', timeout: CONNECT_TIMEOUT_MS, reconnect: false });
  } catch (error) {
    throw new RpcError('unavailable', `Cannot reach the NATS server${status.clientUrl ? ` at ${status.clientUrl}` : ''}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    const data = new TextEncoder().encode(input.payload);
    nc.publish(input.subject, data, { headers, ...(reply && { reply }) });
    // The server has the message (or said why not) once the flush returns.
    await nc.flush();
    return { subject: input.subject, reply, bytes: data.length };
  } catch (error) {
    throw new RpcError('failed', `Publishing on ${input.subject} failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await nc.close().catch(() => undefined);
  }
}
