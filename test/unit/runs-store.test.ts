// The runs store as main.tsx wires it, over a scripted host: a recorded run opens read-only in
// place of the user's document and "back" restores that document exactly (unsaved edits, undo
// history, file); opening another file leaves the run view first; long work follows its task's
// progress and a cancel is a notice, not an error; File → Open of a .ndjson imports it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RpcResult } from '../../preload/contract.js';
import { ApiClient, type Transport } from '../../renderer/src/api.js';
import { createStores } from '../../renderer/src/stores/stores.js';

const trio = readFileSync('templates/seed-000-trio.yaml', 'utf8');
const ok = (value: unknown): RpcResult => ({ ok: true, value });
const RUN = { runId: 'run-1', startedAt: '2026-12-06T08:00:00.000Z', topology: 'seed-000-trio', records: 12, bytes: 3400, live: false };

/** A host answering from a script; `emit` sends an event to the page. */
function scriptedHost(script: Record<string, (input: Record<string, unknown>) => RpcResult | Promise<RpcResult>>) {
  const calls: { method: string; input: Record<string, unknown> }[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const transport: Transport = {
    call: async (method, input) => {
      calls.push({ method, input: (input ?? {}) as Record<string, unknown> });
      return (await script[method]?.((input ?? {}) as Record<string, unknown>)) ?? { ok: false, error: { code: 'unavailable', message: `no script for ${method}` } };
    },
    on: (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set.add(listener));
      return () => set.delete(listener);
    },
    onConnection: (listener) => (listener('open'), () => undefined),
  };
  const emit = (event: string, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload));
  return { client: new ApiClient(transport), calls, emit };
}

const runHost = (extra: Parameters<typeof scriptedHost>[0] = {}) =>
  scriptedHost({
    'trace.openRun': () => ok({ ...RUN, topologyText: trio }),
    'trace.listRuns': () => ok({ runs: [RUN] }),
    'trace.query': () => ok({ records: [], hasMore: false, total: 0, offset: null, facts: [] }),
    'trace.count': () => ok({ records: 0, messages: 0, events: 0, subjects: {}, agents: {}, types: {}, hiddenInfrastructure: 0, exact: true }),
    ...extra,
  });

describe('a recorded run shown read-only', () => {
  it('replaces the document without losing it: edits are refused, and back restores unsaved changes and history', async () => {
    const host = runHost();
    const stores = createStores(host.client);
    stores.runs.getState().connect();
    const { document, runs } = stores;
    document.getState().open('apiVersion: switchboard.dev/v1\nkind: Topology\nmetadata:\n  name: mine\nspec: {}\n', { path: '/t/mine.yaml', mtimeMs: 7 });
    document.getState().edit('Rename', (t) => ({ ...t, metadata: { ...t.metadata, name: 'mine-edited' } }));
    const mine = document.getState().topology;

    expect(await runs.getState().openReadOnly('run-1')).toBe(true);
    // The unsaved work set aside has its recovery copy brought up to date at once.
    expect(host.calls.find((c) => c.method === 'file.autosave')!.input).toEqual({ key: '/t/mine.yaml', path: '/t/mine.yaml', text: expect.stringContaining('name: mine-edited') as unknown as string });
    expect(runs.getState().viewing).toMatchObject({ runId: 'run-1', topology: 'seed-000-trio', hasTopology: true });
    expect(document.getState()).toMatchObject({ readOnly: true, dirty: false, path: null });
    expect(document.getState().topology!.metadata.name).toBe('seed-000-trio');
    expect(stores.trace.getState().runId).toBe('run-1');
    const shown = document.getState().topology;
    document.getState().edit('Rename', (t) => ({ ...t, metadata: { ...t.metadata, name: 'changed' } }));
    expect(document.getState().topology).toBe(shown); // refused

    runs.getState().closeView();
    expect(runs.getState().viewing).toBeNull();
    expect(document.getState()).toMatchObject({ topology: mine, path: '/t/mine.yaml', mtimeMs: 7, dirty: true, readOnly: false });
    expect(document.getState().past.map((e) => e.label)).toEqual(['Rename']);
  });

  it('gives the user’s document back before File → New or Open replaces it', async () => {
    const stores = createStores(runHost({ 'file.listRecent': () => ok({ paths: [] }) }).client);
    stores.runs.getState().connect();
    stores.document.getState().open(trio, { path: '/t/trio.yaml', mtimeMs: 1 });
    stores.document.getState().edit('Rename', (t) => ({ ...t, metadata: { ...t.metadata, name: 'unsaved' } }));
    await stores.runs.getState().openReadOnly('run-1');
    stores.files.getState().requestNew();
    expect(stores.runs.getState().viewing).toBeNull();
    expect(stores.document.getState().topology!.metadata.name).toBe('unsaved');
    expect(stores.files.getState().dialog).toMatchObject({ kind: 'unsaved' }); // its changes are asked about, as usual
  });
});

describe('long work in the runs store', () => {
  it('follows its task’s progress, and a cancel is a notice with nothing imported', async () => {
    let release: (r: RpcResult) => void = () => undefined;
    const host = runHost({ 'trace.import': () => new Promise<RpcResult>((resolve) => (release = resolve)), 'trace.cancel': () => ok({ cancelled: true }) });
    const stores = createStores(host.client);
    stores.runs.getState().connect();
    const importing = stores.runs.getState().importTrace({ path: '/t/big.ndjson' });
    await Promise.resolve();
    const task = stores.runs.getState().task!;
    expect(task).toMatchObject({ label: 'Importing big.ndjson', done: 0 });
    expect(host.calls.find((c) => c.method === 'trace.import')!.input).toEqual({ path: '/t/big.ndjson', task: task.id });
    host.emit('trace.progressed', { task: task.id, done: 40, total: 100 });
    host.emit('trace.progressed', { task: 'someone-else', done: 99, total: 100 });
    expect(stores.runs.getState().task).toMatchObject({ done: 40, total: 100 });
    await stores.runs.getState().cancelTask();
    expect(host.calls.at(-1)).toEqual({ method: 'trace.cancel', input: { task: task.id } });
    release({ ok: false, error: { code: 'cancelled', message: 'Import cancelled: nothing was imported.' } });
    expect(await importing).toBeNull();
    expect(stores.runs.getState()).toMatchObject({ task: null, error: null, notice: 'Import cancelled: nothing was imported.' });
  });

  it('shows a broken file’s line as the error, and File → Open of a .ndjson imports and opens it', async () => {
    const host = runHost({
      'trace.import': (input) =>
        input['path'] === '/t/broken.ndjson'
          ? { ok: false, error: { code: 'invalid_input', message: 'broken.ndjson line 1234: not JSON. Nothing was imported.' } }
          : ok({ runId: 'run-1', startedAt: RUN.startedAt, topology: RUN.topology, records: 12 }),
    });
    const stores = createStores(host.client);
    stores.runs.getState().connect();
    expect(await stores.runs.getState().importTrace({ path: '/t/broken.ndjson' })).toBeNull();
    expect(stores.runs.getState().error).toBe('broken.ndjson line 1234: not JSON. Nothing was imported.');

    // A browser-read file too big for one message is refused before anything is sent.
    expect(await stores.runs.getState().importTrace({ text: 'x'.repeat(13 * 1024 * 1024), name: 'huge.ndjson' })).toBeNull();
    expect(stores.runs.getState().error).toMatch(/^huge\.ndjson is too big to send from the browser .*type its path on the host instead\.$/);
    expect(host.calls.filter((c) => c.method === 'trace.import').length).toBe(1);

    expect(await stores.files.getState().openPath('/t/good.ndjson')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(host.calls.filter((c) => c.method === 'file.open')).toEqual([]);
    expect(stores.runs.getState().viewing).toMatchObject({ runId: 'run-1' });
    expect(stores.document.getState().readOnly).toBe(true);
  });
});
