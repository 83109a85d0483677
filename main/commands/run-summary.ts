/** One line per runtime event for `switchboard run`: what a person watching a run wants to see. */
import { OodaActOutputSchema, type RuntimeEventName, type RuntimeEvents } from '../../agents/protocol/runtime-events.js';

const clip = (text: string, n = 80) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > n ? `${flat.slice(0, n - 1)}…` : flat;
};

/** What an event prints: the agent it is about and the text, or null to stay quiet this time. */
type Line = readonly [agent: string, text: string] | null;

// One entry per event worth a line; the mapped type hands each its own payload type. Events without
// one (sent messages, announcements, resumes, tool calls) are in the trace, not the console.
const LINES: { [N in RuntimeEventName]?: (event: RuntimeEvents[N]) => Line } = {
  'agent.started': (e) => [e.agent, `started (${e.instance}) on ${e.subjects.join(', ')}`],
  'agent.stopped': (e) => [e.agent, 'stopped'],
  'message.received': (e) => [e.agent, `← ${e.message.message_type} from ${e.message.from_agent}: ${clip(e.message.content)}`],
  'message.invalid': (e) => [e.agent, `✗ invalid message on ${e.subject}: ${clip(e.reason)}`],
  'handler.failed': (e) => [e.agent, `✗ failed: ${clip(e.error)}`],
  'batch.formed': (e) => [e.agent, `batch of ${e.members.length} → one run ${e.runId.slice(0, 8)} (from ${[...new Set(e.members.map((m) => m.from))].join(', ')})`],
  'ooda.phase': (e) => (e.phase === 'act' ? [e.agent, `act (turn ${e.turn}) ${describeAct(e.output)} ${e.durationMs.toFixed(1)} ms`] : null),
  'llm.call': (e) => {
    const usage = e.response ? `${e.response.usage.inputTokens}+${e.response.usage.outputTokens} tokens` : `error: ${clip(e.error ?? '', 60)}`;
    return [e.agent, `llm ${e.provider}/${e.model} ${usage} ${e.latencyMs.toFixed(0)} ms`];
  },
  'ooda.paused': (e) => [e.agent, `⏸ paused before ${e.phase} (turn ${e.turn}${e.cause ? `, ${e.cause.detail ?? e.cause.reason}` : ''})`],
  'budget.exceeded': (e) => [e.agent, `✗ budget ${e.budget} exceeded (${e.used} > ${e.limit})`],
  'evaluation.judged': (e) => [e.agent, `${e.verdict === 'pass' ? '✓' : '✗'} evaluation round ${e.round} by ${e.evaluator}: ${e.verdict}${e.feedback ? ` (${clip(e.feedback, 100)})` : ''} → ${e.next === 'send_unapproved' ? `sent unapproved: ${clip(e.reason ?? '', 100)}` : e.next}`],
  'run.completed': (e) => [e.agent, e.status === 'completed' ? `✓ replied after ${e.turns} turn(s), ${e.tokens} tokens: ${clip(e.reply)}` : `✗ run failed: ${clip(e.error ?? '')}`],
  'replay.diverged': (e) => [e.agent, `✗ replay diverged at ${e.kind === 'llm' ? 'decision' : e.kind === 'tool' ? 'tool call' : 'memory consolidation'} ${e.call}`],
  'workflow.started': (e) => [e.agent, `workflow ${e.workflow} ${e.workflowId} started: ${e.steps.join(' → ')}`],
  'workflow.resumed': (e) => [e.agent, `↻ workflow ${e.workflow} ${e.workflowId} resumed at ${e.step} (attempt ${e.attempt}${e.interrupted ? ', interrupted before' : ''}); ${e.done.length} step(s) already done${e.done.length ? `: ${e.done.join(', ')}` : ''}`],
  'workflow.stepStarted': (e) => [e.agent, `workflow ${e.workflow} ${e.workflowId}: step ${e.step} (attempt ${e.attempt})`],
  'workflow.stepFinished': (e) => [e.agent, e.status === 'completed' ? `workflow ${e.workflow} ${e.workflowId}: ✓ step ${e.step}: ${clip(e.result ?? '')}` : `workflow ${e.workflow} ${e.workflowId}: ✗ step ${e.step} attempt ${e.attempt}: ${clip(e.error ?? '')}`],
  'workflow.finished': (e) => [e.agent, `✓ workflow ${e.workflow} ${e.workflowId} finished: ${clip(e.result)}`],
  'workflow.failed': (e) => [e.agent, `✗ workflow ${e.workflow} ${e.workflowId} failed: ${clip(e.reason, 160)}`],
  'negotiation.proposed': (e) => [e.agent, `negotiation ${e.negotiationId} (${e.type}, ${e.decision}) proposed to ${e.with.join(', ')}`],
  'negotiation.answered': (e) => [e.agent, `negotiation ${e.negotiationId}: ${e.from} ${e.accept ? `accepted ${clip(JSON.stringify(e.terms ?? {}), 60)}` : `declined: ${clip(e.reason ?? '')}`}${e.late ? ` (late, ${e.afterMs} ms: not counted)` : ''}`],
  'negotiation.finished': (e) => [e.agent, e.state === 'finalized' ? `✓ negotiation ${e.negotiationId} finalized: ${e.selected.join(', ')} selected` : `✗ negotiation ${e.negotiationId} failed: ${clip(e.reason ?? '', 160)}`],
  'replay.forked': (e) => [e.agent, `⑂ forked at decision ${e.turn}: ${e.decision.toolCalls.length ? `tools ${e.decision.toolCalls.map((c) => c.name).join(', ')}` : clip(e.decision.text)}`],
};

/** The summary line of an event, or null for events too chatty to print. */
export function summarize<E extends RuntimeEventName>(name: E, payload: RuntimeEvents[E], now: Date = new Date()): string | null {
  const line = LINES[name]?.(payload);
  if (!line) return null;
  return `${now.toISOString().slice(11, 23)} ${line[0].padEnd(18)} ${line[1]}`;
}

/** Act's output in a few words: a reply, or the tools it called (✗ for those that failed). */
function describeAct(output: unknown): string {
  // `ooda.phase` carries each phase's output as unknown; Act's has a schema, checked here (console path, one per turn).
  const act = OodaActOutputSchema.safeParse(output);
  if (!act.success) return 'done';
  if (act.data.reply !== null) return 'reply';
  return `tools ${act.data.toolResults.map((r) => `${r.name}${r.isError ? ' ✗' : ''}`).join(', ')}`;
}
