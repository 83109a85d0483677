// The renderer's stores as main.tsx wires them (createStores with a client), over a scripted host:
// the store actions are thin, so this checks that they run the file-flow and history rules end to end.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ErrorCode, RpcResult } from '../../preload/contract.js';
import { ApiClient, type Transport } from '../../renderer/src/api.js';
import { createStores } from '../../renderer/src/stores/stores.js';

/** A host that answers each call from a script (method → reply) and records what it was sent. */
function scriptedHost(script: Record<string, (input: Record<string, unknown>) => RpcResult>) {
  const calls: { method: string; input: Record<string, unknown> }[] = [];
  const transport: Transport = {
    call: async (method, input) => {
      calls.push({ method, input: (input ?? {}) as Record<string, unknown> });
      return script[method]?.((input ?? {}) as Record<string, unknown>) ?? { ok: false, error: { code: 'unavailable', message: `no script for ${method}` } };
    },
    on: () => () => undefined,
    onConnection: (listener) => {
      listener('open');
      return () => undefined;
    },
  };
  return { client: new ApiClient(transport), calls, sent: (method: string) => calls.filter((c) => c.method === method).map((c) => c.input) };
}

const ok = (value: unknown): RpcResult => ({ ok: true, value });
const refused = (code: ErrorCode, message: string): RpcResult => ({ ok: false, error: { code, message } });
const trio = readFileSync('templates/seed-000-trio.yaml', 'utf8');
const opened = (path: string, mtimeMs: number) => () => ok({ path, text: trio, mtimeMs });

describe('the stores main.tsx creates', () => {
  it('are independent per createStores call (no module-level state)', () => {
    const a = createStores(scriptedHost({}).client);
    const b = createStores(scriptedHost({}).client);
    a.document.getState().open(trio, { path: null });
    a.view.getState().setView('source');
    expect(b.document.getState().topology).toBeNull();
    expect(b.view.getState().view).toBe('design');
  });

  it('undo and redo an edit through the document store, keeping it unsaved', () => {
    const { document } = createStores(scriptedHost({}).client);
    document.getState().open(trio, { path: '/t/trio.yaml', mtimeMs: 5 });
    const original = document.getState().topology!;
    document.getState().edit('Rename', (t) => ({ ...t, metadata: { ...t.metadata, name: 'renamed' } }));
    expect(document.getState()).toMatchObject({ dirty: true, past: [{ label: 'Rename' }] });
    document.getState().undo();
    expect(document.getState().topology).toBe(original);
    expect(document.getState().future.map((e) => e.label)).toEqual(['Rename']);
    document.getState().redo();
    expect(document.getState().topology!.metadata.name).toBe('renamed');
    expect(document.getState().dirty).toBe(true);
  });
});

describe('the files store over a scripted host', () => {
  it('saves with the mtime the file was read at, and shows a conflict when the host refuses', async () => {
    const host = scriptedHost({ 'file.open': opened('/t/trio.yaml', 1000), 'file.save': () => refused('conflict', '/t/trio.yaml changed on disk'), 'file.listRecent': () => ok({ paths: [] }) });
    const { files, document } = createStores(host.client);
    expect(await files.getState().openPath('/t/trio.yaml')).toBe(true);
    document.getState().edit('Rename', (t) => ({ ...t, metadata: { ...t.metadata, name: 'renamed' } }));
    expect(await files.getState().save()).toBe(false);
    expect(host.sent('file.save')).toEqual([{ path: '/t/trio.yaml', text: document.getState().text(), expectedMtimeMs: 1000 }]);
    expect(files.getState().dialog).toEqual({ kind: 'conflict', message: '/t/trio.yaml changed on disk', path: '/t/trio.yaml' });
    expect(document.getState().dirty).toBe(true);
  });

  it('asks before Save As replaces an existing file, then replaces it', async () => {
    let exists = true;
    const host = scriptedHost({
      'file.save': (input) => (input.createOnly && exists ? refused('conflict', 'exists') : ok({ path: input.path, text: input.text, mtimeMs: 2000 })),
      'file.discardRecovery': () => ok({}),
      'file.listRecent': () => ok({ paths: ['/t/new.yaml'] }),
    });
    const { files, document } = createStores(host.client);
    document.getState().open(trio, { path: null, dirty: true });
    expect(await files.getState().save()).toBe(false);
    expect(files.getState().dialog).toEqual({ kind: 'saveAs' });
    expect(await files.getState().saveAs('/t/new.yaml')).toBe(false);
    expect(files.getState().dialog).toEqual({ kind: 'replace', path: '/t/new.yaml' });
    exists = false;
    expect(await files.getState().saveAs('/t/new.yaml', true)).toBe(true);
    expect(host.sent('file.save').map((s) => s.createOnly)).toEqual([true, undefined]);
    expect(files.getState().dialog).toBeNull();
    expect(document.getState()).toMatchObject({ path: '/t/new.yaml', mtimeMs: 2000, dirty: false });
  });

  it('asks about unsaved changes before New, and goes on to the gallery after Discard', async () => {
    const { files, document } = createStores(scriptedHost({ 'file.discardRecovery': () => ok({}) }).client);
    document.getState().open(trio, { path: null, dirty: true });
    files.getState().requestNew();
    expect(files.getState().dialog).toEqual({ kind: 'unsaved', then: 'new' });
    await files.getState().resolveUnsaved('discard');
    expect(files.getState().dialog).toEqual({ kind: 'new' });
  });

  it('opens a recent file at once when nothing is unsaved, and shows why in the open dialog when it is gone', async () => {
    const host = scriptedHost({ 'file.open': () => refused('not_found', 'ENOENT: /t/gone.yaml'), 'file.listRecent': () => ok({ paths: [] }) });
    const { files } = createStores(host.client);
    files.getState().requestOpenPath('/t/gone.yaml');
    await expect.poll(() => files.getState().dialog).toEqual({ kind: 'open' });
    expect(files.getState().error).toBe('ENOENT: /t/gone.yaml');
    expect(host.sent('file.open')).toEqual([{ path: '/t/gone.yaml' }]);
  });
});
