/**
 * A Switchboard agent served as a Synadia Agent Protocol agent (SDK 0.3): a `@nats-io/services`
 * service named `agents` with metadata `{agent, owner, protocol_version}`, a `prompt` endpoint on
 * `agents.prompt.switchboard.{owner}.{name}` (queue group `agents`, so replicas share prompts), a
 * `status` endpoint and heartbeats. A prompt becomes an ordinary streamed request to the agent
 * (from a run client, so the OODA cycle, breakpoints, budgets and the trace all apply); its stream
 * frames go back as `response` chunks, then the terminator. Failures are error responses
 * (`Nats-Service-Error-Code`) followed by the terminator, as the SDK's agent service does.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { Svcm, type Service, type ServiceMsg } from '@nats-io/services';
import {
  formatSynadiaSize,
  SYNADIA_PROTOCOL_VERSION,
  SYNADIA_QUEUE_GROUP,
  SYNADIA_SERVICE_NAME,
  synadiaSubjects,
  type SynadiaIdentity,
} from '../../protocol/synadia.js';
import { AgentRequestError } from '../../runtime/agent.js';
import { systemClock, type Clock } from '../../runtime/clock.js';
import type { AgentHandle } from '../../tools/agent-handle.js';
import { SYNADIA_AGENT_TOKEN } from '../../topology/synadia-exposure.js';
import { startSynadiaHeartbeat, synadiaHeartbeat } from './heartbeat.js';
import { admitSynadiaPrompt, type PromptLimits } from './prompt-admission.js';
import { PromptReply } from './prompt-reply.js';

/** The run client that asks agents on behalf of protocol callers (one definition, isomorphic: the exported config grants it too). */
export { SYNADIA_CLIENT_NAME } from '../../topology/synadia-exposure.js';
/** The SDKs' keep-alive cadence while a prompt runs: callers fail a stream after 60 s of silence. */
export const SYNADIA_KEEPALIVE_S = 30;
/** How long a prompt waits for the agent's reply (the run session's own default). */
export const SYNADIA_REQUEST_TIMEOUT_MS = 120_000;
/** How long stop() waits for the service's subscriptions to drain (a dead connection never drains). */
const STOP_BOUND_MS = 1000;
/** Without the server's INFO (not yet connected) the SDKs advertise 1 MB. */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/** How a topology serves one agent over the protocol (agents/runtime/from-topology.ts fills it). */
export interface SynadiaExposure {
  /** The `{owner}` token and `metadata.owner`. */
  owner: string;
  /** Heartbeat cadence, seconds. */
  heartbeatS: number;
}

/** Options of {@link SynadiaAgentService.start}. */
export interface SynadiaServiceOptions extends SynadiaExposure {
  /** The agent instance served: its connection carries the service, so both live and die together. */
  instance: { readonly name: string; readonly connection: NatsConnection };
  /** Asks the agent on a prompt's behalf (its requests are what the trace and the OODA loop see). */
  client: Pick<AgentHandle, 'request'>;
  /** The agent's description (`$SRV.INFO` description). */
  description: string;
  /** The Switchboard version (`$SRV.INFO` version). */
  version: string;
  keepaliveS?: number;
  requestTimeoutMs?: number;
  clock?: Clock;
}

/** One agent instance served as a protocol agent; stop it with {@link SynadiaAgentService.stop}. */
export class SynadiaAgentService {
  readonly identity: SynadiaIdentity;
  private stopHeartbeat: (() => void) | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly open = new Set<PromptReply>();

  private constructor(
    private readonly options: SynadiaServiceOptions,
    private readonly service: Service,
    private readonly limits: PromptLimits,
    private readonly clock: Clock,
  ) {
    this.identity = { agent: SYNADIA_AGENT_TOKEN, owner: options.owner, name: options.instance.name };
  }

  /** Registers the service, its `prompt` and `status` endpoints, and starts heartbeats. */
  static async start(options: SynadiaServiceOptions): Promise<SynadiaAgentService> {
    const nc = options.instance.connection;
    const service = await new Svcm(nc).add({
      name: SYNADIA_SERVICE_NAME,
      version: options.version,
      description: options.description || `Switchboard agent ${options.instance.name}`,
      metadata: { agent: SYNADIA_AGENT_TOKEN, owner: options.owner, protocol_version: SYNADIA_PROTOCOL_VERSION },
    });
    // Switchboard agents take text: attachments are refused rather than silently dropped.
    const limits: PromptLimits = { maxPayload: nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD, attachmentsOk: false };
    const served = new SynadiaAgentService(options, service, limits, options.clock ?? systemClock);
    const subjects = synadiaSubjects(served.identity);
    service.addEndpoint('prompt', {
      subject: subjects.prompt,
      queue: SYNADIA_QUEUE_GROUP,
      metadata: { max_payload: formatSynadiaSize(limits.maxPayload), attachments_ok: String(limits.attachmentsOk) },
      handler: (error, msg) => {
        if (error) return;
        const run = served.prompt(msg).finally(() => served.inFlight.delete(run));
        served.inFlight.add(run);
      },
    });
    service.addEndpoint('status', {
      subject: subjects.status,
      queue: SYNADIA_QUEUE_GROUP,
      handler: (error, msg) => {
        if (error) return;
        try {
          msg.respond(JSON.stringify(served.heartbeat()));
        } catch {
          // The connection is closing: the asker times out as with any request.
        }
      },
    });
    // Started means reachable: the server has the endpoints' subscriptions before anyone hears of them.
    await nc.flush();
    served.stopHeartbeat = startSynadiaHeartbeat(nc, served.identity, served.instanceId, options.heartbeatS, served.clock);
    return served;
  }

  /** The service id (`$SRV.INFO` id, the heartbeat's `instance_id`). */
  get instanceId(): string {
    return this.service.info().id;
  }

  /** Stops heartbeats and the endpoints (bounded: a dead connection does not hold it up); prompts in flight still finish. */
  async stop(): Promise<void> {
    this.stopHeartbeat?.();
    this.stopHeartbeat = null;
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    await Promise.race([this.service.stop().catch(() => undefined), new Promise<void>((resolve) => (timer = this.clock.setTimeout(resolve, STOP_BOUND_MS)))]);
    if (timer) this.clock.clear(timer);
  }

  /** Resolves when the prompts in flight have ended (stop first, so no new one starts). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /** Ends every prompt still open with a 500 and the terminator (its asker is about to go). */
  abandon(message: string): void {
    for (const reply of this.open) reply.fail(500, 'stopped', message);
    this.open.clear();
  }

  private heartbeat() {
    return synadiaHeartbeat(this.identity, this.instanceId, this.options.heartbeatS, this.clock.now());
  }

  /** One prompt: admit it, ack, ask the agent (streaming), relay its chunks, end the stream. */
  private async prompt(msg: ServiceMsg): Promise<void> {
    const reply = new PromptReply(msg, this.clock, this.limits.maxPayload);
    const admission = admitSynadiaPrompt(msg.data, this.limits);
    if (!admission.ok) return reply.fail(admission.code, admission.error, admission.message);
    this.open.add(reply);
    // Breakpoints can hold the agent for long: keep-alives keep the caller waiting.
    reply.ack(this.options.keepaliveS ?? SYNADIA_KEEPALIVE_S);
    let chunks = 0;
    try {
      const { session } = admission.envelope;
      const answer = await this.options.client.request(this.identity.name, admission.envelope.prompt, {
        timeoutMs: this.options.requestTimeoutMs ?? SYNADIA_REQUEST_TIMEOUT_MS,
        metadata: { protocol: 'synadia', ...(typeof session === 'string' && { session }) },
        stream: (frame) => {
          if (frame.message_type !== 'stream.chunk' || frame.content.length === 0) return;
          chunks++;
          reply.chunk(frame.content);
        },
      });
      // A profile without a response channel streams nothing: the reply is the one chunk.
      if (chunks === 0 && answer.content.length > 0) reply.chunk(answer.content);
    } catch (error) {
      const failure = failureOf(error);
      reply.fail(failure.code, failure.error, failure.message);
    } finally {
      reply.end();
      this.open.delete(reply);
    }
  }
}

/** The error response of a failed request to the agent. */
export function failureOf(error: unknown): { code: 403 | 500; error: string; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof AgentRequestError)) return { code: 500, error: 'internal_error', message };
  if (error.code === 'forbidden') return { code: 403, error: 'forbidden', message };
  // A failed reply names why (budget_exceeded, handler_error, …): callers get it in the body.
  const named = error.reply?.metadata['error_code'];
  return { code: 500, error: typeof named === 'string' ? named : error.code, message };
}
