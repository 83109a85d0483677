/** One line per runtime event for `switchboard run`: what a person watching a run wants to see. */
import type { RuntimeEventName, RuntimeEvents } from '../../agents/runtime/events.js';

const clip = (text: string, n = 80) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > n ? `${flat.slice(0, n - 1)}…` : flat;
};

/** The summary line of an event, or null for events too chatty to print. */
export function summarize<E extends RuntimeEventName>(name: E, payload: RuntimeEvents[E]): string | null {
  const p = payload as RuntimeEvents[RuntimeEventName];
  const time = new Date().toISOString().slice(11, 23);
  const line = (agent: string, text: string) => `${time} ${agent.padEnd(18)} ${text}`;
  switch (name) {
    case 'agent.started': {
      const e = p as RuntimeEvents['agent.started'];
      return line(e.agent, `started (${e.instance}) on ${e.subjects.join(', ')}`);
    }
    case 'agent.stopped':
      return line((p as RuntimeEvents['agent.stopped']).agent, 'stopped');
    case 'message.received': {
      const e = p as RuntimeEvents['message.received'];
      return line(e.agent, `← ${e.message.message_type} from ${e.message.from_agent}: ${clip(e.message.content)}`);
    }
    case 'message.invalid': {
      const e = p as RuntimeEvents['message.invalid'];
      return line(e.agent, `✗ invalid message on ${e.subject}: ${clip(e.reason)}`);
    }
    case 'handler.failed': {
      const e = p as RuntimeEvents['handler.failed'];
      return line(e.agent, `✗ failed: ${clip(e.error)}`);
    }
    case 'ooda.phase': {
      const e = p as RuntimeEvents['ooda.phase'];
      return e.phase === 'act' ? line(e.agent, `act (turn ${e.turn}) ${describeAct(e.output)} ${e.durationMs.toFixed(1)} ms`) : null;
    }
    case 'llm.call': {
      const e = p as RuntimeEvents['llm.call'];
      const usage = e.response ? `${e.response.usage.inputTokens}+${e.response.usage.outputTokens} tokens` : `error: ${clip(e.error ?? '', 60)}`;
      return line(e.agent, `llm ${e.provider}/${e.model} ${usage} ${e.latencyMs.toFixed(0)} ms`);
    }
    case 'ooda.paused': {
      const e = p as RuntimeEvents['ooda.paused'];
      return line(e.agent, `⏸ paused before ${e.phase} (turn ${e.turn})`);
    }
    case 'budget.exceeded': {
      const e = p as RuntimeEvents['budget.exceeded'];
      return line(e.agent, `✗ budget ${e.budget} exceeded (${e.used} > ${e.limit})`);
    }
    case 'run.completed': {
      const e = p as RuntimeEvents['run.completed'];
      return line(e.agent, e.status === 'completed' ? `✓ replied after ${e.turns} turn(s), ${e.tokens} tokens: ${clip(e.reply)}` : `✗ run failed: ${clip(e.error ?? '')}`);
    }
    default:
      return null; // sent messages, announcements, phase inputs: in the trace, not the console
  }
}

function describeAct(output: unknown): string {
  const o = output as { reply: string | null; toolResults: { name: string; isError: boolean }[] };
  if (o.reply !== null) return 'reply';
  return `tools ${o.toolResults.map((r) => `${r.name}${r.isError ? ' ✗' : ''}`).join(', ')}`;
}
