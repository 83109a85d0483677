/** The NATS server panel's store: status and log, kept fresh by events and a 1 s poll. */
import { createStore, type StoreApi } from 'zustand';
import type { HostInfo, LogLine, ServerStatus } from '../../../preload/contract';
import type { ApiClient, ConnectionState } from '../api';
import { appendLogs, applyStatus } from '../server/server-model';
import { storeHook } from './stores-context';

/** Server panel state and its actions. */
export interface ServerStore {
  connection: ConnectionState;
  host: HostInfo | null;
  status: ServerStatus | null;
  logs: LogLine[];
  /** The last failed call, shown until the next success. */
  error: string | null;
  restartPending: boolean;
  /** Starts following the host; returns the function that stops it. */
  connect(): () => void;
  restart(): Promise<void>;
}

const POLL_MS = 1000;

/** Creates the server panel's store, talking to the host through `client`. */
export function createServerStore(client: ApiClient): StoreApi<ServerStore> {
  return createStore<ServerStore>()((set, get) => {
    const refresh = async () => {
      if (get().connection !== 'open') return;
      try {
        const afterSeq = get().logs.at(-1)?.seq ?? 0;
        const [status, { lines }] = await Promise.all([client.call('server.getStatus'), client.call('server.getLogs', { afterSeq })]);
        set((s) => ({ status: applyStatus(s.status, status), logs: appendLogs(s.logs, lines), error: null }));
      } catch (error) {
        set({ error: error instanceof Error ? error.message : String(error) });
      }
    };

    return {
      connection: 'connecting',
      host: null,
      status: null,
      logs: [],
      error: null,
      restartPending: false,

      connect() {
        const offConnection = client.transport.onConnection((connection) => {
          // With the host gone nothing is known about the server: show that, not stale "running".
          set(connection === 'open' ? { connection } : { connection, status: null });
          if (connection === 'open') {
            void client.call('host.getInfo').then((host) => set({ host }), () => undefined);
            void refresh();
          }
        });
        const offStatus = client.on('server.statusChanged', (status) => {
          set((s) => ({ status: applyStatus(s.status, status) }));
          void refresh(); // pick up the log lines that explain the change
        });
        const timer = setInterval(() => void refresh(), POLL_MS);
        return () => {
          clearInterval(timer);
          offStatus();
          offConnection();
        };
      },

      async restart() {
        set({ restartPending: true });
        try {
          const status = await client.call('server.restart');
          set((s) => ({ status: applyStatus(s.status, status), error: null }));
        } catch (error) {
          set({ error: error instanceof Error ? error.message : String(error) });
        } finally {
          set({ restartPending: false });
          void refresh();
        }
      },
    };
  });
}

/** The server store's hook (see {@link storeHook}). */
export const useServerStore = storeHook('server');
