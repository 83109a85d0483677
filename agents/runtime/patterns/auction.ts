/**
 * The market pattern (seed 004, 1.4): an auctioneer broadcasts a call for bids with a deadline;
 * bidders answer with their confidence, cost and latency; the best by a declared score wins the
 * task; the auctioneer returns its result. No bids by the deadline is a clear failure.
 */
import type { MessageHandler } from '../agent.js';

/** A bid, as bidders send it (in `metadata.bid`). */
interface Bid {
  confidence: number;
  cost: number;
  latencyMs: number;
}

/** Settings of an auctioneer. */
export interface AuctioneerSettings {
  bidTimeoutMs: number;
  weights: { confidence: number; cost: number; latency: number };
  taskTimeoutMs: number;
}

/** Higher is better: confidence counts for, cost and latency (in seconds) against. */
const score = (bid: Bid, w: AuctioneerSettings['weights']): number => w.confidence * bid.confidence - w.cost * bid.cost - w.latency * (bid.latencyMs / 1000);

/** The auctioneer: runs one auction per request. Bids arrive as direct messages to it. */
export function auctioneerHandler(settings: AuctioneerSettings): MessageHandler {
  const open = new Map<string, Map<string, Bid>>();
  return async (message, { agent }) => {
    const auctionId = message.metadata['auction_id'];
    if (message.message_type === 'direct' && typeof auctionId === 'string') {
      const bid = message.metadata['bid'] as Bid | undefined;
      if (bid) open.get(auctionId)?.set(message.from_agent, bid); // late bids find no open auction
      return undefined;
    }
    if (message.message_type !== 'request') return undefined;
    const id = `auction-${message.message_id.replace(/[^A-Za-z0-9]/g, '').slice(0, 12)}`;
    const bids = new Map<string, Bid>();
    open.set(id, bids);
    await agent.broadcast(message.content, { auction: { id, auctioneer: agent.name, deadline: Date.now() + settings.bidTimeoutMs } });
    await new Promise((r) => setTimeout(r, settings.bidTimeoutMs));
    open.delete(id);
    if (bids.size === 0) throw new Error(`Auction ${id}: no bids before the deadline (${settings.bidTimeoutMs} ms).`);
    const ranked = [...bids.entries()].map(([bidder, bid]) => ({ bidder, bid, score: score(bid, settings.weights) })).sort((a, b) => b.score - a.score);
    const winner = ranked[0]!;
    const reply = await agent.request(winner.bidder, message.content, { timeoutMs: settings.taskTimeoutMs, metadata: { auction_id: id } });
    return {
      content: reply.content,
      metadata: { auction: { id, winner: winner.bidder, bids: ranked.map((r) => ({ bidder: r.bidder, ...r.bid, score: Number(r.score.toFixed(4)) })) } },
    };
  };
}

/** A bidder: answers calls for bids with its declared bid; does the work it wins with its OODA loop. */
export function bidderBehaviour(ooda: MessageHandler, bid: Bid | undefined): MessageHandler {
  return async (message, context) => {
    const auction = message.metadata['auction'] as { id: string; auctioneer: string; deadline: number } | undefined;
    if (auction && message.message_type === 'broadcast') {
      if (bid && Date.now() < auction.deadline) await context.agent.send(auction.auctioneer, `bid for ${auction.id}`, { metadata: { auction_id: auction.id, bid } });
      return undefined;
    }
    if (message.message_type === 'broadcast') return undefined;
    return ooda(message, context);
  };
}
