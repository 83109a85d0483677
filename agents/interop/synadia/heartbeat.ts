/**
 * The Synadia Agent Protocol heartbeat of a served agent (§8): the §8.3 payload, published on
 * `agents.hb.{agent}.{owner}.{name}` right after registration (so a caller that discovers it sees
 * it alive at once, §8.5) and every `interval_s` after; the `status` endpoint answers the same
 * payload.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { synadiaSubjects, type SynadiaHeartbeat, type SynadiaIdentity } from '../../protocol/synadia.js';
import type { Clock } from '../../runtime/clock.js';

/** The §8.3 payload of one instance, now. */
export function synadiaHeartbeat(identity: SynadiaIdentity, instanceId: string, intervalS: number, nowMs: number): SynadiaHeartbeat {
  return { agent: identity.agent, owner: identity.owner, instance_id: instanceId, ts: new Date(nowMs).toISOString(), interval_s: intervalS };
}

/** Publishes heartbeats until the returned function is called. */
export function startSynadiaHeartbeat(nc: NatsConnection, identity: SynadiaIdentity, instanceId: string, intervalS: number, clock: Clock): () => void {
  const subject = synadiaSubjects(identity).heartbeat;
  const beat = () => {
    if (nc.isClosed()) return;
    try {
      nc.publish(subject, JSON.stringify(synadiaHeartbeat(identity, instanceId, intervalS, clock.now())));
    } catch {
      // A beat missed while the connection is closing; liveness allows three missed.
    }
  };
  beat();
  const timer = clock.setInterval(beat, intervalS * 1000);
  return () => clock.clear(timer);
}
