/**
 * Seed 002's discovery, the agent's side: every agent of a seed-002 topology answers requests on
 * `agents.{env}.discovery.requests` with a `result` (correlationId = the request's id) describing
 * itself in the fields Switchboard's own discovery reads (agents/interop/discovery/parse.ts):
 * agent_id, agent_type, status, capabilities, description, instance. The answer goes to the NATS
 * reply inbox when there is one, else to the request's `replyTo`, else to
 * `agents.{env}.discovery.responses` (the guide's broadcast answer).
 */
import type { Subscription } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import { SEED_002_VERSION, seed002Subjects, type Seed002Message } from '../protocol/seed-002.js';
import { isSubject } from '../protocol/subjects.js';
import type { Agent } from './agent.js';
import { decodeSeed002Envelope } from './seed-002-wire.js';

/** Subscribes `agent` to `subject` (its profile's discovery subject); returns the undo. */
export function answerSeed002Discovery(agent: Agent, subject: string): () => Promise<void> {
  const nc = agent.connection;
  const env = subject.split('.')[1] ?? '';
  const sub: Subscription = nc.subscribe(subject, {
    callback: (error, msg) => {
      if (error) return;
      const text = msg.string();
      const decoded = decodeSeed002Envelope(text);
      if (!decoded.ok) {
        agent.events.emit('message.invalid', { agent: agent.name, subject: msg.subject, reason: decoded.reason, preview: text.slice(0, 200) });
        return;
      }
      const request = decoded.value;
      const to = msg.reply ?? (request.replyTo && isSubject(request.replyTo) ? request.replyTo : seed002Subjects.discoveryResponses(env));
      try {
        nc.publish(to, JSON.stringify(discoveryAnswer(agent, request)));
      } catch {
        // a closing connection: the next request is answered by the next start
      }
    },
  });
  return async () => {
    if (!sub.isClosed()) sub.unsubscribe();
  };
}

/** The `result` an agent answers a discovery request with. */
export function discoveryAnswer(agent: Agent, request: Seed002Message): Seed002Message {
  const metadata = agent.metadata('available');
  return {
    id: randomUUID(),
    timestamp: Date.now() / 1000,
    version: SEED_002_VERSION,
    type: 'result',
    source: { id: agent.name, type: 'agent' },
    target: request.source.id,
    correlationId: request.id,
    context: { metadata: {} },
    payload: {
      content: {
        agent_id: agent.name,
        agent_type: 'switchboard',
        status: metadata.status,
        capabilities: metadata.capabilities,
        description: metadata.description,
        instance: agent.instance,
        version: metadata.version,
      },
    },
    routing: { priority: 5, capabilities: [] },
  };
}
