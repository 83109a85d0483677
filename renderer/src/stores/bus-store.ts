/** The Agents on the bus panel's store: what `bus.listAgents` last answered, while it is asked, and why it failed. */
import { createStore, type StoreApi } from 'zustand';
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
}

/** Creates the bus store, talking to the host through `client`. */
export function createBusStore(client: ApiClient): StoreApi<BusStore> {
  let pending: Promise<void> | null = null;
  return createStore<BusStore>()((set) => ({
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
