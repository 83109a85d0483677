// The host's file calls: atomic saves that refuse to clobber, recent files, recovery copies,
// templates, and export from the app (secrets written 0600, never sent back).
import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../main/host/host.js';
import { RpcError } from '../../preload/contract.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

let host: Host;
let dataDir: string;
let work: string;
beforeAll(async () => {
  dataDir = await makeTempDir('host-data');
  work = await makeTempDir('host-work');
  host = await startHost({ shell: 'headless', appVersion: '0.0.0-test', appRoot: repoRoot, dataDir, nats: { mode: 'embedded' } });
});
afterAll(async () => {
  await host.stop();
  await removeTempDir(dataDir);
  await removeTempDir(work);
});

const h = () => host.handlers;
const trio = () => readFile(path.join(repoRoot, 'templates/seed-000-trio.yaml'), 'utf8');

describe('files', () => {
  it('saves atomically, opens, and remembers recent files', async () => {
    const file = path.join(work, 'a.yaml');
    const saved = await h()['file.save']({ path: file, text: await trio() });
    expect(saved.path).toBe(file);
    const opened = await h()['file.open']({ path: file });
    expect(opened.text).toBe(await trio());
    expect(opened.mtimeMs).toBe(saved.mtimeMs);
    expect((await h()['file.listRecent'](undefined)).paths[0]).toBe(file);
    // No temporary file is left beside it.
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(work)).filter((n) => n.startsWith('a.yaml'))).toEqual(['a.yaml']);
  });

  it('refuses to overwrite a file that changed on disk since it was opened', async () => {
    const file = path.join(work, 'b.yaml');
    const saved = await h()['file.save']({ path: file, text: 'one' });
    await writeFile(file, 'someone else');
    const later = new Date(saved.mtimeMs + 5000);
    await utimes(file, later, later);
    await expect(h()['file.save']({ path: file, text: 'two', expectedMtimeMs: saved.mtimeMs })).rejects.toMatchObject({ code: 'conflict' });
    expect(await readFile(file, 'utf8')).toBe('someone else');
  });

  it('creates only when asked to, refusing an existing file (Save As)', async () => {
    const file = path.join(work, 'new.yaml');
    await h()['file.save']({ path: file, text: 'first', createOnly: true });
    await expect(h()['file.save']({ path: file, text: 'second', createOnly: true })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('already exists') });
    expect(await readFile(file, 'utf8')).toBe('first');
  });

  it('never overwrites a file written by a newer Switchboard', async () => {
    const file = path.join(work, 'newer.yaml');
    await writeFile(file, (await trio()).replace('switchboard.dev/v1', 'switchboard.dev/v3'));
    const error = await h()['file.save']({ path: file, text: await trio() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect((error as RpcError).message).toMatch(/newer Switchboard/);
  });

  it('says which file is missing', async () => {
    await expect(h()['file.open']({ path: path.join(work, 'nope.yaml') })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('keeps recovery copies until they are discarded', async () => {
    await h()['file.autosave']({ key: 'untitled-1', path: null, text: 'draft' });
    await h()['file.autosave']({ key: 'untitled-1', path: null, text: 'draft 2' });
    await h()['file.autosave']({ key: '../../evil', path: '/x.yaml', text: 'x' });
    const { recoveries } = await h()['file.listRecoveries'](undefined);
    expect(recoveries.map((r) => [r.key, r.text]).sort()).toEqual([
      ['../../evil', 'x'],
      ['untitled-1', 'draft 2'],
    ]);
    await h()['file.discardRecovery']({ key: 'untitled-1' });
    await h()['file.discardRecovery']({ key: '../../evil' });
    expect((await h()['file.listRecoveries'](undefined)).recoveries).toEqual([]);
  });
});

describe('templates and export', () => {
  it('lists every template, the trio first, each with its example', async () => {
    const { templates } = await h()['topology.listTemplates'](undefined);
    expect(templates[0]!.id).toBe('seed-000-trio');
    expect(templates.map((t) => t.id).sort()).toEqual(['a2a-loopback', 'auction', 'blackboard', 'coordinator', 'durable-pipeline', 'hybrid', 'seed-000-trio', 'seed-002-batch', 'seed-002-negotiation', 'seed-002-ops', 'swarm', 'synadia-bridge']);
    expect(templates.every((t) => t.example !== null)).toBe(true);
  });

  it('previews an export without secrets, and writes one with its secrets 0600', async () => {
    const text = await trio();
    const preview = await h()['topology.export']({ text, format: 'nats-conf', fileName: 'trio.yaml' });
    expect(preview.writtenTo).toBeNull();
    expect(preview.files[0]).toMatchObject({ name: 'nats-server.conf', secret: false, content: expect.stringContaining('authorization') });
    expect(preview.files.filter((f) => f.secret).every((f) => f.content === null)).toBe(true);

    const dir = path.join(work, 'export');
    const written = await h()['topology.export']({ text, format: 'nats-conf', fileName: 'trio.yaml', dir });
    expect(written.writtenTo).toBe(dir);
    const seed = written.files.find((f) => f.secret)!;
    expect((await stat(path.join(dir, seed.name))).mode & 0o777).toBe(0o600);
    expect(await readFile(path.join(dir, seed.name), 'utf8')).toMatch(/^SU/);
  });

  it('refuses to export a topology with errors, saying why', async () => {
    await expect(h()['topology.export']({ text: 'apiVersion: switchboard.dev/v1\nkind: Topology\n', format: 'yaml' })).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
