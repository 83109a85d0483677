/**
 * Asking an agent that just started on another node of a cluster: its subscription reaches the
 * asker's server over a route a moment after it starts, and a request published before then finds
 * no responders (or, with a wildcard tap elsewhere, is dropped). So: ask until it answers.
 */
import type { AgentMessage } from '../../agents/protocol/agent-message.js';
import { AgentRequestError, type Agent } from '../../agents/runtime/agent.js';

/** `asker`'s request to `to`, asked again on no responders or a timeout, `attempts` times at most, each waiting `timeoutMs`. */
export async function askUntilAnswered(asker: Agent, to: string, content: string, { attempts = 10, timeoutMs = 1000 } = {}): Promise<AgentMessage> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await asker.request(to, content, { timeoutMs });
    } catch (error) {
      const unheard = error instanceof AgentRequestError && (error.code === 'no_responders' || error.code === 'timeout');
      if (!unheard || attempt >= attempts) throw error;
      if (error.code === 'no_responders') await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
