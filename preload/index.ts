/**
 * The preload script: exposes `window.switchboard`, a generic call/on pair over IPC. No per-call
 * code lives here: the contract is enforced by the host, for IPC and WebSocket alike.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { RpcResult, SwitchboardBridge } from './contract.js';
import { IPC_CHANNELS } from './ipc-channels.js';

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();

ipcRenderer.on(IPC_CHANNELS.event, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return;
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

const bridge: SwitchboardBridge = {
  call: (method, input) => ipcRenderer.invoke(IPC_CHANNELS.call, method, input) as Promise<RpcResult>,
  on: (name, listener) => {
    let set = listeners.get(name);
    if (!set) {
      listeners.set(name, (set = new Set()));
      void ipcRenderer.invoke(IPC_CHANNELS.subscribe, name, true);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) {
        listeners.delete(name);
        void ipcRenderer.invoke(IPC_CHANNELS.subscribe, name, false);
      }
    };
  },
};

contextBridge.exposeInMainWorld('switchboard', bridge);
