/**
 * The renderer's one client to the host. It speaks the contract over Electron IPC when the preload
 * exposed `window.switchboard`, else over the WebSocket bridge (browser mode, tests).
 */
import {
  RpcError,
  type CallInput,
  type CallName,
  type CallOutput,
  type EventName,
  type EventPayload,
  type HostFrame,
  type RpcResult,
  type SwitchboardBridge,
} from '../../preload/contract';

/** How the client reaches the host. */
export interface Transport {
  call(method: string, input: unknown): Promise<RpcResult>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  /** Follows the link to the host: `open` once usable, `closed` while it is down. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

export type ConnectionState = 'connecting' | 'open' | 'closed';

/** Typed calls and events over a transport. */
export class ApiClient {
  constructor(readonly transport: Transport) {}

  /** Calls the host; rejects with an {@link RpcError} carrying the host's code. */
  async call<N extends CallName>(name: N, ...input: undefined extends CallInput<N> ? [CallInput<N>?] : [CallInput<N>]): Promise<CallOutput<N>> {
    const result = await this.transport.call(name, input[0]);
    if (!result.ok) throw new RpcError(result.error.code, result.error.message);
    return result.value as CallOutput<N>;
  }

  /** Listens to a host event; returns the unsubscribe function. */
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.transport.on(name, listener as (payload: unknown) => void);
  }
}

/** IPC through the preload's generic bridge: it is up as long as the window is. */
function ipcTransport(bridge: SwitchboardBridge): Transport {
  return {
    call: (method, input) => bridge.call(method, input),
    on: (event, listener) => bridge.on(event, listener),
    onConnection: (listener) => {
      listener('open');
      return () => undefined;
    },
  };
}

/** The WebSocket bridge, reconnecting with backoff; calls made while it is down fail fast. */
function wsTransport(url: string): Transport {
  let socket: WebSocket | null = null;
  let state: ConnectionState = 'connecting';
  let nextId = 1;
  let retryMs = 250;
  const pending = new Map<number, (result: RpcResult) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();

  const setState = (next: ConnectionState) => {
    state = next;
    for (const listener of connectionListeners) listener(next);
  };
  const send = (frame: object) => socket?.readyState === WebSocket.OPEN && socket.send(JSON.stringify(frame));

  const open = () => {
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retryMs = 250;
      if (listeners.size) send({ t: 'subscribe', events: [...listeners.keys()] });
      setState('open');
    };
    ws.onmessage = (message) => {
      const frame = JSON.parse(String(message.data)) as HostFrame;
      if (frame.t === 'result') {
        const { t: _t, id, ...result } = frame;
        pending.get(id)?.(result as RpcResult);
        pending.delete(id);
      } else {
        for (const listener of listeners.get(frame.name) ?? []) listener(frame.payload);
      }
    };
    ws.onclose = () => {
      socket = null;
      for (const resolve of pending.values()) resolve(unavailable);
      pending.clear();
      setState('closed');
      setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  };
  open();

  return {
    call: (method, input) =>
      new Promise((resolve) => {
        if (state !== 'open') return resolve(unavailable);
        const id = nextId++;
        pending.set(id, resolve);
        send({ t: 'call', id, method, input });
      }),
    on: (event, listener) => {
      let set = listeners.get(event);
      if (!set) {
        listeners.set(event, (set = new Set()));
        send({ t: 'subscribe', events: [event] });
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) {
          listeners.delete(event);
          send({ t: 'unsubscribe', events: [event] });
        }
      };
    },
    onConnection: (listener) => {
      connectionListeners.add(listener);
      listener(state);
      return () => connectionListeners.delete(listener);
    },
  };
}

const unavailable: RpcResult = { ok: false, error: { code: 'unavailable', message: 'The Switchboard host is not reachable.' } };

declare global {
  interface Window {
    switchboard?: SwitchboardBridge;
  }
}

/** Reads this launch's token from the page URL (kept for reloads, removed from the address bar). */
function takeToken(): string {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    sessionStorage.setItem('switchboard.token', fromUrl);
    params.delete('token');
    const rest = params.toString();
    history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
    return fromUrl;
  }
  return sessionStorage.getItem('switchboard.token') ?? '';
}

/** The client for this window: IPC inside Electron, WebSocket in a browser. */
export function createApi(): ApiClient {
  if (window.switchboard) return new ApiClient(ipcTransport(window.switchboard));
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return new ApiClient(wsTransport(`${scheme}://${location.host}/rpc?token=${encodeURIComponent(takeToken())}`));
}
