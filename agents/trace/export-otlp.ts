/**
 * A trace as OpenTelemetry OTLP/JSON, so Jaeger or Grafana Tempo can load a run: a request/reply
 * is a CLIENT span (the asker) with a SERVER child (the responder), one-way messages are PRODUCER
 * spans, an OODA run is a span under the message that started it, with its phases and LLM calls
 * as children. One resource per agent (`service.name`). Ids are hashes of trace ids, so the same
 * trace always exports the same spans. Isomorphic (no node:crypto: a small hash of our own).
 */
import type { AgentMessage } from '../protocol/agent-message.js';
import { Correlator, type RequestPair } from './correlate.js';
import { agentMessageOf, isPresence, type MessageRef } from './message-facts.js';
import type { EventRecord, TraceRecord } from './record.js';
import {
  SPAN_KIND,
  STATUS_CODE,
  OTLP_SCOPE,
  type OtlpKeyValue,
  type OtlpSpan,
  type OtlpExport,
} from './otlp-schema.js';


/**
 * A deterministic hex hash of `text`, `digits` long (a multiple of 8): FNV-1a per 32-bit word, each
 * word seeded differently and finished with murmur3's mixer. Never all zeros.
 */
export function hashHex(text: string, digits: number): string {
  let out = '';
  for (let word = 0; word < digits / 8; word++) {
    let h = (0x811c9dc5 ^ Math.imul(word + 1, 0x9e3779b9)) >>> 0;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    out += (h >>> 0).toString(16).padStart(8, '0');
  }
  return /^0+$/.test(out) ? `${out.slice(0, -1)}1` : out;
}

/** Options of {@link OtlpBuilder}. */
export interface OtlpOptions {
  /** `service.name` of spans no agent owns (default `switchboard`). */
  serviceName?: string;
  /** Request timeout (ms, default 30 s). */
  timeoutMs?: number;
  /** Also export request/replies on `$…` subjects (JetStream and KV API calls). Default: no. */
  includeSystem?: boolean;
  /** Export direct, handoff and broadcast messages as PRODUCER spans (default: yes). */
  oneWay?: boolean;
}

interface Draft {
  key: string;
  parent: string | null;
  /** Where a root span's trace id comes from (its conversation, else its own key). */
  traceKey: string;
  service: string;
  name: string;
  kind: number;
  start: number;
  end: number;
  attributes: OtlpKeyValue[];
  events: { mono: number; name: string; attributes: OtlpKeyValue[] }[];
  status: { code: number; message?: string } | null;
}

interface RunInfo {
  runId: string;
  agent: string;
  start: number;
  end: number | null;
  trigger: string | null;
  attributes: OtlpKeyValue[];
  events: Draft['events'];
  failed: string | null;
}

interface OneWay {
  ref: MessageRef;
  type: AgentMessage['message_type'];
  runId: string | null;
}

/** Builds the OTLP export one record at a time. */
export class OtlpBuilder {
  private readonly correlator: Correlator;
  private readonly options: OtlpOptions;
  private anchor: { epochMs: number; mono: number } | null = null;
  private lastMono = 0;
  private readonly openRuns = new Map<string, string[]>();
  private readonly runs = new Map<string, RunInfo>();
  /** The run its sender was in when a message went out, by the message's seq. */
  private readonly runOfMessage = new Map<number, string>();
  private readonly oneWay: OneWay[] = [];
  private readonly oneWaySeen = new Set<string>();
  private readonly children: Draft[] = [];
  private readonly handlerFailed = new Map<string, string>();
  private result: OtlpExport | null = null;

  constructor(options: OtlpOptions = {}) {
    this.options = options;
    this.correlator = new Correlator(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
  }

  /** Takes the next record. */
  add(record: TraceRecord): void {
    if (this.result) throw new Error('OtlpBuilder.add after finish().');
    this.correlator.add(record);
    if (!this.anchor) {
      const epochMs = Date.parse(record.time);
      this.anchor = { epochMs: Number.isFinite(epochMs) ? epochMs : 0, mono: record.mono };
    }
    this.lastMono = Math.max(this.lastMono, record.mono);
    if (record.kind === 'event') return this.event(record);
    const message = agentMessageOf(record);
    if (!message || isPresence(message)) return;
    const runs = this.openRuns.get(message.from_agent);
    const runId = runs?.[runs.length - 1] ?? null;
    if (runId) this.runOfMessage.set(record.seq, runId);
    const type = message.message_type;
    if ((type === 'direct' || type === 'handoff' || type === 'broadcast') && this.options.oneWay !== false && !this.oneWaySeen.has(message.message_id)) {
      this.oneWaySeen.add(message.message_id); // a handoff's tracking copy is the same message
      this.oneWay.push({ ref: { seq: record.seq, mono: record.mono, time: record.time, subject: record.subject, from: message.from_agent, to: message.to_agent, messageId: message.message_id, type, size: record.size }, type, runId });
    }
  }

  /** Ends the trace and returns the export. */
  finish(): OtlpExport {
    if (this.result) return this.result;
    const { pairs } = this.correlator.finish();
    const service = this.options.serviceName ?? OTLP_SCOPE;
    const drafts: Draft[] = [];
    const spanOfMessage = new Map<string, string>();
    const occurrences = new Map<string, number>();
    const idKey = (ref: MessageRef) => {
      if (ref.messageId === null) return `seq:${ref.seq}`;
      const n = (occurrences.get(ref.messageId) ?? 0) + 1;
      occurrences.set(ref.messageId, n);
      return n === 1 ? ref.messageId : `${ref.messageId}#${n}`;
    };
    const traceKeyOf = (ref: MessageRef, fallback: string) => (ref.messageId && this.correlator.conversationIdOf(ref.messageId)) || fallback;

    for (const pair of pairs) {
      if (pair.to === null && !(this.options.includeSystem && pair.request.subject.startsWith('$'))) continue;
      const id = idKey(pair.request);
      const client = `client:${id}`;
      const end = pair.reply?.mono ?? pair.request.mono + (pair.waitedMs ?? 0);
      const common = messageAttributes(pair.request, pair.from, pair.to);
      const runId = this.runOfMessage.get(pair.request.seq);
      drafts.push({
        key: client,
        parent: runId ? `run:${runId}` : null,
        traceKey: traceKeyOf(pair.request, client),
        service: pair.from ?? service,
        name: `request ${pair.request.subject}`,
        kind: SPAN_KIND.client,
        start: pair.request.mono,
        end,
        attributes: [...common, str('messaging.operation.type', 'send'), str('switchboard.reply_subject', pair.replySubject), str('switchboard.request.status', pair.status), ...(pair.frames > 0 ? [int('switchboard.stream.frames', pair.frames)] : [])],
        events: pair.lateReply ? [{ mono: pair.lateReply.mono, name: 'late reply', attributes: [int('switchboard.trace.seq', pair.lateReply.seq)] }] : [],
        status: requestStatus(pair),
      });
      let span = client;
      if (pair.reply && pair.status !== 'no_responders') {
        const server = `server:${id}`;
        const failure = pair.error ?? (pair.request.messageId ? this.handlerFailed.get(pair.request.messageId) : undefined) ?? null;
        drafts.push({
          key: server,
          parent: client,
          traceKey: client,
          service: pair.to ?? pair.reply.from ?? service,
          name: `process ${pair.request.subject}`,
          kind: SPAN_KIND.server,
          start: pair.request.mono,
          end: pair.reply.mono,
          attributes: [...common, str('messaging.operation.type', 'process'), int('switchboard.reply.seq', pair.reply.seq)],
          events: [],
          status: failure ? { code: STATUS_CODE.error, message: failure } : null,
        });
        span = server;
      }
      if (pair.request.messageId) spanOfMessage.set(pair.request.messageId, span);
    }

    for (const { ref, type, runId } of this.oneWay) {
      const key = `send:${idKey(ref)}`;
      drafts.push({
        key,
        parent: runId ? `run:${runId}` : null,
        traceKey: traceKeyOf(ref, key),
        service: ref.from ?? service,
        name: `${type} ${ref.subject}`,
        kind: SPAN_KIND.producer,
        start: ref.mono,
        end: ref.mono,
        attributes: [...messageAttributes(ref, ref.from, ref.to), str('messaging.operation.type', 'send')],
        events: [],
        status: null,
      });
      if (ref.messageId) spanOfMessage.set(ref.messageId, key);
    }

    for (const run of this.runs.values()) {
      const key = `run:${run.runId}`;
      const incomplete = run.end === null;
      drafts.push({
        key,
        parent: run.trigger ? (spanOfMessage.get(run.trigger) ?? null) : null,
        traceKey: (run.trigger && this.correlator.conversationIdOf(run.trigger)) || key,
        service: run.agent,
        name: 'ooda run',
        kind: SPAN_KIND.internal,
        start: run.start,
        end: run.end ?? this.lastMono,
        attributes: [...run.attributes, ...(incomplete ? [bool('switchboard.run.incomplete', true)] : [])],
        events: run.events,
        status: run.failed === null ? null : { code: STATUS_CODE.error, message: run.failed },
      });
    }
    // Children of runs whose run.started is not in the selection become roots.
    for (const child of this.children) drafts.push({ ...child, parent: child.parent && this.runs.has(child.parent.slice(4)) ? child.parent : null });

    this.result = this.assemble(drafts, service);
    return this.result;
  }

  private event(record: EventRecord): void {
    switch (record.name) {
      case 'run.started': {
        const { runId, message } = record.payload;
        this.runs.set(runId, {
          runId,
          agent: record.agent,
          start: record.mono,
          end: null,
          trigger: message.message_id,
          attributes: [str('switchboard.agent', record.agent), str('switchboard.run_id', runId)],
          events: [],
          failed: null,
        });
        const open = this.openRuns.get(record.agent) ?? [];
        open.push(runId);
        this.openRuns.set(record.agent, open);
        return;
      }
      case 'run.completed': {
        const p = record.payload;
        const run = this.runs.get(p.runId);
        if (!run) return;
        run.end = record.mono;
        run.attributes.push(str('switchboard.run.status', p.status), ...num('switchboard.run.turns', p.turns), ...num('switchboard.run.tokens', p.tokens));
        if (p.status === 'failed') run.failed = p.error ?? 'failed';
        const open = this.openRuns.get(record.agent);
        const at = open?.lastIndexOf(p.runId) ?? -1;
        if (open && at >= 0) open.splice(at, 1);
        return;
      }
      case 'budget.exceeded': {
        const p = record.payload;
        this.runs.get(p.runId)?.events.push({
          mono: record.mono,
          name: 'budget.exceeded',
          attributes: [str('switchboard.budget', p.budget), ...num('switchboard.budget.limit', p.limit), ...num('switchboard.budget.used', p.used)],
        });
        return;
      }
      case 'handler.failed':
        this.handlerFailed.set(record.payload.messageId, record.payload.error);
        return;
      case 'ooda.phase': {
        const p = record.payload;
        this.child(record, p.runId, `ooda.${p.phase}`, SPAN_KIND.internal, p.durationMs, [str('switchboard.ooda.phase', p.phase), ...num('switchboard.ooda.turn', p.turn)], null);
        return;
      }
      case 'llm.call': {
        const p = record.payload;
        this.child(
          record,
          p.runId,
          `chat ${p.model}`,
          SPAN_KIND.client,
          p.latencyMs,
          [
            str('gen_ai.operation.name', 'chat'),
            str('gen_ai.system', p.provider),
            str('gen_ai.request.model', p.model),
            ...(p.response ? [str('gen_ai.response.model', p.response.model)] : []),
            ...num('gen_ai.usage.input_tokens', p.response?.usage.inputTokens),
            ...num('gen_ai.usage.output_tokens', p.response?.usage.outputTokens),
            ...num('switchboard.ooda.turn', p.turn),
          ],
          p.error,
        );
        return;
      }
    }
  }

  /** A span that ends at its event's record and lasted `durationMs`, under its run. */
  private child(record: EventRecord, runId: string | null, name: string, kind: number, durationMs: number, attributes: OtlpKeyValue[], error: string | null): void {
    const key = `event:${record.seq}`;
    this.children.push({
      key,
      parent: runId ? `run:${runId}` : null,
      traceKey: runId ? `run:${runId}` : key,
      service: record.agent,
      name,
      kind,
      start: record.mono - Math.max(0, durationMs),
      end: record.mono,
      attributes: [str('switchboard.agent', record.agent), ...(runId ? [str('switchboard.run_id', runId)] : []), int('switchboard.trace.seq', record.seq), ...attributes],
      events: [],
      status: error ? { code: STATUS_CODE.error, message: error } : null,
    });
  }

  private assemble(drafts: Draft[], fallbackService: string): OtlpExport {
    const byKey = new Map<string, Draft>();
    const spanIds = new Map<string, string>();
    for (const draft of drafts) {
      byKey.set(draft.key, draft);
      spanIds.set(draft.key, hashHex(`span:${draft.key}`, 16));
    }
    const traceIds = new Map<string, string>();
    const traceIdOfKey = new Map<string, string>();
    const onPath = new Set<string>();
    const path: Draft[] = [];
    // A span's trace is its root's; a cycle (a recorder that saw a run start before its message) is cut.
    const traceIdOf = (draft: Draft): string => {
      let at = draft;
      let found: string | undefined;
      for (;;) {
        found = traceIds.get(at.key);
        if (found) break;
        path.push(at);
        onPath.add(at.key);
        const up = at.parent ? byKey.get(at.parent) : undefined;
        if (!up || onPath.has(up.key)) {
          if (up) at.parent = null;
          found = traceIdOfKey.get(at.traceKey);
          if (!found) traceIdOfKey.set(at.traceKey, (found = hashHex(`trace:${at.traceKey}`, 32)));
          break;
        }
        at = up;
      }
      for (const d of path) traceIds.set(d.key, found);
      path.length = 0;
      onPath.clear();
      return found;
    };
    const anchor = this.anchor ?? { epochMs: 0, mono: 0 };
    const anchorNs = BigInt(Math.trunc(anchor.epochMs)) * 1_000_000n;
    const toNano = (mono: number) => {
      const nanos = anchorNs + BigInt(Math.round((mono - anchor.mono) * 1e6));
      return (nanos < 0n ? 0n : nanos).toString();
    };
    const services = new Map<string, OtlpSpan[]>();
    for (const draft of drafts) {
      const span: OtlpSpan = {
        traceId: traceIdOf(draft),
        spanId: spanIds.get(draft.key)!,
        name: draft.name,
        kind: draft.kind,
        startTimeUnixNano: toNano(draft.start),
        endTimeUnixNano: toNano(Math.max(draft.start, draft.end)),
        attributes: draft.attributes,
      };
      const parentSpanId = draft.parent ? spanIds.get(draft.parent) : undefined;
      if (parentSpanId) span.parentSpanId = parentSpanId;
      if (draft.events.length > 0) span.events = draft.events.map((e) => ({ timeUnixNano: toNano(e.mono), name: e.name, attributes: e.attributes }));
      if (draft.status) span.status = draft.status;
      const service = draft.service || fallbackService;
      let list = services.get(service);
      if (!list) services.set(service, (list = []));
      list.push(span);
    }
    return {
      resourceSpans: [...services].map(([name, spans]) => ({
        resource: { attributes: [str('service.name', name), str('service.namespace', 'switchboard')] },
        scopeSpans: [{ scope: { name: OTLP_SCOPE }, spans }],
      })),
    };
  }
}

/**
 * The export as JSON text in pieces (one span at a time), for writing to a stream: a big run's
 * export is longer than the longest string JSON.stringify can return.
 */
export function* otlpJsonChunks(otlp: OtlpExport): Generator<string> {
  yield '{"resourceSpans":[';
  for (const [i, rs] of otlp.resourceSpans.entries()) {
    const { scopeSpans, ...resource } = rs;
    yield `${i > 0 ? ',' : ''}${JSON.stringify(resource).slice(0, -1)},"scopeSpans":[`;
    for (const [j, ss] of scopeSpans.entries()) {
      const { spans, ...rest } = ss;
      yield `${j > 0 ? ',' : ''}${JSON.stringify(rest).slice(0, -1)},"spans":[`;
      for (const [k, span] of spans.entries()) yield `${k > 0 ? ',' : ''}${JSON.stringify(span)}`;
      yield ']}';
    }
    yield ']}';
  }
  yield ']}\n';
}

/** The OTLP export of a whole trace (or a selection of it). */
export function exportOtlp(records: Iterable<TraceRecord>, options: OtlpOptions = {}): OtlpExport {
  const builder = new OtlpBuilder(options);
  for (const record of records) builder.add(record);
  return builder.finish();
}

function messageAttributes(ref: MessageRef, from: string | null, to: string | null): OtlpKeyValue[] {
  return [
    str('messaging.system', 'nats'),
    str('messaging.destination.name', ref.subject),
    int('messaging.message.body.size', ref.size),
    ...(ref.messageId ? [str('messaging.message.id', ref.messageId)] : []),
    ...(ref.type ? [str('switchboard.message_type', ref.type)] : []),
    ...(from ? [str('switchboard.from_agent', from)] : []),
    ...(to ? [str('switchboard.to_agent', to)] : []),
    int('switchboard.trace.seq', ref.seq),
  ];
}

function requestStatus(pair: RequestPair): Draft['status'] {
  switch (pair.status) {
    case 'failed':
      return { code: STATUS_CODE.error, message: pair.error ?? 'failed' };
    case 'no_responders':
      return { code: STATUS_CODE.error, message: `no responders on ${pair.request.subject}` };
    case 'timed_out':
      return { code: STATUS_CODE.error, message: pair.timedOutBy === 'trace_end' ? 'no reply before the trace ended' : `no reply within ${pair.waitedMs} ms` };
    default:
      return null;
  }
}

const str = (key: string, value: string): OtlpKeyValue => ({ key, value: { stringValue: value } });
const bool = (key: string, value: boolean): OtlpKeyValue => ({ key, value: { boolValue: value } });
const int = (key: string, value: number): OtlpKeyValue => ({ key, value: { intValue: String(Math.trunc(value)) } });
/** An int attribute when `value` is a number, else none. */
const num = (key: string, value: unknown): OtlpKeyValue[] => (typeof value === 'number' && Number.isFinite(value) ? [int(key, value)] : []);
