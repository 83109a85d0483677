/**
 * Calls one external Synadia Agent Protocol agent for the agents of this runtime: finds its prompt
 * endpoint by discovery (`$SRV.INFO.agents`, filtered on metadata agent/owner and the subject's
 * last token; cached, found again when a prompt meets no responders), checks `max_payload` and
 * `attachments_ok` before publishing, publishes the prompt with a fresh inbox of the asking agent
 * as its reply subject, and assembles the streamed answer (stream.ts) into one reply AgentMessage.
 * The stream fails after a stretch of silence: the protocol's 60 s, or the request's timeout when
 * shorter (acks keep it alive).
 */
import { createInbox, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { Svcm } from '@nats-io/services';
import type { AgentMessage } from '../../protocol/agent-message.js';
import { inboxPrefixOf } from '../../protocol/subjects.js';
import {
  encodeSynadiaPrompt,
  SYNADIA_SERVICE_NAME,
  SYNADIA_STREAM_INACTIVITY_MS,
  synadiaPromptEndpoint,
  type SynadiaAttachment,
  type SynadiaIdentity,
  type SynadiaPromptEndpoint,
} from '../../protocol/synadia.js';
import { AgentRequestError, type ExternalCaller } from '../../runtime/agent.js';
import { systemClock, type Clock } from '../../runtime/clock.js';
import { newMessage } from '../../runtime/wire.js';
import type { AgentHandle } from '../../tools/agent-handle.js';
import { SynadiaStreamAssembler, type StreamStep } from './stream.js';

/** Options for {@link SynadiaCaller}. */
export interface SynadiaCallerOptions {
  /** The agent's name in the topology (what other agents ask for). */
  name: string;
  identity: SynadiaIdentity;
  /** Longest wait for `$SRV.INFO` replies (a found agent ends it early). */
  discoveryWaitMs?: number;
  /** Silence after which a stream fails; the protocol's 60 s unless a test shortens it. */
  inactivityMs?: number;
  /** True when the registry has seen it leave (missed heartbeats): its endpoint is looked up again. */
  isGone?: () => boolean;
  clock?: Clock;
}

/** The longest a stream may run in all, however often it is kept alive (the longest request_agent allows). */
const MAX_STREAM_MS = 600_000;
const DEFAULT_DISCOVERY_WAIT_MS = 2000;
/** After the last `$SRV.INFO` reply, how long discovery waits for more. */
const DISCOVERY_STALL_MS = 300;

/** `agent/owner/name`, as errors name a protocol agent. */
export const synadiaLabel = (id: SynadiaIdentity): string => `${id.agent}/${id.owner}/${id.name}`;

/** One declared external Synadia agent, callable by any agent of the network. */
export class SynadiaCaller implements ExternalCaller {
  private endpoint: Promise<SynadiaPromptEndpoint | null> | null = null;
  private readonly clock: Clock;

  constructor(private readonly opts: SynadiaCallerOptions) {
    this.clock = opts.clock ?? systemClock;
  }

  /** Prompts the agent with `message.content` and resolves with its assembled answer as the reply to `message`. */
  async request(from: AgentHandle, message: AgentMessage, timeoutMs: number): Promise<AgentMessage> {
    const nc = from.connection;
    const attachments = attachmentsOf(message.metadata['attachments']);
    const payload = encodeSynadiaPrompt({ prompt: message.content, ...(attachments.length > 0 && { attachments }) });
    for (let attempt = 0; ; attempt++) {
      const endpoint = await this.find(nc, timeoutMs);
      this.check(endpoint, payload, attachments);
      const step = await this.prompt(nc, from.name, endpoint.subject, payload, timeoutMs);
      if (step.kind === 'done') {
        return newMessage({
          message_type: 'response',
          from_agent: this.opts.name,
          to_agent: from.name,
          content: step.text,
          in_reply_to: message.message_id,
          metadata: { status: 'completed', protocol: 'synadia', ...(step.attachments.length > 0 && { attachments: step.attachments }) },
        });
      }
      if (step.kind === 'error') {
        const reply = newMessage({
          message_type: 'response',
          from_agent: this.opts.name,
          to_agent: from.name,
          content: step.description,
          in_reply_to: message.message_id,
          metadata: { status: 'failed', error: step.description, error_code: String(step.code), protocol: 'synadia' },
        });
        throw new AgentRequestError('failed', `${this.opts.name} answered ${step.code}: ${step.description || 'no description'}`, reply);
      }
      // No responders: the endpoint moved or the agent restarted under another subject; look once more.
      this.endpoint = null;
      if (attempt > 0) throw new AgentRequestError('no_responders', `No agent answers on ${endpoint.subject}: is ${this.opts.name} (${synadiaLabel(this.opts.identity)}) running?`);
    }
  }

  /** The prompt endpoint (cached, discovered when unknown), or null when discovery finds none. */
  async locate(nc: NatsConnection, waitMs = this.opts.discoveryWaitMs ?? DEFAULT_DISCOVERY_WAIT_MS): Promise<SynadiaPromptEndpoint | null> {
    this.endpoint ??= this.discover(nc, waitMs);
    const endpoint = await this.endpoint.catch(() => null);
    if (!endpoint) this.endpoint = null;
    return endpoint;
  }

  /** The cached prompt endpoint, discovered when unknown; throws when discovery finds none. */
  private async find(nc: NatsConnection, timeoutMs: number): Promise<SynadiaPromptEndpoint> {
    // While a trace tap listens to every subject NATS never says "no responders": an agent the registry saw leave is looked up again.
    if (this.opts.isGone?.()) this.endpoint = null;
    // A discovery that found nothing may have begun before the agent started: only a found endpoint is reused.
    const cached = await this.endpoint?.catch(() => null);
    if (cached) return cached;
    this.endpoint = this.discover(nc, Math.min(timeoutMs, this.opts.discoveryWaitMs ?? DEFAULT_DISCOVERY_WAIT_MS));
    const endpoint = await this.endpoint.catch((error: unknown) => {
      this.endpoint = null;
      throw error;
    });
    if (endpoint) return endpoint;
    this.endpoint = null; // not there yet: ask again next time
    const id = this.opts.identity;
    throw new AgentRequestError(
      'no_responders',
      `${this.opts.name} was not found: no Synadia agent answered $SRV.INFO.${SYNADIA_SERVICE_NAME} with agent "${id.agent}", owner "${id.owner}" and a prompt subject ending in "${id.name}".`,
    );
  }

  private async discover(nc: NatsConnection, waitMs: number): Promise<SynadiaPromptEndpoint | null> {
    const client = new Svcm(nc).client({ strategy: 'stall', maxWait: Math.max(1, waitMs), stall: DISCOVERY_STALL_MS });
    const id = this.opts.identity;
    let infos: AsyncIterable<unknown>;
    try {
      infos = await client.info(SYNADIA_SERVICE_NAME);
    } catch (error) {
      if ((error as { name?: string }).name === 'NoRespondersError' || /no responders/i.test(String(error))) return null;
      throw new AgentRequestError('failed', `Discovering ${this.opts.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    for await (const info of infos) {
      const endpoint = synadiaPromptEndpoint(info);
      // Several instances share the prompt subject (queue group "agents"): the first found will do.
      if (endpoint && endpoint.identity.agent === id.agent && endpoint.identity.owner === id.owner && endpoint.identity.name === id.name) return endpoint;
    }
    return null;
  }

  /** Refuses locally what the endpoint says it would refuse (§5.4): too large, or attachments it does not take. */
  private check(endpoint: SynadiaPromptEndpoint, payload: string, attachments: SynadiaAttachment[]): void {
    if (attachments.length > 0 && !endpoint.attachmentsOk) {
      throw new AgentRequestError('failed', `${this.opts.name} does not accept attachments (attachments_ok is false); ${attachments.length} were given.`);
    }
    const bytes = Buffer.byteLength(payload);
    if (endpoint.maxPayload !== null && bytes > endpoint.maxPayload) {
      throw new AgentRequestError('failed', `The prompt is ${bytes} bytes; ${this.opts.name} accepts at most ${endpoint.maxPayload} (its max_payload). It was not sent.`);
    }
  }

  /** Publishes one prompt and reads its stream to the end, an error, no responders or silence. */
  private prompt(nc: NatsConnection, asker: string, subject: string, payload: string, timeoutMs: number): Promise<StreamStep> {
    const quietMs = Math.min(this.opts.inactivityMs ?? SYNADIA_STREAM_INACTIVITY_MS, timeoutMs);
    const assembler = new SynadiaStreamAssembler();
    const inbox = createInbox(inboxPrefixOf(asker));
    return new Promise<StreamStep>((resolve, reject) => {
      let sub: Subscription | null = null;
      let heard = false;
      const finish = (outcome: StreamStep | Error) => {
        this.clock.clear(quiet);
        this.clock.clear(ceiling);
        sub?.unsubscribe();
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const silence = () => {
        // Not a word, not even the leading ack: the endpoint may be stale (a tap hides "no responders"), so look it up next time.
        if (!heard) this.endpoint = null;
        return new AgentRequestError(
          'timeout',
          heard
            ? `${this.opts.name} went silent on ${inbox}: no chunk for ${quietMs} ms (${assembler.counts.responses} response chunks so far, no end of stream).`
            : `${this.opts.name} did not answer on ${subject} within ${quietMs} ms (not even the protocol's leading ack).`,
        );
      };
      let quiet = this.clock.setTimeout(() => finish(silence()), quietMs);
      const ceiling = this.clock.setTimeout(() => finish(new AgentRequestError('timeout', `${this.opts.name} streamed for ${MAX_STREAM_MS} ms without ending.`)), MAX_STREAM_MS);
      sub = nc.subscribe(inbox, {
        callback: (error, msg) => {
          if (error) return finish(new AgentRequestError('failed', `Reading ${this.opts.name}'s answer failed: ${error.message}`));
          heard = true;
          this.clock.clear(quiet);
          quiet = this.clock.setTimeout(() => finish(silence()), quietMs);
          const step = assembler.add(toStreamMessage(msg));
          if (step.kind !== 'more') finish(step);
        },
      });
      try {
        nc.publish(subject, payload, { reply: inbox });
      } catch (error) {
        finish(new AgentRequestError('failed', `Prompting ${this.opts.name} failed: ${error instanceof Error ? error.message : String(error)}`));
      }
    });
  }
}

function toStreamMessage(msg: Msg): { text: string; bytes: number; header: ((name: string) => string | undefined) | null; status: number | null } {
  const headers = msg.headers;
  return {
    text: msg.data.length > 0 ? msg.string() : '',
    bytes: msg.data.length,
    header: headers ? (name) => (headers.has(name) ? headers.get(name) : undefined) : null,
    status: headers?.code ?? null,
  };
}

/** Attachments a request carries in `metadata.attachments` ({filename, content} in base64), else none. */
function attachmentsOf(value: unknown): SynadiaAttachment[] {
  if (!Array.isArray(value)) return [];
  return value.filter((a): a is SynadiaAttachment => typeof a === 'object' && a !== null && typeof a.filename === 'string' && a.filename !== '' && typeof a.content === 'string');
}
