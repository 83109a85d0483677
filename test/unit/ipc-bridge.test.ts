import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { attachIpcBridge, type InvokeEventLike, type IpcMainLike, type WebContentsLike } from '../../main/bridge/ipc.js';
import { createRpcDispatcher } from '../../main/bridge/rpc.js';
import type { RpcResult } from '../../preload/contract.js';
import { IPC_CHANNELS } from '../../preload/ipc-channels.js';
import { CountingEventBus, fakeHandlers, sampleStatus } from '../helpers/host-fixtures.js';

const status = sampleStatus({ readyAt: null });
const handlers = fakeHandlers(status);

type Listener = (event: InvokeEventLike, ...args: unknown[]) => unknown;

/** ipcMain as a map of channel to handler, with an `invoke` that plays the renderer's side. */
class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`); // Electron throws too
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  async invoke(channel: string, event: InvokeEventLike, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, ...args);
  }
}

/** A window's WebContents: records sends and can be destroyed. */
class FakeWebContents implements WebContentsLike {
  readonly send = vi.fn<(channel: string, ...args: unknown[]) => void>();
  private destroyed = false;
  private readonly onDestroyed: Array<() => void> = [];
  constructor(readonly id: number) {}
  isDestroyed(): boolean {
    return this.destroyed;
  }
  once(_event: 'destroyed', listener: () => void): this {
    this.onDestroyed.push(listener);
    return this;
  }
  destroy(): void {
    this.destroyed = true;
    for (const listener of this.onDestroyed.splice(0)) listener();
  }
}

const TRUSTED = 'http://127.0.0.1:5173';
const APP_ORIGIN = 'app://switchboard';

const frame = (url: string, parent: unknown = null) => ({ url, parent });
const eventFrom = (sender: WebContentsLike, senderFrame: InvokeEventLike['senderFrame']): InvokeEventLike => ({ sender, senderFrame });

let ipcMain: FakeIpcMain;
let events: CountingEventBus;
let dispose: () => void;
let contents: FakeWebContents;
let warnings: string[];

beforeEach(() => {
  ipcMain = new FakeIpcMain();
  events = new CountingEventBus();
  contents = new FakeWebContents(1);
  warnings = [];
  handlers['server.getLogs'].mockClear();
  dispose = attachIpcBridge({
    ipcMain,
    dispatch: createRpcDispatcher(handlers),
    events,
    trustedOrigins: [TRUSTED, APP_ORIGIN],
    warn: (text) => warnings.push(text),
  });
});

afterEach(() => dispose());

const call = (event: InvokeEventLike, method: unknown, input?: unknown) =>
  ipcMain.invoke(IPC_CHANNELS.call, event, method, input) as Promise<RpcResult>;
const subscribe = (event: InvokeEventLike, name: unknown, on?: boolean) => ipcMain.invoke(IPC_CHANNELS.subscribe, event, name, on);

// Calls over IPC: sender checks first, then the shared dispatcher.
describe('attachIpcBridge calls', () => {
  it('runs a call from a trusted top-level frame', async () => {
    const result = await call(eventFrom(contents, frame(`${TRUSTED}/index.html`)), 'server.getStatus');
    expect(result).toEqual({ ok: true, value: status });
  });

  it('accepts the app:// window the Electron shell loads (trusted origin app://switchboard)', async () => {
    const result = await call(eventFrom(contents, frame(`${APP_ORIGIN}/index.html`)), 'server.getStatus');
    expect(result).toEqual({ ok: true, value: status });
  });

  it('answers invalid_input for a bad input without running the handler', async () => {
    const result = await call(eventFrom(contents, frame(`${TRUSTED}/`)), 'server.getLogs', { afterSeq: -1 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('invalid_input');
    expect(handlers['server.getLogs']).not.toHaveBeenCalled();
  });

  it('answers unknown_call when the call name is not a string', async () => {
    const result = await call(eventFrom(contents, frame(`${TRUSTED}/`)), 42);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('unknown_call');
  });

  it.each([
    ['an untrusted origin', frame('https://evil.example/index.html')],
    ['a trusted host on another port', frame('http://127.0.0.1:5174/')],
    ['another app:// host', frame('app://evil/index.html')],
    ['a data: URL (opaque origin)', frame('data:text/html,<script></script>')],
    ['an unparsable URL', frame('not a url')],
    ['an iframe inside the trusted page', frame(`${TRUSTED}/index.html`, frame(`${TRUSTED}/`))],
    ['a destroyed frame (null)', null],
  ])('refuses %s with unavailable and runs nothing', async (_label, senderFrame) => {
    const result = await call(eventFrom(contents, senderFrame), 'server.getLogs', {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('unavailable');
    expect(handlers['server.getLogs']).not.toHaveBeenCalled();
  });
});

// Event subscriptions: per window, forwarded with contents.send, cleaned up on destroy and dispose.
describe('attachIpcBridge subscriptions', () => {
  const trusted = () => eventFrom(contents, frame(`${TRUSTED}/`));

  it('forwards an event to a subscribed window on the event channel', async () => {
    expect(await subscribe(trusted(), 'server.statusChanged')).toBe(true);
    events.emit('server.statusChanged', status);
    expect(contents.send).toHaveBeenCalledTimes(1);
    expect(contents.send).toHaveBeenCalledWith(IPC_CHANNELS.event, 'server.statusChanged', status);
  });

  it('subscribes once however often the window asks, and stops on unsubscribe', async () => {
    await subscribe(trusted(), 'server.statusChanged');
    await subscribe(trusted(), 'server.statusChanged');
    events.emit('server.statusChanged', status);
    expect(contents.send).toHaveBeenCalledTimes(1);
    expect(events.active).toBe(1);
    expect(await subscribe(trusted(), 'server.statusChanged', false)).toBe(true);
    events.emit('server.statusChanged', status);
    expect(contents.send).toHaveBeenCalledTimes(1);
    expect(events.active).toBe(0);
  });

  it('refuses unknown events and untrusted senders', async () => {
    expect(await subscribe(trusted(), 'server.nope')).toBe(false);
    expect(await subscribe(trusted(), 7)).toBe(false);
    expect(await subscribe(eventFrom(contents, frame('https://evil.example/')), 'server.statusChanged')).toBe(false);
    expect(await subscribe(eventFrom(contents, null), 'server.statusChanged')).toBe(false);
    events.emit('server.statusChanged', status);
    expect(contents.send).not.toHaveBeenCalled();
    expect(events.active).toBe(0);
  });

  it('removes a window’s subscriptions when it is destroyed, leaving other windows subscribed', async () => {
    const other = new FakeWebContents(2);
    await subscribe(trusted(), 'server.statusChanged');
    await subscribe(eventFrom(other, frame(`${TRUSTED}/`)), 'server.statusChanged');
    expect(events.active).toBe(2);
    contents.destroy();
    expect(events.active).toBe(1);
    events.emit('server.statusChanged', status);
    expect(contents.send).not.toHaveBeenCalled();
    expect(other.send).toHaveBeenCalledTimes(1);
  });

  it('dispose removes both handlers and every subscription', async () => {
    await subscribe(trusted(), 'server.statusChanged');
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
    expect(events.active).toBe(0);
    events.emit('server.statusChanged', status);
    expect(contents.send).not.toHaveBeenCalled();
    dispose = attachIpcBridge({ ipcMain, dispatch: createRpcDispatcher(handlers), events, trustedOrigins: [TRUSTED] }); // can attach again
    expect([...ipcMain.handlers.keys()].sort()).toEqual([IPC_CHANNELS.call, IPC_CHANNELS.subscribe].sort());
  });
});

// Refusals are answered and logged, but once per channel and kind: a page retrying in a loop must not flood the log.
describe('attachIpcBridge refusal log', () => {
  it('names the channel and the reason of each kind of refusal, once', async () => {
    for (let i = 0; i < 50; i++) await call(eventFrom(contents, frame(`https://evil${i}.example/`)), 'server.getStatus');
    await call(eventFrom(contents, frame(`${TRUSTED}/`, frame(`${TRUSTED}/`))), 'server.getStatus');
    await call(eventFrom(contents, null), 'server.getStatus');
    await call(eventFrom(contents, frame('not a url')), 'server.getStatus');
    for (let i = 0; i < 5; i++) await call(eventFrom(contents, frame(`${TRUSTED}/`)), i);
    for (let i = 0; i < 5; i++) await subscribe(eventFrom(contents, frame(`${TRUSTED}/`)), `server.nope${i}`);
    await subscribe(eventFrom(contents, frame('https://evil.example/')), 'server.statusChanged');
    expect(warnings).toEqual([
      `IPC ${IPC_CHANNELS.call} refused: an untrusted origin (https://evil0.example); further refusals of this kind are not logged.`,
      `IPC ${IPC_CHANNELS.call} refused: an iframe (a subframe at ${TRUSTED}/); further refusals of this kind are not logged.`,
      `IPC ${IPC_CHANNELS.call} refused: no sender frame (the frame was destroyed or navigated away); further refusals of this kind are not logged.`,
      `IPC ${IPC_CHANNELS.call} refused: an unparsable frame URL ("not a url"); further refusals of this kind are not logged.`,
      `IPC ${IPC_CHANNELS.call} refused: a call name that is not a string (number); further refusals of this kind are not logged.`,
      `IPC ${IPC_CHANNELS.subscribe} refused: an unknown event ("server.nope0"); further refusals of this kind are not logged.`,
      `IPC ${IPC_CHANNELS.subscribe} refused: an untrusted origin (https://evil.example); further refusals of this kind are not logged.`,
    ]);
  });

  it('logs nothing for accepted calls and subscriptions', async () => {
    const trusted = eventFrom(contents, frame(`${APP_ORIGIN}/index.html`));
    await call(trusted, 'server.getStatus');
    await call(trusted, 'no.suchCall'); // answered with unknown_call by the dispatcher: the caller is told, not the log
    await subscribe(trusted, 'server.statusChanged');
    await subscribe(trusted, 'server.statusChanged', false);
    expect(warnings).toEqual([]);
  });
});
