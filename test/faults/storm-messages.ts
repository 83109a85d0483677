/**
 * The message storm's ammunition: hostile NATS messages of every kind the fault suite sends, and
 * the subjects they go to, read from the server's own view of who subscribes to what (/connz),
 * not from a hand-written list.
 */
import { headers, type MsgHdrs } from '@nats-io/transport-node';

/** One subscription an agent's connection holds, as the server reports it. */
export interface AgentSubscription {
  connection: string;
  subject: string;
  queue: string | null;
}

/** A subject to storm, with how many agent handlers receive a message sent to it. */
export interface StormTarget {
  /** A concrete subject (wildcard tokens filled in). */
  subject: string;
  /** The pattern subscribed to. */
  pattern: string;
  /**
   * Handlers in the runtime's receive path (queue groups count once): each records a message
   * sent here as `message.invalid`. 0 for the client library's own subscriptions (request inboxes,
   * KV watches), which never reach an agent's handler.
   */
  handlers: number;
}

/** One hostile message. */
export interface HostileMessage {
  kind: string;
  subject: string;
  data: Uint8Array;
  reply?: string;
  headers?: MsgHdrs;
  /** message.invalid records it should produce. */
  expectInvalid: number;
}

interface ConnzConnection {
  name?: string;
  subscriptions_list_detail?: { subject: string; qgroup?: string }[];
}

/** Every subscription of connections whose name matches `owned` (the run's agents and registry). */
export async function subscriptionsOf(monitorUrl: string, owned: (name: string) => boolean): Promise<AgentSubscription[]> {
  const response = await fetch(`${monitorUrl}/connz?subs=detail&limit=1024`);
  const body = (await response.json()) as { connections: ConnzConnection[] };
  return body.connections.flatMap((c) =>
    c.name && owned(c.name) ? (c.subscriptions_list_detail ?? []).map((s) => ({ connection: c.name!, subject: s.subject, queue: s.qgroup || null })) : [],
  );
}

/**
 * The storm's targets: each subscribed subject once, wildcards filled with a token. Concrete
 * subjects held by agent connections (`name#instance`) are the runtime's receive path.
 */
export function stormTargets(subs: readonly AgentSubscription[]): StormTarget[] {
  const byPattern = new Map<string, AgentSubscription[]>();
  for (const s of subs) byPattern.set(s.subject, [...(byPattern.get(s.subject) ?? []), s]);
  return [...byPattern].map(([pattern, holders]) => {
    const wild = pattern.split('.').some((t) => t === '*' || t === '>');
    const agentHolders = holders.filter((h) => h.connection.includes('#'));
    const groups = new Set(agentHolders.map((h) => h.queue ?? `${h.connection}:${pattern}`));
    return { pattern, subject: pattern.split('.').map((t) => (t === '*' || t === '>' ? 'storm' : t)).join('.'), handlers: wild ? 0 : groups.size };
  });
}

const text = (s: string) => new TextEncoder().encode(s);

/** A well-formed AgentMessage (seed 000), to be spoiled by the hostile kinds. */
export function agentMessage(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    message_type: 'request',
    from_agent: 'storm',
    to_agent: 'anyone',
    content: 'hello',
    metadata: {},
    timestamp: new Date().toISOString(),
    message_id: `storm-${Math.random().toString(36).slice(2)}`,
    in_reply_to: null,
    priority: 2,
    ...fields,
  };
}

/** Bodies no agent may accept, cheap ones; `i` varies them. */
const SMALL_BODIES: ((i: number) => [string, Uint8Array])[] = [
  (i) => ['bad-json', text(`{"message_type": "request", "content": ${i}`)],
  () => ['empty', new Uint8Array(0)],
  (i) => ['binary', Uint8Array.from({ length: 64 }, (_, k) => (i * 31 + k * 17) % 256)],
  () => ['json-null', text('null')],
  () => ['json-array', text('[1,2,3]')],
  (i) => ['json-number', text(String(i))],
  () => ['json-string', text('"request"')],
  () => ['json-empty-object', text('{}')],
  (i) => ['wrong-types', text(JSON.stringify(agentMessage({ message_type: 42, content: { i }, priority: 'urgent' })))],
  () => ['unknown-type', text(JSON.stringify(agentMessage({ message_type: 'explode' })))],
  () => ['missing-fields', text(JSON.stringify({ content: 'hi', from_agent: 'storm' }))],
  () => ['priority-out-of-range', text(JSON.stringify(agentMessage({ priority: 1e9 })))],
  () => ['proto-pollution', text('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}')],
  () => ['bom-and-nul', text('\uFEFF\u0000{"message_type":"request"}')],
  () => ['lone-surrogates', text('{"content":"\\ud800\\udfff\\ud800"}')],
];

/** Options for {@link hostileMessages}. */
export interface StormPlan {
  targets: readonly StormTarget[];
  total: number;
  /** The server's max_payload: the largest messages are this big, minus room for headers. */
  maxPayload: number;
  /** How many of the messages are near max_payload. */
  huge: number;
  /** Subjects under the agents' prefixes that nobody listens on. */
  strangers: readonly string[];
}

/**
 * `total` hostile messages, round-robin over the targets and kinds: malformed bodies, wrong
 * shapes, max_payload-sized junk and deeply nested JSON, odd and oversized headers, replies to
 * inboxes nobody holds, and messages to subjects under the agents' prefixes that nobody holds.
 */
export function* hostileMessages(plan: StormPlan): Generator<HostileMessage> {
  const { targets, total, maxPayload } = plan;
  const hugeEvery = plan.huge > 0 ? Math.floor(total / plan.huge) : Infinity;
  let huge = 0;
  for (let i = 0; i < total; i++) {
    const target = targets[i % targets.length]!;
    const on = (kind: string, data: Uint8Array, extra: Partial<HostileMessage> = {}): HostileMessage => ({ kind, subject: target.subject, data, expectInvalid: target.handlers, ...extra });
    if (i % hugeEvery === hugeEvery - 1 && huge < plan.huge) {
      huge++;
      const size = maxPayload - 4096;
      // Near max_payload: junk, a wrong shape, and a valid shape nested too deep for JSON.stringify.
      const which = huge % 3;
      if (which === 0) yield on('huge-junk', new Uint8Array(size).fill(0x7b)); // "{{{{…"
      else if (which === 1) yield on('huge-wrong-shape', text(JSON.stringify({ content: 'x'.repeat(size - 100) })));
      else {
        const depth = Math.floor((size - 1000) / 2);
        yield on('huge-deep-nesting', text(JSON.stringify(agentMessage({ metadata: {} })).replace('"metadata":{}', `"metadata":{"deep":${'['.repeat(depth)}${']'.repeat(depth)}}`)));
      }
      continue;
    }
    const [kind, data] = SMALL_BODIES[i % SMALL_BODIES.length]!(i);
    switch (i % 7) {
      case 0: {
        // Odd and oversized headers; the body is still junk, so it still counts as invalid.
        const h = headers();
        h.set('X-Storm', 'ö'.repeat(8) + String(i));
        h.append('X-Storm', '');
        h.set('Nats-Msg-Id', 'dup');
        if (i % 3 === 0) h.set('X-Big', 'h'.repeat(32 * 1024));
        yield on(`${kind}+headers`, data, { headers: h });
        break;
      }
      case 1:
        yield on(`${kind}+reply-to-nowhere`, data, { reply: `_INBOX.storm.nowhere.${i}` });
        break;
      case 2: {
        const stranger = plan.strangers[i % plan.strangers.length];
        if (stranger) yield { kind: `${kind}@stranger`, subject: stranger, data, expectInvalid: 0 };
        else yield on(kind, data);
        break;
      }
      default:
        yield on(kind, data);
    }
  }
}
