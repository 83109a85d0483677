// The file dialogs' rules without React or a host: New/Open with unsaved changes, Save and Save As,
// a conflict on the file's mtime, the unsaved-changes question and crash recovery.
import { describe, expect, it } from 'vitest';
import type { Recovery } from '../../preload/contract.js';
import * as flow from '../../renderer/src/files/file-flow.js';

const idle: flow.DialogState = { dialog: null, error: null };
const failed: flow.DialogState = { dialog: { kind: 'open' }, error: 'ENOENT: /gone.yaml' };
const recovery = (key: string, path: string | null = null): Recovery => ({ key, path, text: 'apiVersion: switchboard/v1', savedAt: '2026-01-01T00:00:00Z' });

describe('New, Open and recent files', () => {
  it('ask first when the document has unsaved changes', () => {
    expect(flow.requestReplace(idle, { dirty: true, then: 'new' })).toEqual({ dialog: { kind: 'unsaved', then: 'new' }, error: null });
    expect(flow.requestReplace(failed, { dirty: true, then: 'open' })).toEqual({ dialog: { kind: 'unsaved', then: 'open' }, error: null });
    expect(flow.requestReplace(idle, { dirty: true, then: { path: '/a.yaml' } }).dialog).toEqual({ kind: 'unsaved', then: { path: '/a.yaml' } });
  });

  it('show the gallery or the open dialog (clearing the last failure) when nothing is unsaved', () => {
    expect(flow.requestReplace(idle, { dirty: false, then: 'new' })).toEqual({ dialog: { kind: 'new' }, error: null });
    expect(flow.requestReplace(failed, { dirty: false, then: 'open' })).toEqual({ dialog: { kind: 'open' }, error: null });
  });

  it('open a recent file at once when nothing is unsaved, and show why in the open dialog when that fails', () => {
    const input = { dirty: false, then: { path: '/a.yaml' } } as const;
    expect(flow.opensAtOnce(input)).toBe(true);
    expect(flow.opensAtOnce({ dirty: true, then: { path: '/a.yaml' } })).toBe(false);
    expect(flow.opensAtOnce({ dirty: false, then: 'open' })).toBe(false);
    expect(flow.requestReplace(idle, input)).toBe(idle);
    expect(flow.openFailed({ dialog: null, error: 'no such file' })).toEqual({ dialog: { kind: 'open' }, error: 'no such file' });
  });
});

describe('Save and Save As', () => {
  const doc = { path: '/a.yaml', mtimeMs: 1234, readOnly: false, hasContent: true };

  it('write to the file with the mtime it was read at (a file changed since is refused by the host)', () => {
    expect(flow.planSave(doc)).toEqual({ kind: 'write', path: '/a.yaml', expectedMtimeMs: 1234 });
    expect(flow.planSave({ ...doc, mtimeMs: null })).toEqual({ kind: 'write', path: '/a.yaml' });
  });

  it('ask for a path for a document never saved, refuse a read-only one and do nothing without a document', () => {
    expect(flow.planSave({ ...doc, path: null })).toEqual({ kind: 'saveAs' });
    expect(flow.planSave({ ...doc, readOnly: true })).toMatchObject({ kind: 'refuse', notice: expect.stringMatching(/read-only/) });
    expect(flow.planSave({ ...doc, hasContent: false })).toEqual({ kind: 'nothing' });
    // Read-only wins over everything else: such a file is never written.
    expect(flow.planSave({ ...doc, path: null, readOnly: true }).kind).toBe('refuse');
  });

  it('turn a conflict on Save into the conflict dialog, keeping the path to reload', () => {
    const out = flow.writeFailed(idle, { path: '/a.yaml', createOnly: false, conflict: true, message: 'changed on disk' });
    expect(out).toEqual({ state: { dialog: { kind: 'conflict', message: 'changed on disk', path: '/a.yaml' }, error: null }, outcome: 'failed', notice: null });
  });

  it('turn a conflict on Save As (create-only) into "replace it?"', () => {
    const saveAs: flow.DialogState = { dialog: { kind: 'saveAs' }, error: null };
    const out = flow.writeFailed(saveAs, { path: '/b.yaml', createOnly: true, conflict: true, message: 'exists' });
    expect(out).toEqual({ state: saveAs, outcome: 'exists', notice: null });
    expect(flow.afterSaveAs(out.state, { outcome: out.outcome, path: '/b.yaml' })).toEqual({ dialog: { kind: 'replace', path: '/b.yaml' }, error: null });
  });

  it('show any other failure as an error and a notice, leaving the dialog up', () => {
    const saveAs: flow.DialogState = { dialog: { kind: 'saveAs' }, error: null };
    const out = flow.writeFailed(saveAs, { path: '/ro/b.yaml', createOnly: true, conflict: false, message: 'EACCES' });
    expect(out).toEqual({ state: { dialog: { kind: 'saveAs' }, error: 'Could not save: EACCES' }, outcome: 'failed', notice: 'Could not save: EACCES' });
    expect(flow.afterSaveAs(out.state, { outcome: 'failed', path: '/ro/b.yaml' })).toBe(out.state);
  });

  it('close Save As once written', () => {
    expect(flow.afterSaveAs({ dialog: { kind: 'replace', path: '/b.yaml' }, error: null }, { outcome: 'saved', path: '/b.yaml' }).dialog).toBeNull();
  });

  it('keep the document unsaved when it changed while the save was in flight', () => {
    const topology = {};
    expect(flow.editedDuringSave({ topology, pendingText: null }, { topology, pendingText: null })).toBe(false);
    expect(flow.editedDuringSave({ topology, pendingText: null }, { topology: {}, pendingText: null })).toBe(true);
    expect(flow.editedDuringSave({ topology, pendingText: null }, { topology, pendingText: 'typed' })).toBe(true);
  });
});

describe('the unsaved-changes question', () => {
  const asking = (then: flow.ReplaceTarget): flow.DialogState => ({ dialog: { kind: 'unsaved', then }, error: null });

  it('closes on cancel and is ignored when no question is up', () => {
    expect(flow.resolveUnsaved(asking('new'), 'cancel')).toEqual({ kind: 'close' });
    expect(flow.resolveUnsaved(idle, 'save')).toEqual({ kind: 'ignore' });
    expect(flow.resolveUnsaved({ dialog: { kind: 'open' }, error: null }, 'discard')).toEqual({ kind: 'ignore' });
  });

  it('goes on to what was asked for, saving first when asked', () => {
    expect(flow.resolveUnsaved(asking('open'), 'discard')).toEqual({ kind: 'continue', saveFirst: false, then: 'open' });
    expect(flow.resolveUnsaved(asking({ path: '/a.yaml' }), 'save')).toEqual({ kind: 'continue', saveFirst: true, then: { path: '/a.yaml' } });
  });

  it('continues with the gallery, the open dialog, or no dialog while a file opens', () => {
    expect(flow.continueReplace(asking('new'), 'new').dialog).toEqual({ kind: 'new' });
    expect(flow.continueReplace(asking('open'), 'open').dialog).toEqual({ kind: 'open' });
    expect(flow.continueReplace(asking({ path: '/a.yaml' }), { path: '/a.yaml' }).dialog).toBeNull();
  });
});

describe('crash recovery', () => {
  it('offers recoveries unless another dialog is up or there are none', () => {
    const found = [recovery('k1', '/a.yaml'), recovery('k2')];
    expect(flow.offerRecoveries(idle, found)).toEqual({ dialog: { kind: 'recovery', recoveries: found }, error: null });
    expect(flow.offerRecoveries(idle, [])).toBe(idle);
    const open: flow.DialogState = { dialog: { kind: 'open' }, error: null };
    expect(flow.offerRecoveries(open, found)).toBe(open);
  });

  it('drops a discarded copy from the list and closes it after the last', () => {
    const state = flow.offerRecoveries(idle, [recovery('k1'), recovery('k2')]);
    const one = flow.discardedRecovery(state, 'k1');
    expect(one.dialog).toEqual({ kind: 'recovery', recoveries: [recovery('k2')] });
    expect(flow.discardedRecovery(one, 'k2').dialog).toBeNull();
    expect(flow.discardedRecovery(idle, 'k1')).toBe(idle);
  });
});

describe('showing a dialog', () => {
  it('clears the last failure', () => {
    expect(flow.showDialog(failed, { kind: 'saveAs' })).toEqual({ dialog: { kind: 'saveAs' }, error: null });
    expect(flow.showDialog(failed, null)).toEqual(idle);
  });
});
