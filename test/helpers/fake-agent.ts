// An agent behind the narrow interface tools and handlers see (agents/tools/agent-handle.ts), for
// running handlers (the OODA loop, the batcher) without NATS: it has a name and events only.
import type { AgentMetadata } from '../../agents/protocol/agent-message.js';
import { RuntimeEventBus } from '../../agents/protocol/runtime-events.js';
import type { AgentHandle } from '../../agents/tools/agent-handle.js';

/** An agent that only has a name and events: messaging it is a test failure. */
export function fakeAgent(name: string, events = new RuntimeEventBus()): AgentHandle {
  const unreachable = () => Promise.reject(new Error(`${name} has no network in this test.`));
  return {
    name,
    instance: 'r1',
    events,
    get connection(): never {
      throw new Error(`${name} has no NATS connection in this test.`);
    },
    metadata: (status): AgentMetadata => ({
      name,
      description: 'a weather specialist',
      capabilities: ['weather_lookup'],
      tools: [],
      status,
      model: 'scripted',
      version: '1.0.0',
      registered_at: '2026-01-01T00:00:00.000Z',
      last_heartbeat: '2026-01-01T00:00:00.000Z',
    }),
    send: unreachable,
    request: unreachable,
    handoff: unreachable,
    broadcast: unreachable,
  };
}
