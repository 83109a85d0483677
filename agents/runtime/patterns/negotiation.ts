/**
 * Seed 002's A2A negotiation on the bus (`negotiate_with_agents` and `register_a2a_handler` of
 * the guide): a proposer sends one proposal per target on `agents.{env}.a2a.negotiate.{agent}`
 * in seed 002's envelope, collects `{accept, terms | reason}` answers on its inbox by
 * `correlationId` until the deadline, and decides by the topology's rule (negotiation-state.ts).
 * Answers after the close are recorded as late and change nothing.
 *
 * It runs on every profile: the negotiation always speaks seed 002's envelope and subject, which
 * is where seed 002 defines it; only the request that starts it uses the topology's profile.
 *
 * Who takes part: an agent with `pattern.negotiate` negotiates for every request it gets and
 * replies with the outcome (text, and `metadata.negotiation` with every response); an agent
 * with `pattern.accept` answers proposals by its scripted rule. An LLM-driven agent takes part
 * the same way (its role's requests start a negotiation; its `accept` rule answers). Letting the
 * model itself propose (a built-in `negotiate` tool calling {@link negotiateWithAgents}) or
 * answer (the proposal as a prompt, `{accept, terms|reason}` as its structured reply) is the next
 * step and not built: a scripted rule keeps offline topologies deterministic.
 */
import { randomUUID } from 'node:crypto';
import { createInbox, type Msg } from '@nats-io/transport-node';
import { decodeJson } from '../../protocol/codec.js';
import { SEED_002_VERSION, seed002Subjects, Seed002MessageSchema, type Seed002Message, type Seed002MessageInput } from '../../protocol/seed-002.js';
import { NegotiationAnswerContentSchema, NegotiationProposalContentSchema, type NegotiationDecision } from '../../protocol/seed-002-negotiation.js';
import { inboxPrefixOf } from '../../protocol/subjects.js';
import type { AgentHandle } from '../../tools/agent-handle.js';
import type { MessageHandler } from '../agent.js';
import type { AgentSpec } from '../network.js';
import { answerProposal, isClosed, startNegotiation, stepNegotiation, type AcceptRule, type NegotiationAnswer, type NegotiationInput, type NegotiationState, type TermPreference } from './negotiation-state.js';

/** A proposer's settings (the topology's `pattern.negotiate`). */
export interface NegotiateSettings {
  with: string[];
  type: string;
  decision: NegotiationDecision;
  prefer?: TermPreference | undefined;
  timeoutMs: number;
  proposal: Record<string, unknown>;
  constraints: Record<string, unknown>;
}

/** Late answers are still listened for this long after the deadline (at most), then the inbox closes. */
const LATE_WINDOW_MAX_MS = 30_000;

/** A seed-002 envelope from `agent` (the guide's field names). */
function envelope(agent: string, type: Seed002Message['type'], content: unknown, fields: Partial<Seed002MessageInput> = {}): Seed002MessageInput {
  return { id: randomUUID(), timestamp: Date.now() / 1000, version: SEED_002_VERSION, type, source: { id: agent, type: 'agent' }, payload: { content }, ...fields };
}

/**
 * `negotiate_with_agents`: proposes to every target, resolves with the closed state (finalized or
 * failed, every response recorded) by the deadline at the latest. Emits negotiation.proposed,
 * .answered (also for late answers, after it resolved) and .finished.
 */
export function negotiateWithAgents(agent: AgentHandle, environment: string, settings: NegotiateSettings): Promise<NegotiationState> {
  const nc = agent.connection;
  const events = agent.events;
  const id = `neg-${randomUUID().slice(0, 8)}`;
  let state = startNegotiation({ id, type: settings.type, targets: settings.with, decision: settings.decision, prefer: settings.prefer ?? null, startedAt: Date.now(), timeoutMs: settings.timeoutMs });
  // One reply subject per target under one wildcard subscription: the trace pairs each proposal with its own answer.
  const inbox = createInbox(inboxPrefixOf(agent.name));
  const targetOf = new Map<string, string>(); // proposal id → target: answers correlate by correlationId
  return new Promise((resolve) => {
    let finished = false;
    const apply = (input: NegotiationInput) => {
      const before = state;
      state = stepNegotiation(state, input);
      if (input.kind === 'answer' && state !== before) {
        const late = state.late.length > before.late.length;
        const { answer } = input;
        events.emit('negotiation.answered', {
          agent: agent.name,
          negotiationId: id,
          from: input.from,
          accept: answer.accept,
          terms: answer.accept ? answer.terms : null,
          reason: answer.accept ? null : answer.reason,
          afterMs: input.at - state.startedAt,
          late,
        });
      }
      if (!finished && isClosed(state)) {
        finished = true;
        clearTimeout(timer);
        events.emit('negotiation.finished', { agent: agent.name, negotiationId: id, state: state.phase === 'finalized' ? 'finalized' : 'failed', reason: state.reason, selected: state.selected, responses: state.responses });
        resolve(state);
        // Listen on for late answers only when someone has not answered.
        if (Object.values(state.responses).some((r) => r.status === 'timed-out')) {
          setTimeout(() => sub.unsubscribe(), Math.min(settings.timeoutMs, LATE_WINDOW_MAX_MS)).unref?.();
        } else sub.unsubscribe();
      }
    };
    const sub = nc.subscribe(`${inbox}.*`, {
      callback: (error, msg) => {
        if (error) return;
        const answer = decodeAnswer(msg, targetOf, id);
        if (!answer.ok) {
          events.emit('message.invalid', { agent: agent.name, subject: msg.subject, reason: answer.reason, preview: msg.string().slice(0, 200) });
          return;
        }
        apply({ kind: 'answer', from: answer.from, answer: answer.answer, at: Date.now() });
      },
    });
    const timer = setTimeout(() => apply({ kind: 'deadline', at: state.deadline }), settings.timeoutMs);
    events.emit('negotiation.proposed', {
      agent: agent.name,
      negotiationId: id,
      type: settings.type,
      with: [...settings.with],
      decision: settings.decision,
      proposal: settings.proposal,
      constraints: settings.constraints,
      deadline: state.deadline,
    });
    // `text` is what a reader of the bus sees (the trace's content column, a sequence diagram's arrow); the rest is the negotiation.
    const content = { text: `negotiation ${id} (${settings.type}): ${pairs(settings.proposal)}${Object.keys(settings.constraints).length ? `; constraints ${pairs(settings.constraints)}` : ''}`, negotiation: { id, type: settings.type, proposal: settings.proposal, constraints: settings.constraints, deadline: state.deadline } };
    for (const target of settings.with) {
      const replyTo = `${inbox}.${target}`;
      // The negotiation id is the conversation: the trace threads proposals and answers by it.
      const proposal = envelope(agent.name, 'query', content, { target, replyTo, context: { conversationId: id, metadata: {} }, routing: { priority: 5, capabilities: [], timeout: settings.timeoutMs } });
      targetOf.set(proposal.id, target);
      nc.publish(seed002Subjects.negotiate(environment, target), JSON.stringify(proposal), { reply: replyTo });
    }
    apply({ kind: 'sent', at: Date.now() });
  });
}

/** An answer on the proposer's inbox: who (by the proposal its correlationId names) and what. */
function decodeAnswer(msg: Msg, targetOf: ReadonlyMap<string, string>, id: string): { ok: true; from: string; answer: NegotiationAnswer } | { ok: false; reason: string } {
  const decoded = decodeJson(Seed002MessageSchema, msg.string());
  if (!decoded.ok) return decoded;
  const from = targetOf.get(decoded.value.correlationId ?? '');
  if (!from) return { ok: false, reason: `negotiation ${id}: the answer's correlationId (${decoded.value.correlationId ?? 'none'}) is no proposal of it` };
  const content = NegotiationAnswerContentSchema.safeParse(decoded.value.payload.content);
  if (!content.success) return { ok: false, reason: `negotiation ${id}: ${from}'s answer is not {accept: true, terms} or {accept: false, reason}` };
  const value = content.data;
  return { ok: true, from, answer: value.accept ? { accept: true, terms: value.terms } : { accept: false, reason: value.reason } };
}

/** `key=value, …` of a flat record (nested values as JSON), for the `text` of proposals and answers. */
function pairs(record: Record<string, unknown>): string {
  return Object.entries(record)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}

/** `register_a2a_handler` with a scripted rule: answers proposals to `agent` (replicas share them); returns how to stop. */
export function answerNegotiations(agent: AgentHandle, environment: string, rule: AcceptRule): () => Promise<void> {
  const nc = agent.connection;
  const sub = nc.subscribe(seed002Subjects.negotiate(environment, agent.name), {
    queue: agent.name,
    callback: (error, msg) => {
      if (error) return;
      const invalid = (reason: string) => agent.events.emit('message.invalid', { agent: agent.name, subject: msg.subject, reason, preview: msg.string().slice(0, 200) });
      const decoded = decodeJson(Seed002MessageSchema, msg.string());
      if (!decoded.ok) return invalid(decoded.reason);
      const proposal = NegotiationProposalContentSchema.safeParse(decoded.value.payload.content);
      if (!proposal.success) return invalid('not a negotiation proposal: payload.content needs negotiation { id, type, proposal, constraints, deadline }');
      const to = msg.reply ?? decoded.value.replyTo;
      if (!to) return invalid(`negotiation ${proposal.data.negotiation.id}: the proposal has no replyTo`);
      const answer = answerProposal(rule, proposal.data.negotiation.constraints);
      const id = proposal.data.negotiation.id;
      const text = answer.accept ? `accepts ${id}${Object.keys(answer.terms).length ? `: ${pairs(answer.terms)}` : ''}` : `declines ${id}: ${answer.reason}`;
      const content = { text, negotiation: { id }, ...answer };
      const context = { conversationId: decoded.value.context.conversationId ?? proposal.data.negotiation.id, metadata: {} };
      nc.publish(to, JSON.stringify(envelope(agent.name, 'result', content, { target: decoded.value.source.id, correlationId: decoded.value.id, context })));
    },
  });
  return async () => {
    if (!sub.isClosed()) sub.unsubscribe();
  };
}

/** The proposal and constraints of a request: its JSON `{proposal, constraints}` over the declared ones, else `{task: text}` added to the declared proposal. */
export function proposalOf(content: string, declared: Pick<NegotiateSettings, 'proposal' | 'constraints'>): Pick<NegotiateSettings, 'proposal' | 'constraints'> {
  try {
    const parsed: unknown = JSON.parse(content);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && ('proposal' in parsed || 'constraints' in parsed)) {
      const { proposal, constraints } = parsed as { proposal?: unknown; constraints?: unknown };
      const record = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
      return { proposal: { ...declared.proposal, ...record(proposal) }, constraints: { ...declared.constraints, ...record(constraints) } };
    }
  } catch {
    // Plain text: the task itself.
  }
  return { proposal: { ...declared.proposal, task: content }, constraints: declared.constraints };
}

/** One line of the outcome, then one per target: what the proposer replies. */
export function outcomeText(state: NegotiationState): string {
  const head = state.phase === 'finalized' ? `Negotiation ${state.id} (${state.type}, ${state.decision}) finalized: ${state.selected.join(', ')} selected.` : `Negotiation ${state.id} (${state.type}, ${state.decision}) failed: ${state.reason ?? 'unknown reason'}.`;
  const lines = state.targets.map((t) => {
    const r = state.responses[t];
    if (!r || r.status === 'timed-out') return `- ${t}: no answer before the deadline`;
    return r.status === 'accepted' ? `- ${t}: accepted ${JSON.stringify(r.terms)}` : `- ${t}: declined (${r.reason})`;
  });
  return [head, ...lines].join('\n');
}

/** A proposer's handler: each request starts a negotiation and is answered with its outcome; other messages go to `inner`. */
export function proposerHandler(environment: string, settings: NegotiateSettings, inner: MessageHandler | null): MessageHandler {
  return async (message, context) => {
    if (message.message_type !== 'request') return inner ? inner(message, context) : undefined;
    const state = await negotiateWithAgents(context.agent, environment, { ...settings, ...proposalOf(message.content, settings) });
    return {
      content: outcomeText(state),
      metadata: { negotiation: { id: state.id, state: state.phase, reason: state.reason, selected: state.selected, responses: state.responses } },
    };
  };
}

/** The topology's negotiation fields applied to an agent's spec: the proposer's handler, the responder's subscription. */
export function withNegotiation(spec: AgentSpec, environment: string, pattern: { negotiate?: NegotiateSettings | undefined; accept?: AcceptRule | undefined }): AgentSpec {
  const { negotiate, accept } = pattern;
  let next = spec;
  if (negotiate) {
    const behaviour = spec.behaviour;
    next = { ...next, behaviour: (ooda, services) => proposerHandler(environment, negotiate, behaviour ? behaviour(ooda, services) : ooda) };
  }
  if (accept) {
    const started = spec.onStarted;
    next = {
      ...next,
      onStarted: async (agent, handler, services) => {
        const undoStarted = started ? await started(agent, handler, services) : null;
        const stop = answerNegotiations(agent, environment, accept);
        return async () => {
          await stop();
          await undoStarted?.();
        };
      },
    };
  }
  return next;
}
