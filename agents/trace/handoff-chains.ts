/** Handoff chains of a trace: A→B, B→C, … threaded by who last received the task. Isomorphic. */
import type { AgentMessage } from '../protocol/agent-message.js';
import { threadKeyOf } from './message-facts.js';
import type { MessageRecord } from './record.js';

/** One handoff of a chain. */
export interface HandoffHop {
  seq: number;
  mono: number;
  from: string;
  to: string;
  messageId: string;
}

/** Handoffs that pass one task along: A→B, B→C, … */
export interface HandoffChain {
  /** The first handoff's message id. */
  id: string;
  hops: HandoffHop[];
  /** Every agent the task visited, in order (the first sender, then each receiver). */
  agents: string[];
  /** The chain this one forked from (a handoff replying to a hop that was not the last). */
  parent: string | null;
}

interface OpenChain {
  chain: HandoffChain;
  thread: string | null;
}

/** Handoff chains: a handoff from B continues the chain that last handed to B. */
export class HandoffChains {
  private readonly all: OpenChain[] = [];
  private readonly hopOf = new Map<string, OpenChain>();
  /** The chain whose last hop ended at an agent, keyed by that agent. */
  private readonly openAt = new Map<string, OpenChain>();

  add(record: MessageRecord, message: AgentMessage): void {
    const to = message.to_agent;
    // The runtime publishes each handoff twice (direct subject and tracking copy): one hop.
    if (!to || this.hopOf.has(message.message_id)) return;
    const hop: HandoffHop = { seq: record.seq, mono: record.mono, from: message.from_agent, to, messageId: message.message_id };
    const thread = threadKeyOf(message);
    const replied = message.in_reply_to ? this.hopOf.get(message.in_reply_to) : undefined;
    let target: OpenChain | undefined;
    let parent: string | null = null;
    if (replied) {
      // An explicit link wins; linking to a hop that is not the chain's end forks a new chain.
      if (tailOf(replied.chain).messageId === message.in_reply_to && tailOf(replied.chain).to === hop.from) target = replied;
      else parent = replied.chain.id;
    } else {
      const open = this.openAt.get(hop.from);
      if (open && (open.thread === null || thread === null || open.thread === thread)) target = open;
    }
    if (target) {
      if (this.openAt.get(hop.from) === target) this.openAt.delete(hop.from);
      target.chain.hops.push(hop);
      target.chain.agents.push(to);
    } else {
      target = { chain: { id: hop.messageId, hops: [hop], agents: [hop.from, to], parent }, thread };
      this.all.push(target);
    }
    this.hopOf.set(hop.messageId, target);
    this.openAt.set(to, target);
  }

  chains(): HandoffChain[] {
    return this.all.map(({ chain }) => ({ ...chain, hops: chain.hops.slice(), agents: chain.agents.slice() }));
  }
}

const tailOf = (chain: HandoffChain): HandoffHop => chain.hops[chain.hops.length - 1]!;
