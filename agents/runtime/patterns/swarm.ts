/**
 * The leaderless swarm (seed 004, 1.2): a dispatcher broadcasts the task; peers deliberate in
 * rounds, each writing its contribution to the blackboard and broadcasting it to the others; a
 * finalizer watches the blackboard and assembles the answer once the swarm converges, or when a
 * turn, message or time budget stops it.
 */
import type { KV } from '@nats-io/kv';
import type { AgentMessage } from '../../protocol/agent-message.js';
import type { HandlerContext, MessageHandler } from '../agent.js';
import { defaultBuckets, type JetStreamBuckets } from '../jetstream-buckets.js';

/** What travels with a swarm's task (in `metadata.swarm`). */
interface SwarmTask {
  id: string;
  task: string;
  bucket: string;
  peers: string[];
  maxRounds: number;
  maxMessages: number;
  convergence: 'all' | 'majority' | 'first';
  deadline: number;
}

/** Settings of a dispatcher. */
export interface DispatcherSettings {
  peers: string[];
  finalizer: string;
  bucket: string;
  maxRounds: number;
  maxMessages: number;
  convergence: 'all' | 'majority' | 'first';
  timeoutMs: number;
}

/** The dispatcher: broadcasts the task, asks the finalizer for the answer, replies with it. */
export function dispatcherHandler(settings: DispatcherSettings): MessageHandler {
  return async (message, { agent }) => {
    if (message.message_type !== 'request') return undefined;
    // A coordinator delegating to this swarm sets a budget envelope; the tighter limit wins.
    const envelope = (message.metadata['budget'] ?? {}) as { maxTurns?: number; timeoutMs?: number; maxMessages?: number };
    const timeoutMs = Math.min(settings.timeoutMs, envelope.timeoutMs ?? Infinity);
    const swarm: SwarmTask = {
      id: `swarm-${message.message_id.replace(/[^A-Za-z0-9]/g, '').slice(0, 12)}`,
      task: message.content,
      bucket: settings.bucket,
      peers: settings.peers,
      maxRounds: Math.min(settings.maxRounds, envelope.maxTurns ?? Infinity),
      maxMessages: Math.min(settings.maxMessages, envelope.maxMessages ?? Infinity),
      convergence: settings.convergence,
      deadline: Date.now() + timeoutMs,
    };
    // The finalizer starts watching before the peers hear the task, so no contribution is missed.
    const answer = agent.request(settings.finalizer, message.content, { metadata: { swarm }, timeoutMs: timeoutMs + 5000 });
    await new Promise((r) => setTimeout(r, 20));
    await agent.broadcast(message.content, { swarm });
    const reply = await answer;
    return { content: reply.content, metadata: { swarm_id: swarm.id, stopped_by: reply.metadata['stopped_by'] ?? null } };
  };
}

/** A peer: answers swarm tasks in rounds (contributions to the blackboard), other messages with its OODA loop. */
export function peerBehaviour(ooda: MessageHandler, buckets: JetStreamBuckets = defaultBuckets): MessageHandler {
  const swarms = new Map<string, PeerState>();
  return async (message, context) => {
    const swarm = message.metadata['swarm'] as SwarmTask | undefined;
    const contribution = message.metadata['swarm_contribution'] as { id: string; round: number; peer: string } | undefined;
    const me = context.agent.name;
    if (swarm && message.message_type === 'broadcast') {
      if (!swarm.peers.includes(me) || swarms.has(swarm.id)) return undefined;
      const state: PeerState = { task: swarm, round: 0, busy: false, heard: new Map(), buckets };
      swarms.set(swarm.id, state);
      await advance(state, message, context, ooda);
      return undefined;
    }
    if (contribution && message.message_type === 'broadcast') {
      const state = swarms.get(contribution.id);
      if (!state || contribution.peer === me) return undefined;
      const round = state.heard.get(contribution.round) ?? new Map<string, string>();
      round.set(contribution.peer, message.content);
      state.heard.set(contribution.round, round);
      await advance(state, message, context, ooda);
      return undefined;
    }
    if (message.message_type === 'broadcast') return undefined;
    return ooda(message, context);
  };
}

interface PeerState {
  task: SwarmTask;
  /** The last round this peer contributed to (0: none yet). */
  round: number;
  /** True while contributions are being made: one at a time, rounds in order. */
  busy: boolean;
  /** What the other peers said, by round. */
  heard: Map<number, Map<string, string>>;
  /** Opens the swarm's blackboard (the network's replica policy). */
  buckets: JetStreamBuckets;
}

/**
 * Contributes every round that is due: round 1 at once, round N+1 once every other peer's round-N
 * contribution is in. Re-checked after each contribution, since others' may arrive meanwhile.
 */
async function advance(state: PeerState, trigger: AgentMessage, context: HandlerContext, ooda: MessageHandler): Promise<void> {
  if (state.busy) return; // the running loop re-checks before it ends
  state.busy = true;
  try {
    const others = state.task.peers.filter((p) => p !== context.agent.name);
    for (;;) {
      if (state.round >= state.task.maxRounds || Date.now() >= state.task.deadline) return;
      const heard = state.heard.get(state.round);
      if (state.round > 0 && !others.every((p) => heard?.has(p))) return;
      const views = heard ? [...heard.entries()].map(([peer, text]) => `- ${peer}: ${text}`).join('\n') : '';
      const input = state.round > 0 ? `${state.task.task}\n\nThe other peers said (round ${state.round}):\n${views}` : state.task.task;
      await contribute(state, input, trigger, context, ooda);
    }
  } finally {
    state.busy = false;
  }
}

/** One round: think, write to the blackboard, tell the other peers. */
async function contribute(state: PeerState, input: string, trigger: AgentMessage, context: HandlerContext, ooda: MessageHandler): Promise<void> {
  state.round++;
  const me = context.agent.name;
  const result = await ooda({ ...trigger, message_type: 'direct', content: input, metadata: { conversation_id: `${state.task.id}.${me}` } }, context);
  const text = typeof result === 'string' ? result : (result?.content ?? '');
  const kv = await bucketOf(state.buckets, context, state.task.bucket);
  await state.buckets.retry(() => kv.put(`${state.task.id}.${state.round}.${me}`, text));
  await context.agent.broadcast(text, { swarm_contribution: { id: state.task.id, round: state.round, peer: me } });
}

/** The finalizer: watches the swarm's contributions; assembles the answer at convergence or budget. */
export function finalizerHandler(ooda: MessageHandler, buckets: JetStreamBuckets = defaultBuckets): MessageHandler {
  return async (message, context) => {
    // Broadcasts (the task, the peers' contributions) are the peers' business: it reads the blackboard.
    if (message.message_type === 'broadcast') return undefined;
    const swarm = message.metadata['swarm'] as SwarmTask | undefined;
    if (!swarm) return ooda(message, context);
    const kv = await bucketOf(buckets, context, swarm.bucket);
    const contributions: { round: number; peer: string; text: string }[] = [];
    const watcher = await kv.watch({ key: `${swarm.id}.>` });
    let stoppedBy: 'converged' | 'max_messages' | 'max_rounds' | 'timeout' = 'timeout';
    const timer = setTimeout(() => watcher.stop(), Math.max(0, swarm.deadline - Date.now()));
    try {
      for await (const entry of watcher) {
        if (entry.operation !== 'PUT') continue;
        const [, round, peer] = entry.key.slice(swarm.id.length).split('.');
        contributions.push({ round: Number(round), peer: peer ?? '?', text: entry.string() });
        const verdict = check(swarm, contributions);
        if (verdict) {
          stoppedBy = verdict;
          break;
        }
      }
    } finally {
      clearTimeout(timer);
      watcher.stop();
    }
    if (contributions.length === 0) throw new Error(`Swarm ${swarm.id}: no peer contributed before the deadline.`);
    const lastRound = Math.max(...contributions.map((c) => c.round));
    const latest = contributions.filter((c) => c.round === lastRound);
    const input = `Task: ${swarm.task}\n\nContributions (round ${lastRound}, stopped: ${stoppedBy}):\n${latest.map((c) => `- ${c.peer}: ${c.text}`).join('\n')}`;
    const result = await ooda({ ...message, content: input, metadata: { conversation_id: swarm.id } }, context);
    const text = typeof result === 'string' ? result : (result?.content ?? '');
    return { content: text, metadata: { stopped_by: stoppedBy, contributions: contributions.length, rounds: lastRound } };
  };
}

/** Whether the swarm is done: converged, or out of messages or rounds. */
function check(swarm: SwarmTask, seen: { round: number; peer: string; text: string }[]): 'converged' | 'max_messages' | 'max_rounds' | null {
  if (swarm.convergence === 'first' && seen.length > 0) return 'converged';
  const lastRound = Math.max(...seen.map((c) => c.round));
  const latest = seen.filter((c) => c.round === lastRound);
  const roundComplete = swarm.peers.every((p) => latest.some((c) => c.peer === p));
  if (swarm.convergence === 'majority' && roundComplete) {
    const counts = new Map<string, number>();
    for (const c of latest) counts.set(c.text.trim().toLowerCase(), (counts.get(c.text.trim().toLowerCase()) ?? 0) + 1);
    if (Math.max(...counts.values()) > swarm.peers.length / 2) return 'converged';
  }
  if (roundComplete && lastRound >= swarm.maxRounds) return swarm.convergence === 'all' ? 'converged' : 'max_rounds';
  if (seen.length >= swarm.maxMessages) return 'max_messages';
  return null;
}

async function bucketOf(buckets: JetStreamBuckets, context: HandlerContext, bucket: string): Promise<KV> {
  return buckets.open(context.agent.connection, bucket, { history: 5 });
}
