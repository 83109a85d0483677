/**
 * The blackboard pattern (seed 004, 1.3): agents react to updates of shared entries (JetStream KV
 * watch) without an orchestrator. Each update starts one run of the agent's handler with the
 * entry as its input; what it writes back may start others (stigmergy).
 */
import type { Agent, MessageHandler } from '../agent.js';
import { defaultBuckets, type JetStreamBuckets } from '../jetstream-buckets.js';
import { newMessage } from '../wire.js';

/** One watched entry (key pattern) of a bucket. */
export interface Watch {
  blackboard: string;
  bucket: string;
  key: string;
}

/** Starts the watches of `agent`; returns the function that stops them. */
export async function startWatches(agent: Agent, handler: MessageHandler, watches: readonly Watch[], buckets: JetStreamBuckets = defaultBuckets): Promise<() => Promise<void>> {
  const stops: (() => void)[] = [];
  for (const watch of watches) {
    const kv = await buckets.open(agent.connection, watch.bucket, { history: 5 });
    const watcher = await buckets.retry(() => kv.watch({ key: watch.key, include: 'updates' }));
    stops.push(() => watcher.stop());
    void (async () => {
      for await (const entry of watcher) {
        if (entry.operation !== 'PUT') continue;
        const message = newMessage({
          message_type: 'direct',
          from_agent: `blackboard_${watch.blackboard}`,
          to_agent: agent.name,
          content: `${entry.key} = ${entry.string()}`,
          metadata: { blackboard: watch.blackboard, key: entry.key, revision: entry.revision, conversation_id: `${watch.blackboard}.${entry.key}` },
        });
        agent.events.emit('message.received', { agent: agent.name, subject: `$KV.${watch.bucket}.${entry.key}`, message });
        // A failed reaction is reported by the handler's own events; the watch goes on.
        await handler(message, { agent, subject: `$KV.${watch.bucket}.${entry.key}` }).catch((error: unknown) =>
          agent.events.emit('handler.failed', { agent: agent.name, messageId: message.message_id, error: error instanceof Error ? error.message : String(error) }),
        );
      }
    })();
  }
  return async () => stops.forEach((stop) => stop());
}
