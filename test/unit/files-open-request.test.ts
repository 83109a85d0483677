// A file a launch asks for (double-click, second launch, `serve FILE`) reaching the files store:
// the host's real OpenRequests and event bus behind an in-memory transport, the renderer's real stores.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Recovery, RpcResult } from '../../preload/contract.js';
import { EventBus } from '../../main/host/event-bus.js';
import { OpenRequests } from '../../main/host/open-request.js';
import { ApiClient, type Transport } from '../../renderer/src/api.js';
import { createStores } from '../../renderer/src/stores/stores.js';
import { until } from '../helpers/until.js';

const trio = readFileSync('templates/seed-000-trio.yaml', 'utf8');
const ok = (value: unknown): RpcResult => ({ ok: true, value });

/** A host with the real open-request keeping; `connect()` opens the page's connection. */
function hostWithRequests(recoveries: Recovery[] = []) {
  const events = new EventBus();
  const requests = new OpenRequests(events);
  const opened: string[] = [];
  let takes = 0;
  const answer = (method: string, input: Record<string, unknown>): RpcResult => {
    if (method === 'file.takeOpenRequest') return (takes++, ok({ path: requests.take() }));
    if (method === 'file.open') return (opened.push(String(input['path'])), ok({ path: input['path'], text: trio, mtimeMs: 1 }));
    if (method === 'file.listRecoveries') return ok({ recoveries });
    if (method === 'file.listRecent') return ok({ paths: [] });
    if (method === 'topology.listTemplates') return ok({ templates: [] });
    return ok({});
  };
  let connected: ((state: 'open') => void) | null = null;
  // As over the WebSocket: no events reach the page before its connection is open.
  let open = false;
  const transport: Transport = {
    call: async (method, input) => answer(method, (input ?? {}) as Record<string, unknown>),
    on: (name, listener) => (name === 'file.openRequested' ? events.on(name, (payload) => open && listener(payload)) : () => undefined),
    onConnection: (listener) => ((connected = listener), () => undefined),
  };
  const stores = createStores(new ApiClient(transport));
  const stop = stores.files.getState().connect();
  return { requests, opened, stores, stop, connect: () => ((open = true), connected?.('open')), takes: () => takes };
}

describe('a file a launch asks to open', () => {
  it('opens when the page connects if it was asked for before (serve FILE, a double-click that launched the app), once', async () => {
    const host = hostWithRequests();
    host.requests.request('/t/trio.switchboard');
    host.connect();
    await until(() => host.stores.document.getState().path === '/t/trio.switchboard', 'the requested file open');
    // Its own extension holds YAML: read as YAML, not refused.
    expect(host.stores.document.getState()).toMatchObject({ dirty: false, topology: { metadata: { name: expect.any(String) } } });
    host.connect(); // a reconnect: nothing is waiting any more
    await until(() => host.takes() === 2, 'the second take');
    await Promise.resolve();
    expect(host.opened).toEqual(['/t/trio.switchboard']);
    host.stop();
  });

  it('opens at once while the page is up, through the event', async () => {
    const host = hostWithRequests();
    host.connect();
    host.requests.request('/t/second.yaml');
    await until(() => host.stores.document.getState().path === '/t/second.yaml', 'the requested file open');
  });

  it('asks before replacing unsaved changes, and opens the file only when they are discarded', async () => {
    const host = hostWithRequests();
    host.connect();
    const { document, files } = host.stores;
    document.getState().open(trio, { path: '/t/mine.yaml', mtimeMs: 1 });
    document.getState().edit('Rename', (t) => ({ ...t, metadata: { ...t.metadata, name: 'edited' } }));
    host.requests.request('/t/other.yaml');
    await until(() => files.getState().dialog?.kind === 'unsaved', 'the unsaved-changes question');
    expect(files.getState().dialog).toEqual({ kind: 'unsaved', then: { path: '/t/other.yaml' } });
    expect(document.getState()).toMatchObject({ path: '/t/mine.yaml', dirty: true });
    expect(host.opened).toEqual([]);
    await files.getState().resolveUnsaved('discard');
    expect(document.getState()).toMatchObject({ path: '/t/other.yaml', dirty: false });
  });

  it('opens first and then offers crash recoveries, so the offer is not closed by the opened file', async () => {
    const recovery: Recovery = { key: 'k1', path: null, text: trio, savedAt: '2026-01-01T00:00:00.000Z' };
    const host = hostWithRequests([recovery]);
    host.requests.request('/t/trio.yaml');
    host.connect();
    await until(() => host.stores.files.getState().dialog?.kind === 'recovery', 'the recovery offer');
    expect(host.stores.document.getState().path).toBe('/t/trio.yaml');
  });
});
