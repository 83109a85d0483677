/**
 * Seed 002's A2A negotiation as pure functions: the proposer's state machine (proposed →
 * collecting → finalized | failed), its decision rules, and a scripted responder's rule. No I/O
 * and no clock: the runtime (negotiation.ts) feeds in times, so every path is unit-tested.
 */
import type { NegotiationDecision, NegotiationValue } from '../../protocol/seed-002-negotiation.js';

/** Where a negotiation stands. */
export type NegotiationPhase = 'proposed' | 'collecting' | 'finalized' | 'failed';

/** An answer as its responder sent it (the guide's handler return value). */
export type NegotiationAnswer = { accept: true; terms: Record<string, unknown> } | { accept: false; reason: string };

/** One target's recorded response; `afterMs` is counted from the proposal. */
export type NegotiationResponse =
  | { status: 'accepted'; terms: Record<string, unknown>; afterMs: number }
  | { status: 'declined'; reason: string; afterMs: number }
  | { status: 'timed-out' };

/** An answer that came after the negotiation closed: recorded, never counted. */
export interface LateAnswer {
  from: string;
  answer: NegotiationAnswer;
  afterMs: number;
}

/** With `best-terms`: the term that ranks accepted offers, lowest or highest first. */
export interface TermPreference {
  term: string;
  order: 'lowest' | 'highest';
}

/** One negotiation as the proposer sees it. Times are epoch milliseconds. */
export interface NegotiationState {
  id: string;
  type: string;
  targets: readonly string[];
  decision: NegotiationDecision;
  prefer: TermPreference | null;
  startedAt: number;
  deadline: number;
  phase: NegotiationPhase;
  /** Every target's response once closed (`timed-out` for those that never answered in time). */
  responses: Record<string, NegotiationResponse>;
  late: LateAnswer[];
  /** Who the outcome picked: the accepting agents, or the best offer's agent for `best-terms`. */
  selected: string[];
  /** Why it failed (null while open or when finalized). */
  reason: string | null;
}

/** What moves a negotiation: its proposals went out, an answer came, the deadline passed. */
export type NegotiationInput = { kind: 'sent'; at: number } | { kind: 'answer'; from: string; answer: NegotiationAnswer; at: number } | { kind: 'deadline'; at: number };

/** A new negotiation, before its proposals are sent. */
export function startNegotiation(init: { id: string; type: string; targets: readonly string[]; decision: NegotiationDecision; prefer?: TermPreference | null; startedAt: number; timeoutMs: number }): NegotiationState {
  return {
    id: init.id,
    type: init.type,
    targets: [...init.targets],
    decision: init.decision,
    prefer: init.prefer ?? null,
    startedAt: init.startedAt,
    deadline: init.startedAt + init.timeoutMs,
    phase: 'proposed',
    responses: {},
    late: [],
    selected: [],
    reason: null,
  };
}

/** True once the negotiation is finalized or failed. */
export const isClosed = (state: NegotiationState): boolean => state.phase === 'finalized' || state.phase === 'failed';

/**
 * The next state. An answer from an agent not asked, or a second answer from one that already
 * answered (a replica), changes nothing; an answer after the deadline closes the negotiation
 * first (the deadline passed, whether or not its timer fired yet) and is then recorded as late.
 */
export function stepNegotiation(state: NegotiationState, input: NegotiationInput): NegotiationState {
  switch (input.kind) {
    case 'sent':
      return state.phase === 'proposed' ? { ...state, phase: 'collecting' } : state;
    case 'deadline':
      return isClosed(state) || input.at < state.deadline ? state : close(state);
    case 'answer': {
      if (!state.targets.includes(input.from)) return state;
      const afterMs = input.at - state.startedAt;
      const current = !isClosed(state) && input.at > state.deadline ? close(state) : state;
      if (isClosed(current)) {
        if (current.late.some((l) => l.from === input.from) || current.responses[input.from]?.status !== 'timed-out') return current;
        return { ...current, late: [...current.late, { from: input.from, answer: input.answer, afterMs }] };
      }
      if (current.responses[input.from]) return current;
      const response: NegotiationResponse = input.answer.accept ? { status: 'accepted', terms: input.answer.terms, afterMs } : { status: 'declined', reason: input.answer.reason, afterMs };
      const next = { ...current, phase: 'collecting' as const, responses: { ...current.responses, [input.from]: response } };
      // Everyone answered: no reason to wait for the deadline.
      return next.targets.every((t) => next.responses[t]) ? close(next) : next;
    }
  }
}

/** Closes: every target without an answer is recorded as timed out, then the decision rule decides. */
function close(state: NegotiationState): NegotiationState {
  const responses: Record<string, NegotiationResponse> = {};
  for (const target of state.targets) responses[target] = state.responses[target] ?? { status: 'timed-out' };
  const outcome = decideNegotiation(state.decision, state.targets, responses, state.prefer, state.deadline - state.startedAt);
  return { ...state, responses, phase: outcome.ok ? 'finalized' : 'failed', selected: outcome.selected, reason: outcome.ok ? null : outcome.reason };
}

/** The outcome of a closed negotiation under `decision`. */
export function decideNegotiation(
  decision: NegotiationDecision,
  targets: readonly string[],
  responses: Readonly<Record<string, NegotiationResponse>>,
  prefer: TermPreference | null,
  timeoutMs: number,
): { ok: true; selected: string[] } | { ok: false; selected: []; reason: string } {
  const accepted = targets.filter((t) => responses[t]?.status === 'accepted');
  const fail = (why: string) => ({ ok: false as const, selected: [] as [], reason: `${why}: ${others(targets, responses)}` });
  if (targets.every((t) => (responses[t]?.status ?? 'timed-out') === 'timed-out')) {
    return { ok: false, selected: [], reason: `nobody answered before the deadline (${timeoutMs} ms): ${targets.join(', ')} timed out` };
  }
  switch (decision) {
    case 'all-accept':
      return accepted.length === targets.length ? { ok: true, selected: accepted } : fail('all-accept: not every agent accepted');
    case 'any-accept':
      return accepted.length > 0 ? { ok: true, selected: accepted } : fail('any-accept: no agent accepted');
    case 'majority': {
      const needed = Math.floor(targets.length / 2) + 1;
      return accepted.length >= needed ? { ok: true, selected: accepted } : fail(`majority: ${accepted.length} of ${targets.length} accepted (${needed} needed)`);
    }
    case 'best-terms':
      return accepted.length > 0 ? { ok: true, selected: [bestOffer(accepted, responses, prefer)] } : fail('best-terms: no agent accepted');
  }
}

/** The accepted offer ranked first by `prefer` (numeric term; missing ranks last; ties keep target order). */
function bestOffer(accepted: readonly string[], responses: Readonly<Record<string, NegotiationResponse>>, prefer: TermPreference | null): string {
  if (!prefer) return accepted[0]!;
  const value = (agent: string) => {
    const response = responses[agent];
    const v = response?.status === 'accepted' ? response.terms[prefer.term] : undefined;
    return typeof v === 'number' ? (prefer.order === 'lowest' ? v : -v) : Number.POSITIVE_INFINITY;
  };
  return [...accepted].sort((a, b) => value(a) - value(b))[0]!;
}

/** "b declined (too busy); c timed out": what the agents that did not accept said. */
function others(targets: readonly string[], responses: Readonly<Record<string, NegotiationResponse>>): string {
  return targets
    .flatMap((t) => {
      const r = responses[t];
      if (!r || r.status === 'timed-out') return [`${t} timed out`];
      return r.status === 'declined' ? [`${t} declined (${r.reason})`] : [];
    })
    .join('; ');
}

/** A scripted responder's rule (the topology's `pattern.accept`). */
export interface AcceptRule {
  /** `constraints-met`: accept when its terms meet every constraint they can be checked against. */
  when: 'constraints-met' | 'always' | 'never';
  terms: Record<string, NegotiationValue>;
  /** Said when it declines (with the unmet constraint after it, for `constraints-met`). */
  reason?: string | undefined;
}

/**
 * The answer a scripted responder gives. Constraints follow the guide's example (`max_cost`,
 * `required_accuracy`): `max_X` needs term X at most the value, `min_X` and `required_X` at least
 * (equal for non-numbers); another key with a term of the same name needs it equal; the rest is
 * information only.
 */
export function answerProposal(rule: AcceptRule, constraints: Readonly<Record<string, unknown>>): NegotiationAnswer {
  if (rule.when === 'never') return { accept: false, reason: rule.reason ?? 'declines every proposal' };
  if (rule.when === 'always') return { accept: true, terms: { ...rule.terms } };
  for (const [key, wanted] of Object.entries(constraints)) {
    const unmet = unmetConstraint(key, wanted, rule.terms);
    if (unmet) return { accept: false, reason: rule.reason ? `${rule.reason} (${unmet})` : unmet };
  }
  return { accept: true, terms: { ...rule.terms } };
}

/** Why `terms` do not meet the constraint `key: wanted`, else null. */
function unmetConstraint(key: string, wanted: unknown, terms: Readonly<Record<string, NegotiationValue>>): string | null {
  const bound = /^(max|min|required)_(.+)$/.exec(key);
  if (!bound) return key in terms && terms[key] !== wanted ? `${key} ${String(terms[key])} is not ${String(wanted)}` : null;
  const [, kind, term] = bound as unknown as [string, 'max' | 'min' | 'required', string];
  const offered = terms[term];
  if (offered === undefined) return `offers no ${term} for ${key} ${String(wanted)}`;
  if (typeof offered !== 'number' || typeof wanted !== 'number') return offered === wanted ? null : `${term} ${String(offered)} is not ${key} ${String(wanted)}`;
  if (kind === 'max') return offered <= wanted ? null : `${term} ${offered} is above ${key} ${wanted}`;
  return offered >= wanted ? null : `${term} ${offered} is below ${key} ${wanted}`;
}
