/**
 * The gist of an event in one short line, for the trace table's subject column (events are not on
 * the wire, so that column is free): what a reader scanning rows needs before opening the detail —
 * who was called and what was stripped, a verdict, a negotiation's outcome, where a workflow went
 * on after a crash, how many requests a batch run took. Pure; isomorphic.
 */
import type { Stripped } from '../protocol/protocol-gateway.js';
import type { EventRecord } from './record.js';

const clip = (text: string, max = 80) => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "stripped 2 emails, 1 phone" (kinds and counts only; never values), or "" when nothing was. */
export function strippedText(stripped: readonly Stripped[]): string {
  if (stripped.length === 0) return '';
  const byKind = new Map<string, number>();
  for (const s of stripped) byKind.set(s.kind, (byKind.get(s.kind) ?? 0) + s.count);
  const words: Record<string, string> = { email: 'e-mail', phone: 'phone number', card: 'card number', field: 'field' };
  return `stripped ${[...byKind].map(([kind, n]) => plural(n, words[kind] ?? kind)).join(', ')}`;
}

/** The gist of `record`, or null when its name and agent say it all. */
export function eventGist(record: EventRecord): string | null {
  switch (record.name) {
    case 'batch.formed':
      return `batch of ${record.payload.members.length} → one run ${record.payload.runId}`;
    case 'protocol.a2a.request':
    case 'protocol.mcp.request': {
      const p = record.payload;
      const arrow = p.direction === 'outbound' ? `→ ${p.peer}` : `← ${p.peer}`;
      return [`${arrow}${p.operation ? ` ${p.operation}` : ''}`, strippedText(p.stripped)].filter(Boolean).join(' · ');
    }
    case 'protocol.a2a.response':
    case 'protocol.mcp.response': {
      const p = record.payload;
      // Inbound: our agent answered a peer's call (served over A2A); outbound: the peer answered ours.
      return [`${p.direction === 'inbound' ? `answered ${p.peer}` : p.peer}: ${p.state}`, `${Math.round(p.durationMs)} ms`, p.error ? clip(p.error, 60) : null].filter(Boolean).join(' · ');
    }
    case 'workflow.started':
      return `${record.payload.workflow} ${record.payload.workflowId}: ${record.payload.steps.join(' → ')}`;
    case 'workflow.resumed': {
      const p = record.payload;
      return `${p.workflow} ${p.workflowId} resumed at ${p.step} (${p.done.length === 0 ? 'nothing done yet' : `${p.done.join(', ')} done, not redone`})${p.interrupted ? ' after a crash' : ''}`;
    }
    case 'workflow.stepStarted':
      return `${record.payload.workflow} step ${record.payload.step}${record.payload.attempt > 1 ? `, attempt ${record.payload.attempt}` : ''}`;
    case 'workflow.stepFinished': {
      const p = record.payload;
      return `${p.workflow} step ${p.step} ${p.status}${p.error ? `: ${clip(p.error, 60)}` : ''}`;
    }
    case 'workflow.finished':
      return `${record.payload.workflow} ${record.payload.workflowId} finished`;
    case 'workflow.failed':
      return `${record.payload.workflow} failed at ${record.payload.step} after ${plural(record.payload.attempts, 'attempt')}: ${clip(record.payload.reason, 60)}`;
    case 'evaluation.judged': {
      const p = record.payload;
      const next = p.next === 'send' ? 'sent' : p.next === 'revise' ? 'revising' : 'sent unapproved';
      return `round ${p.round}: ${p.verdict} by ${p.evaluator} → ${next}${p.verdict === 'pass' ? '' : ` · ${clip(p.feedback, 60)}`}`;
    }
    case 'negotiation.proposed':
      return `${record.payload.type} proposed to ${record.payload.with.join(', ')} (${record.payload.decision})`;
    case 'negotiation.answered': {
      const p = record.payload;
      return `${p.from} ${p.accept ? 'accepted' : `declined: ${clip(p.reason ?? '', 50)}`}${p.late ? ' (late, not counted)' : ''}`;
    }
    case 'negotiation.finished': {
      const p = record.payload;
      const answers = Object.values(p.responses);
      const count = (status: string) => answers.filter((r) => r.status === status).length;
      const tally = [`${count('accepted')} accepted`, `${count('declined')} declined`, ...(count('timed-out') > 0 ? [`${count('timed-out')} silent`] : [])].join(', ');
      return p.state === 'finalized' ? `finalized${p.selected.length > 0 ? ` with ${p.selected.join(', ')}` : ''} · ${tally}` : `failed: ${clip(p.reason ?? '', 60)} · ${tally}`;
    }
    default:
      return null;
  }
}

/**
 * The id that ties an event to the other records of the same exchange (the bus request a gateway
 * call served, a workflow instance, a negotiation, a batch run) and what to call that exchange:
 * searching the trace for it finds them all. Null for events without one.
 */
export function exchangeOf(record: EventRecord): { what: string; id: string } | null {
  switch (record.name) {
    case 'protocol.a2a.request':
    case 'protocol.a2a.response':
    case 'protocol.mcp.request':
    case 'protocol.mcp.response':
      return record.payload.requestId ? { what: 'call', id: record.payload.requestId } : { what: 'call', id: record.payload.callId };
    case 'workflow.started':
    case 'workflow.resumed':
    case 'workflow.stepStarted':
    case 'workflow.stepFinished':
    case 'workflow.finished':
    case 'workflow.failed':
      return { what: 'workflow', id: record.payload.workflowId };
    case 'negotiation.proposed':
    case 'negotiation.answered':
    case 'negotiation.finished':
      return { what: 'negotiation', id: record.payload.negotiationId };
    case 'batch.formed':
      return { what: 'batch', id: record.payload.runId };
    default:
      return null;
  }
}

