/**
 * The A2A side of the protocol gateway (seed 004 sequence 2.3): a `ProtocolAdapter` that calls
 * external A2A agents with the official SDK's client. The card is fetched once per peer (again
 * after a failure); a peer whose card says it streams gets `sendMessageStream` (status updates and
 * artifact updates assembled in order, `append`/`lastChunk` honoured), the others `sendMessage`;
 * a task that comes back still working is polled with `getTask` until it ends or the call's signal
 * aborts (the peer's timeout, enforced by the gateway), and a task left behind is cancelled, best
 * effort. Final states: completed -> the answer; failed/rejected/canceled -> the peer's own words;
 * input-required / auth-required -> a clear failure (delegation cannot answer a question back).
 */
import { type Message, type SendMessageRequest, type Task } from '@a2a-js/sdk';
import { ClientFactory, ClientFactoryOptions, JsonRpcTransportFactory, RestTransportFactory, type Client, type RequestOptions } from '@a2a-js/sdk/client';
import type { Topology } from '../../topology/schema.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../gateway/sanitize.js';
import type { AdapterCall, AdapterResult, ProtocolAdapter } from '../gateway/types.js';
import { cappedFetch, wireCapOf } from './capped-fetch.js';
import { assertCredentialStaysHome, fetchAgentCard } from './card.js';
import {
  a2aUserMessage,
  ArtifactAssembler,
  isInterruptedState,
  isTerminalState,
  messagePayload,
  partsText,
  statusText,
  taskStateName,
  type A2aTaskStateName,
} from './translate.js';

/** One external A2A agent the adapter may call: its name in the topology and its card URL. */
export interface A2aPeerRef {
  name: string;
  card: string;
}

/** Options for {@link A2aAdapter}. */
export interface A2aAdapterOptions {
  /** Between two `getTask` polls of a task still working (default 500 ms). */
  pollIntervalMs?: number;
  /** Longest card fetch (default: the card module's 5 s, or less when the call's signal ends first). */
  cardTimeoutMs?: number;
  /** The gateway's answer limit (`spec.protocolGateway.maxResponseBytes`): the wire is cut at a multiple of it while being read. */
  maxResponseBytes?: number;
}

/** What one call saw of the peer's task so far. */
interface TaskProgress {
  taskId: string;
  contextId: string;
  state: A2aTaskStateName;
  /** The peer's latest status message (why it failed, what input it wants). */
  status: string;
  artifacts: ArtifactAssembler;
  /** A direct message answer (no task). */
  message?: Message;
}

const ACCEPTED_OUTPUT = ['text/plain', 'application/json'];
/** How long a best-effort cancel of an abandoned task may take. */
const CANCEL_TIMEOUT_MS = 2000;

/** Calls the topology's external A2A agents for the protocol gateway. */
export class A2aAdapter implements ProtocolAdapter {
  readonly protocol = 'a2a' as const;
  private readonly peers: ReadonlyMap<string, A2aPeerRef>;
  private readonly clients = new Map<string, Promise<{ client: Client; streaming: boolean }>>();

  constructor(
    peers: readonly A2aPeerRef[],
    private readonly options: A2aAdapterOptions = {},
  ) {
    this.peers = new Map(peers.map((p) => [p.name, p]));
  }

  /** The adapter for a topology's external A2A agents (`externalAgents[].a2a`), as the run's gateway service uses it. */
  static forTopology(topology: Topology, options: A2aAdapterOptions = {}): A2aAdapter {
    return new A2aAdapter(
      topology.spec.externalAgents.flatMap((e) => (e.a2a ? [{ name: e.name, card: e.a2a.card }] : [])),
      { ...(topology.spec.protocolGateway && { maxResponseBytes: topology.spec.protocolGateway.maxResponseBytes }), ...options },
    );
  }

  /** Sends one message to `input.peer` and resolves with its final answer (see the module doc). */
  async call(input: AdapterCall): Promise<AdapterResult> {
    const peer = this.peers.get(input.peer);
    if (!peer) throw new Error(`"${input.peer}" is not a declared A2A agent (known: ${[...this.peers.keys()].join(', ') || 'none'}).`);
    const { client, streaming } = await this.clientFor(peer, input);
    const request: SendMessageRequest = {
      tenant: '',
      message: a2aUserMessage({ text: input.text, ...(input.data !== undefined && { data: input.data }), ...(input.contextId !== undefined && { contextId: input.contextId }) }),
      configuration: { acceptedOutputModes: ACCEPTED_OUTPUT, taskPushNotificationConfig: undefined, returnImmediately: false },
      metadata: input.operation ? { skill: input.operation } : undefined,
    };
    const options: RequestOptions = { signal: input.signal, serviceParameters: { ...input.headers } };
    const progress: TaskProgress = { taskId: '', contextId: input.contextId ?? '', state: 'unknown', status: '', artifacts: new ArtifactAssembler() };
    try {
      if (streaming) await this.stream(client, request, options, progress);
      else this.apply(await client.sendMessage(request, options), progress);
      if (!progress.message && !isTerminalState(progress.state) && !isInterruptedState(progress.state)) await this.poll(client, options, progress, peer.name);
    } catch (error) {
      // The card may have moved or the peer restarted elsewhere: read it again next time.
      this.clients.delete(peer.name);
      if (progress.taskId !== '' && !isTerminalState(progress.state)) this.cancel(client, progress.taskId, input.headers);
      throw error;
    }
    return resultOf(progress);
  }

  /** The SDK client of `peer`, built from its card (fetched once; a failed fetch is retried next call). */
  private clientFor(peer: A2aPeerRef, input: AdapterCall): Promise<{ client: Client; streaming: boolean }> {
    let client = this.clients.get(peer.name);
    if (!client) {
      client = (async () => {
        const { card, cardUrl } = await fetchAgentCard(peer.card, { headers: input.headers, signal: input.signal, ...(this.options.cardTimeoutMs !== undefined && { timeoutMs: this.options.cardTimeoutMs }) });
        if (Object.keys(input.headers).length > 0) assertCredentialStaysHome(card, cardUrl);
        // Only the bindings Switchboard speaks (JSON-RPC, HTTP+JSON): the factory's defaults.
        const fetchImpl = cappedFetch(wireCapOf(this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES));
        const transports = [new JsonRpcTransportFactory({ fetchImpl }), new RestTransportFactory({ fetchImpl })];
        const factory = new ClientFactory(ClientFactoryOptions.createFrom(ClientFactoryOptions.default, { transports }));
        return { client: await factory.createFromAgentCard(card), streaming: card.capabilities?.streaming === true };
      })();
      this.clients.set(peer.name, client);
      client.catch(() => this.clients.delete(peer.name));
    }
    return client;
  }

  /** Reads a streamed answer to its end, folding every event into `progress`. */
  private async stream(client: Client, request: SendMessageRequest, options: RequestOptions, progress: TaskProgress): Promise<void> {
    for await (const event of client.sendMessageStream(request, options)) {
      const payload = event.payload;
      if (!payload) continue;
      if (payload.$case === 'message') progress.message = payload.value;
      else if (payload.$case === 'task') this.apply(payload.value, progress);
      else if (payload.$case === 'statusUpdate') {
        progress.taskId ||= payload.value.taskId;
        progress.state = taskStateName(payload.value.status?.state);
        const words = payload.value.status?.message ? partsText(payload.value.status.message.parts) : '';
        if (words) progress.status = words;
      } else progress.artifacts.add(payload.value);
      if (progress.message || isTerminalState(progress.state) || isInterruptedState(progress.state)) break;
    }
  }

  /** Polls a task still working until it ends; the call's signal (the peer's timeout) ends the wait. */
  private async poll(client: Client, options: RequestOptions, progress: TaskProgress, peer: string): Promise<void> {
    if (progress.taskId === '') throw new Error(`${peer} ended its answer without a message or a task (last state: ${progress.state}).`);
    const interval = this.options.pollIntervalMs ?? 500;
    while (!isTerminalState(progress.state) && !isInterruptedState(progress.state)) {
      await sleep(interval, options.signal);
      this.apply(await client.getTask({ tenant: '', id: progress.taskId }, options), progress);
    }
  }

  /** Folds a send result (a message or a task) into `progress`. */
  private apply(result: Message | Task, progress: TaskProgress): void {
    if (!('status' in result)) {
      progress.message = result;
      return;
    }
    progress.taskId = result.id;
    progress.contextId = result.contextId;
    progress.state = taskStateName(result.status?.state);
    progress.status = statusText(result) || progress.status;
    progress.artifacts.addTask(result);
  }

  /** Cancels an abandoned task (timed out, or its stream broke), best effort and bounded. */
  private cancel(client: Client, taskId: string, headers: Record<string, string>): void {
    void client.cancelTask({ tenant: '', id: taskId, metadata: undefined }, { signal: AbortSignal.timeout(CANCEL_TIMEOUT_MS), serviceParameters: { ...headers } }).catch(() => undefined);
  }
}

/** The adapter's result for a call that ended in `progress`. */
function resultOf(progress: TaskProgress): AdapterResult {
  const metadata: Record<string, unknown> = { ...(progress.taskId && { taskId: progress.taskId }), ...(progress.contextId && { contextId: progress.contextId }) };
  if (progress.message) return { ...messagePayload(progress.message), state: 'completed', metadata: { ...metadata, contextId: progress.message.contextId || progress.contextId } };
  const state = progress.state;
  metadata['artifacts'] = progress.artifacts.counts.artifacts;
  if (state === 'completed') {
    const parts = progress.artifacts.list().flatMap((a) => a.parts);
    const answer = parts.length > 0 ? messagePayload({ parts }) : { text: progress.status };
    return { ...answer, state, metadata };
  }
  if (isInterruptedState(state)) {
    const asked = progress.status ? `: "${progress.status}"` : '';
    const what = state === 'auth-required' ? 'authentication' : 'more input';
    return { text: `it asked for ${what}${asked}; a delegated request cannot answer back, so the task was left ${state}.`, state, metadata };
  }
  // The gateway says who ended the call and how ("A2A agent "x" ended the call as "failed": …"): the peer's own words follow.
  return { text: progress.status || `the task ended ${state} without a reason.`, state, metadata };
}

/** Waits `ms`, or rejects when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
