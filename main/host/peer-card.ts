/**
 * The contract call `peer.getCard`: fetches and reads an A2A agent card for the app (adding an
 * external A2A agent from its card URL). Errors cross as `{ code, message }`: a card that is not
 * there or not a card is `not_found` / `invalid_input`, a peer that cannot be reached (refused, no such host, no answer in time) `unavailable`.
 */
import { RpcError } from '../../preload/contract.js';
import { A2aCardError, readAgentCard } from '../../agents/interop/a2a/card.js';
import type { A2aCardSummary } from '../../agents/protocol/a2a-card.js';

/** Reads the card at `url` (a base URL or the card's own), or throws an RpcError saying what went wrong. */
export async function getPeerCard(url: string): Promise<{ card: A2aCardSummary }> {
  try {
    return { card: await readAgentCard(url.trim()) };
  } catch (error) {
    if (!(error instanceof A2aCardError)) throw new RpcError('failed', `Reading the agent card at ${url} failed: ${error instanceof Error ? error.message : String(error)}`);
    const code = error.problem === 'http' ? 'not_found' : error.problem === 'not_a_card' || error.problem === 'no_interface' ? 'invalid_input' : 'unavailable';
    throw new RpcError(code, error.message);
  }
}
