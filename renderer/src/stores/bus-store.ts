/**
 * The Agents panel's store: what `bus.listAgents` last answered, while it is asked, and why it
 * failed; and the A2A agent card last fetched by URL (`peer.getCard`), to add as an external agent.
 */
import { createStore, type StoreApi } from 'zustand';
import type { A2aCardSummary } from '../../../agents/protocol/a2a-card';
import type { DiscoveredAgent } from '../../../agents/protocol/discovered-agent';
import type { ApiClient } from '../api';
import { storeHook } from './stores-context';

/** The panel's state and its one action. */
export interface BusStore {
  /** The last answer; null until the first one. */
  agents: DiscoveredAgent[] | null;
  /** When the last answer came (ms since the epoch), for "listed 12 s ago". */
  listedAt: number | null;
  /** A listing is under way (discovery listens for a while before it answers). */
  busy: boolean;
  /** Why the last listing failed; cleared by the next success. */
  error: string | null;
  /** Lists the agents on the bus again; a call while one is under way joins it. */
  refresh(): Promise<void>;
  /** The A2A card fetched by URL: the card, or why it could not be read; null before any fetch. */
  card: { url: string; busy: boolean; summary: A2aCardSummary | null; error: string | null } | null;
  /** Fetches the A2A agent card at `url` (a base URL or the card's own); the last URL asked wins. */
  fetchCard(url: string): Promise<void>;
  /** Forgets the fetched card (after it was added, or the URL was cleared). */
  clearCard(): void;
  /** Reads a card without keeping it (the inspector's "Refresh card"); rejects with the host's reason. */
  readCard(url: string): Promise<A2aCardSummary>;
}

/** Creates the bus store, talking to the host through `client`. */
export function createBusStore(client: ApiClient): StoreApi<BusStore> {
  let pending: Promise<void> | null = null;
  return createStore<BusStore>()((set, get) => ({
    card: null,
    async fetchCard(url) {
      set({ card: { url, busy: true, summary: null, error: null } });
      let next: NonNullable<BusStore['card']>;
      try {
        const { card } = await client.call('peer.getCard', { url });
        next = { url, busy: false, summary: card, error: null };
      } catch (error) {
        next = { url, busy: false, summary: null, error: error instanceof Error ? error.message : String(error) };
      }
      // A slow answer for a URL the user has since replaced is dropped.
      if (get().card?.url === url) set({ card: next });
    },
    clearCard: () => set({ card: null }),
    readCard: async (url) => (await client.call('peer.getCard', { url })).card,
    agents: null,
    listedAt: null,
    busy: false,
    error: null,
    refresh() {
      pending ??= (async () => {
        set({ busy: true });
        try {
          const { agents } = await client.call('bus.listAgents', {});
          set({ agents, listedAt: Date.now(), error: null });
        } catch (error) {
          set({ error: error instanceof Error ? error.message : String(error) });
        } finally {
          set({ busy: false });
          pending = null;
        }
      })();
      return pending;
    },
  }));
}

/** The bus store's hook (see {@link storeHook}). */
export const useBusStore = storeHook('bus');
