/**
 * The trace recorder: a `>` tap on its own NATS connection (so inbox replies are seen too) and the
 * runtime's events, turned into records of one ordered TraceStore. Live updates go to subscribers
 * in batches at most 20 times a second; a subscriber that falls behind is told what it missed
 * instead of slowing the recorder, and reads it back from the store.
 *
 * The message path is the hot path (tens of thousands of messages a second): records are
 * serialized by hand in schema key order (the same bytes `JSON.stringify` of the parsed record
 * gives), and zod only runs for JSON objects that fail a hand-written AgentMessage check.
 */
import { isUtf8 } from 'node:buffer';
import { connect, type Msg, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { decodeAgentMessage } from '../../../agents/protocol/codec.js';
import { MessageTypeSchema, type AgentMessage } from '../../../agents/protocol/agent-message.js';
import type { RuntimeEventBus, RuntimeEventName, RuntimeEvents } from '../../../agents/runtime/events.js';
import type { TraceRecord } from '../../../agents/trace/record.js';
import type { TraceStore } from './trace-store.js';

/** Options of a recorder. */
export interface RecorderOptions {
  /** Payload bytes kept per message; longer ones are cut and marked truncated (default 64 KiB). */
  payloadLimit?: number;
  /** Shortest time between two live batches to one subscriber (default 50 ms: 20 a second). */
  liveIntervalMs?: number;
  /** Problems worth telling the user (tap refused, store failing, reconnects). */
  warn?: (text: string) => void;
}

/** Records a subscriber missed because it fell behind: read them from the store. */
export interface SkippedRange {
  count: number;
  /** Resync from here: the first skipped seq. */
  fromSeq: number;
  toSeq: number;
}

/** One live delivery: new records in order, then possibly a range that was skipped after them. */
export interface LiveBatch {
  records: TraceRecord[];
  skipped: SkippedRange | null;
}

/** Receives live batches; a returned promise marks the subscriber busy until it settles. */
export type LiveListener = (batch: LiveBatch) => void | Promise<void>;

/** How much a subscriber may fall behind before records are skipped for it (default 10,000). */
export interface LiveOptions {
  maxQueue?: number;
}

interface Subscriber {
  listener: LiveListener;
  maxQueue: number;
  busy: boolean;
  queue: string[];
  skipped: SkippedRange | null;
}

const DEFAULT_PAYLOAD_LIMIT = 64 * 1024;
const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });
const MESSAGE_TYPES = new Set<string>(MessageTypeSchema.options);
const NOT_TEXT = parsedReason('not an AgentMessage: the payload is not UTF-8 text');
const NOT_OBJECT = parsedReason('not an AgentMessage: the payload is not a JSON object');
const EMPTY = parsedReason('not an AgentMessage: the payload is empty');

/** Records a run: bus messages (after `tap`) and runtime events (after `attach`) into `store`. */
export class TraceRecorder {
  private readonly payloadLimit: number;
  private readonly liveIntervalMs: number;
  private readonly warn: (text: string) => void;
  private readonly startMono: number;
  private readonly monoBase: number;
  private nc: NatsConnection | null = null;
  private readonly subscribers = new Set<Subscriber>();
  private liveTimer: NodeJS.Timeout | null = null;
  private readonly detach = new Set<() => void>();
  private lastMs = 0;
  private lastIso = '';
  private failures = 0;
  private stopped = false;
  private stopping: Promise<void> | null = null;
  /** Messages and events recorded by this recorder. */
  recorded = 0;

  constructor(
    readonly store: TraceStore,
    options: RecorderOptions = {},
  ) {
    this.payloadLimit = options.payloadLimit ?? DEFAULT_PAYLOAD_LIMIT;
    this.liveIntervalMs = options.liveIntervalMs ?? 50;
    this.warn = options.warn ?? (() => undefined);
    this.startMono = performance.now();
    // A reopened run continues its monotonic clock, so mono never goes back within a run.
    this.monoBase = store.lastMono;
  }

  /** Records that could not be stored (the store refused them); normally 0. */
  get dropped(): number {
    return this.failures;
  }

  /**
   * Connects as `switchboard-recorder` and subscribes to `subject` (default `>`). Rejects when the
   * server cannot be reached; a refused subscription (permissions) is reported through `warn`.
   */
  async tap(connection: NodeConnectionOptions, subject = '>'): Promise<void> {
    if (this.nc) throw new Error('the recorder already taps a connection.');
    const nc = await connect({ ...connection, name: 'switchboard-recorder' });
    this.nc = nc;
    nc.subscribe(subject, {
      callback: (error, msg) => {
        if (error) this.warn(`trace: the bus tap failed (${error.message}); recording runtime events only.`);
        else this.onMessage(msg);
      },
    });
    await nc.flush();
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'error') this.warn(`trace: the bus tap was refused (${s.error.message}); recording runtime events only.`);
        else if (s.type === 'disconnect') this.warn('trace: the recorder lost its NATS connection; messages sent meanwhile are not recorded.');
      }
    })().catch(() => undefined);
  }

  /** Records every event of `events` into the same ordered store; returns the detach function. */
  attach(events: RuntimeEventBus): () => void {
    const off = events.onAny((name, payload) => this.onEvent(name, payload));
    const detach = () => {
      off();
      this.detach.delete(detach);
    };
    this.detach.add(detach);
    return detach;
  }

  /**
   * Live updates: `listener` gets the records appended since its last batch, at most once per
   * `liveIntervalMs`. While it is busy (its promise pending) records queue up to `maxQueue`; past
   * that they are skipped, and its next batch says which, so it can read them from the store.
   */
  subscribe(listener: LiveListener, options: LiveOptions = {}): () => void {
    const subscriber: Subscriber = { listener, maxQueue: options.maxQueue ?? 10_000, busy: false, queue: [], skipped: null };
    this.subscribers.add(subscriber);
    this.liveTimer ??= setInterval(() => this.deliver(), this.liveIntervalMs).unref();
    return () => {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0 && this.liveTimer) {
        clearInterval(this.liveTimer);
        this.liveTimer = null;
      }
    };
  }

  /** Stops recording: drains the tap (what arrived is recorded), detaches events, flushes the store. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.nc?.drain().catch(() => undefined);
      for (const detach of [...this.detach]) detach();
      this.stopped = true;
      this.deliver();
      if (this.liveTimer) clearInterval(this.liveTimer);
      this.liveTimer = null;
      this.subscribers.clear();
      await this.store.flush().catch((error: unknown) => this.warn(`trace: ${error instanceof Error ? error.message : String(error)}`));
    })();
    return this.stopping;
  }

  /** The hot path: one bus message → one record line. */
  private onMessage(msg: Msg): void {
    if (this.stopped) return;
    try {
      const data = msg.data;
      const size = data.length;
      const text = size === 0 ? '' : isUtf8(data) ? UTF8.decode(data) : null;
      let payload: string;
      let truncated = false;
      if (text === null) {
        truncated = size > this.payloadLimit;
        payload = Buffer.from(data.buffer, data.byteOffset, truncated ? this.payloadLimit : size).toString('base64');
      } else if (size > this.payloadLimit) {
        truncated = true;
        payload = UTF8.decode(data.subarray(0, utf8Cut(data, this.payloadLimit)));
      } else payload = text;
      const parsed = text === null ? { json: NOT_TEXT, message: null } : parsePayload(text);
      const reply = msg.reply || null;
      const headers = msg.headers ? headersJson(msg) : 'null';
      const seq = this.store.nextSeq;
      const ms = Date.now();
      const time = this.isoOf(ms);
      const mono = this.mono();
      const subject = msg.subject;
      const line =
        `{"seq":${seq},"time":"${time}","mono":${mono},"kind":"message","subject":${JSON.stringify(subject)},` +
        `"reply":${reply === null ? 'null' : JSON.stringify(reply)},"headers":${headers},"size":${size},` +
        `"payload":${JSON.stringify(payload)},"encoding":"${text === null ? 'base64' : 'utf8'}","truncated":${truncated},"parsed":${parsed.json}}`;
      const m = parsed.message;
      const to = m && m.to_agent && m.to_agent !== m.from_agent ? m.to_agent : null;
      this.store.appendLine(line, 'message', ms, subject, m ? m.from_agent : null, to, m ? m.message_type : null);
      this.appended(line, seq, mono);
    } catch (error) {
      this.failed(error);
    }
  }

  private onEvent<E extends RuntimeEventName>(name: E, payload: RuntimeEvents[E]): void {
    if (this.stopped) return;
    try {
      const seq = this.store.nextSeq;
      const ms = Date.now();
      const time = this.isoOf(ms);
      const mono = this.mono();
      const agent = typeof payload.agent === 'string' ? payload.agent : '';
      const line = `{"seq":${seq},"time":"${time}","mono":${mono},"kind":"event","name":${JSON.stringify(name)},"agent":${JSON.stringify(agent)},"payload":${eventJson(payload)}}`;
      this.store.appendLine(line, 'event', ms, null, agent, null, name);
      this.appended(line, seq, mono);
    } catch (error) {
      this.failed(error);
    }
  }

  private appended(line: string, seq: number, mono: number): void {
    this.recorded++;
    this.store.lastMono = mono;
    for (const s of this.subscribers) {
      if (s.skipped) {
        s.skipped.count++;
        s.skipped.toSeq = seq;
      } else if (s.queue.length < s.maxQueue) s.queue.push(line);
      else s.skipped = { count: 1, fromSeq: seq, toSeq: seq };
    }
  }

  private failed(error: unknown): void {
    if (this.failures++ === 0) this.warn(`trace: a record could not be stored (${error instanceof Error ? error.message : String(error)}); later failures are counted, not reported.`);
  }

  /** One tick of live delivery: each free subscriber gets what queued up for it. */
  private deliver(): void {
    for (const s of this.subscribers) {
      if (s.busy || (s.queue.length === 0 && !s.skipped)) continue;
      const batch: LiveBatch = { records: s.queue.map((line) => JSON.parse(line) as TraceRecord), skipped: s.skipped };
      s.queue = [];
      s.skipped = null;
      try {
        const result = s.listener(batch);
        if (result && typeof result.then === 'function') {
          s.busy = true;
          result.then(
            () => (s.busy = false),
            (error: unknown) => {
              s.busy = false;
              this.warn(`trace: a live subscriber failed: ${error instanceof Error ? error.message : String(error)}`);
            },
          );
        }
      } catch (error) {
        this.warn(`trace: a live subscriber failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /** ISO time of `ms`, computed once per millisecond (bursts share it). */
  private isoOf(ms: number): string {
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastIso = new Date(ms).toISOString();
    }
    return this.lastIso;
  }

  /** Milliseconds since the run began, to the microsecond. */
  private mono(): number {
    return Math.round((performance.now() - this.startMono + this.monoBase) * 1000) / 1000;
  }
}

/** A parsed payload as its record JSON, with the message when it is one. */
export interface ParsedJson {
  json: string;
  message: AgentMessage | null;
}

/**
 * What a payload is as an AgentMessage, as `{"ok":…}` JSON. Agrees with decodeAgentMessage on
 * every JSON object (a hand-written check for the common case, zod for the rest); other text is
 * described without parsing.
 */
export function parsePayload(text: string): ParsedJson {
  let k = 0;
  for (let c = text.charCodeAt(0); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = text.charCodeAt(++k));
  if (k === text.length) return { json: EMPTY, message: null };
  if (text.charCodeAt(k) !== 0x7b) return { json: NOT_OBJECT, message: null };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined; // decodeAgentMessage says why, below
  }
  const fast = raw === undefined ? null : agentMessageOf(raw);
  if (fast) return { json: `{"ok":true,"message":${JSON.stringify(fast)}}`, message: fast };
  const decoded = decodeAgentMessage(text);
  if (decoded.ok) return { json: `{"ok":true,"message":${JSON.stringify(decoded.value)}}`, message: decoded.value };
  return { json: parsedReason(decoded.reason), message: null };
}

/**
 * The AgentMessage zod would produce from `raw` (defaults applied, unknown keys dropped, keys in
 * schema order), or null when it is not plainly one: then zod decides and says why.
 */
function agentMessageOf(raw: unknown): AgentMessage | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const r = raw as Record<string, unknown>;
  const { message_type, from_agent, to_agent, content, timestamp, message_id } = r;
  if (typeof message_type !== 'string' || !MESSAGE_TYPES.has(message_type)) return null;
  if (typeof from_agent !== 'string' || from_agent.length === 0) return null;
  if (to_agent !== null && typeof to_agent !== 'string') return null;
  if (typeof content !== 'string' || typeof timestamp !== 'string') return null;
  if (typeof message_id !== 'string' || message_id.length === 0) return null;
  let metadata = r['metadata'];
  if (metadata === undefined) metadata = {};
  else if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata) || Object.hasOwn(metadata, '__proto__')) return null;
  let in_reply_to = r['in_reply_to'];
  if (in_reply_to === undefined) in_reply_to = null;
  else if (in_reply_to !== null && typeof in_reply_to !== 'string') return null;
  let priority = r['priority'];
  if (priority === undefined) priority = 2;
  else if (typeof priority !== 'number' || !Number.isSafeInteger(priority) || priority < 0 || priority > 10) return null;
  return {
    message_type: message_type as AgentMessage['message_type'],
    from_agent,
    to_agent,
    content,
    metadata: metadata as Record<string, unknown>,
    timestamp,
    message_id,
    in_reply_to: in_reply_to as string | null,
    priority: priority as number,
  };
}

function parsedReason(reason: string): string {
  return `{"ok":false,"reason":${JSON.stringify(reason)}}`;
}

/** Where to cut valid UTF-8 at most `limit` bytes long without splitting a character. */
function utf8Cut(data: Uint8Array, limit: number): number {
  let cut = limit;
  while (cut > 0 && (data[cut]! & 0xc0) === 0x80) cut--; // a continuation byte: the character began earlier
  return cut;
}

/** Headers as record JSON; a status line (e.g. 503 no responders) becomes `Status`/`Description`, as nats.go does. */
function headersJson(msg: Msg): string {
  const h = msg.headers!;
  const out: Record<string, string[]> = {};
  if (h.code > 0) {
    out['Status'] = [String(h.code)];
    if (h.description) out['Description'] = [h.description];
  }
  for (const [key, values] of h) out[key] = values;
  return JSON.stringify(out);
}

/** An event payload as JSON; something JSON cannot hold is described rather than thrown. */
function eventJson(payload: unknown): string {
  try {
    return JSON.stringify(payload) ?? 'null';
  } catch (error) {
    return JSON.stringify({ unserializable: error instanceof Error ? error.message : String(error) });
  }
}
