/**
 * A Node client of a running host's WebSocket bridge (`switchboard serve`'s `/rpc`), for tests that
 * drive the host as the page does without a browser: typed calls, and the events it pushes.
 */
import WebSocket from 'ws';
import type { CallName, CallInput, CallOutput, EventName, HostFrame, RpcResult } from '../../preload/contract.js';

/** A call the host refused or failed, with the contract's error code. */
export class BridgeCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: string,
    message: string,
  ) {
    super(`${method}: ${code}: ${message}`);
    this.name = 'BridgeCallError';
  }
}

/** An open bridge connection. */
export interface BridgeClient {
  /** Calls `method`; resolves with its value, rejects with a {@link BridgeCallError} (or when the socket closes first). */
  call<M extends CallName>(method: M, input?: CallInput<M>): Promise<CallOutput<M>>;
  /** Asks for `events` and calls `listener` with each one's payload. */
  on(events: EventName[], listener: (name: EventName, payload: unknown) => void): void;
  close(): void;
}

/** Connects to the bridge of the serve page `pageUrl` (`http://127.0.0.1:PORT/?token=…`). */
export async function connectBridge(pageUrl: string): Promise<BridgeClient> {
  const page = new URL(pageUrl);
  const ws = new WebSocket(`ws://${page.host}/rpc?token=${encodeURIComponent(page.searchParams.get('token') ?? '')}`);
  const pending = new Map<number, { method: string; resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const listeners: Array<(name: EventName, payload: unknown) => void> = [];
  let nextId = 1;
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as HostFrame;
    if (frame.t === 'event') {
      for (const listener of listeners) listener(frame.name, frame.payload);
      return;
    }
    const waiter = pending.get(frame.id);
    if (!waiter) return;
    pending.delete(frame.id);
    const result: RpcResult = frame;
    if (result.ok) waiter.resolve(result.value);
    else waiter.reject(new BridgeCallError(waiter.method, result.error.code, result.error.message));
  });
  ws.on('close', () => {
    for (const [id, waiter] of pending) {
      pending.delete(id);
      waiter.reject(new Error(`${waiter.method}: the bridge closed before it answered`));
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.on('error', () => undefined); // 'close' follows and fails what waits
  return {
    call: <M extends CallName>(method: M, input?: CallInput<M>) =>
      new Promise<CallOutput<M>>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { method, resolve: resolve as (value: unknown) => void, reject });
        ws.send(JSON.stringify({ t: 'call', id, method, input })); // undefined drops out: calls without input take none
      }),
    on: (events, listener) => {
      listeners.push(listener);
      ws.send(JSON.stringify({ t: 'subscribe', events }));
    },
    close: () => ws.terminate(),
  };
}
