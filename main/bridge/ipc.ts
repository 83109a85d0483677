/**
 * The Electron IPC transport. The only code that handles `ipcMain` traffic; it takes ipcMain
 * through a narrow interface (Electron's own object fits it), so it is tested with a double and
 * main/bridge never imports Electron. Every message's sender frame is checked before anything runs.
 */
import { isEventName, type EventName, type RpcResult } from '../../preload/contract.js';
import { IPC_CHANNELS } from '../../preload/ipc-channels.js';
import type { EventBus } from '../host/event-bus.js';
import type { RpcDispatcher } from './rpc.js';

/** The part of Electron's WebContents the bridge uses. */
export interface WebContentsLike {
  readonly id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
}

/** The part of Electron's IpcMainInvokeEvent the bridge uses. */
export interface InvokeEventLike {
  readonly sender: WebContentsLike;
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}

/** The part of Electron's ipcMain the bridge uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** Options for {@link attachIpcBridge}. */
export interface IpcBridgeOptions {
  ipcMain: IpcMainLike;
  dispatch: RpcDispatcher;
  events: EventBus;
  /** Origins whose top-level frames may call (e.g. `app://switchboard`, the dev server's). */
  trustedOrigins: readonly string[];
  /** Where refusals are reported (once per channel and reason); stderr by default. */
  warn?: (text: string) => void;
}

/** Why a message was refused: `reason` is the kind (logged once per channel), `detail` the first case. */
type Refusal = { reason: string; detail: string };

/** Registers the IPC handlers; returns a function that removes them. */
export function attachIpcBridge({ ipcMain, dispatch, events, trustedOrigins, warn = (t) => console.error(`switchboard: ${t}`) }: IpcBridgeOptions): () => void {
  /** Why the sender may not use the bridge, or null when it may. */
  const distrust = (event: InvokeEventLike): Refusal | null => {
    const frame = event.senderFrame;
    if (!frame) return { reason: 'no sender frame', detail: 'the frame was destroyed or navigated away' };
    if (frame.parent !== null) return { reason: 'an iframe', detail: `a subframe at ${frame.url.slice(0, 200)}` };
    let origin: string;
    try {
      origin = originOf(frame.url);
    } catch {
      return { reason: 'an unparsable frame URL', detail: JSON.stringify(frame.url.slice(0, 200)) };
    }
    return trustedOrigins.includes(origin) ? null : { reason: 'an untrusted origin', detail: origin };
  };
  // A refused sender may retry in a loop: say why the first time, then stay quiet for that kind.
  const reported = new Set<string>();
  const refuse = (channel: string, { reason, detail }: Refusal) => {
    const key = `${channel}\n${reason}`;
    if (reported.has(key)) return;
    reported.add(key);
    warn(`IPC ${channel} refused: ${reason} (${detail}); further refusals of this kind are not logged.`);
  };
  const untrusted: RpcResult = { ok: false, error: { code: 'unavailable', message: 'Refused: the sender is not the Switchboard window.' } };

  ipcMain.handle(IPC_CHANNELS.call, async (event, method, input) => {
    const distrusted = distrust(event);
    if (distrusted) {
      refuse(IPC_CHANNELS.call, distrusted);
      return untrusted;
    }
    if (typeof method !== 'string') {
      refuse(IPC_CHANNELS.call, { reason: 'a call name that is not a string', detail: typeof method });
      return { ok: false, error: { code: 'unknown_call', message: 'The call name must be a string.' } } satisfies RpcResult;
    }
    return dispatch(method, input);
  });

  // Subscriptions are per window and per event, removed when the window goes away.
  const subscriptions = new Map<number, Map<EventName, () => void>>();
  ipcMain.handle(IPC_CHANNELS.subscribe, (event, name, on) => {
    const distrusted = distrust(event);
    if (distrusted) {
      refuse(IPC_CHANNELS.subscribe, distrusted);
      return false;
    }
    if (typeof name !== 'string' || !isEventName(name)) {
      refuse(IPC_CHANNELS.subscribe, { reason: 'an unknown event', detail: typeof name === 'string' ? JSON.stringify(name.slice(0, 80)) : typeof name });
      return false;
    }
    const contents = event.sender;
    let mine = subscriptions.get(contents.id);
    if (!mine) {
      subscriptions.set(contents.id, (mine = new Map()));
      contents.once('destroyed', () => {
        for (const off of subscriptions.get(contents.id)?.values() ?? []) off();
        subscriptions.delete(contents.id);
      });
    }
    if (on === false) {
      mine.get(name)?.();
      mine.delete(name);
    } else if (!mine.has(name)) {
      mine.set(
        name,
        events.on(name, (payload) => {
          if (!contents.isDestroyed()) contents.send(IPC_CHANNELS.event, name, payload);
        }),
      );
    }
    return true;
  });

  return () => {
    ipcMain.removeHandler(IPC_CHANNELS.call);
    ipcMain.removeHandler(IPC_CHANNELS.subscribe);
    for (const mine of subscriptions.values()) for (const off of mine.values()) off();
    subscriptions.clear();
  };
}

/**
 * `scheme://host[:port]` of a URL. Not `URL.origin`: Node reports "null" as the origin of
 * non-special schemes such as the shell's `app://`.
 */
export function originOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}`;
}
