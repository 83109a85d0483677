/**
 * The file dialogs' rules as pure functions: which dialog New, Open or a recent file shows given
 * unsaved changes, where Save goes, what a failed write (a conflict on the file's mtime, an
 * existing file for Save As) turns into, how the unsaved-changes question continues, and the
 * recovery list. The files store runs the host calls and calls these for every decision.
 */
import type { Recovery } from '../../../preload/contract';

/** What would replace the open document: a new one, the open dialog, or a file by path. */
export type ReplaceTarget = 'new' | 'open' | { path: string };

/** Which dialog is up (one at a time). */
export type FileDialog =
  | { kind: 'new' }
  | { kind: 'open' }
  | { kind: 'saveAs' }
  | { kind: 'conflict'; message: string; path: string }
  | { kind: 'recovery'; recoveries: Recovery[] }
  /** The document has unsaved changes and `then` would replace it. */
  | { kind: 'unsaved'; then: ReplaceTarget }
  | { kind: 'replace'; path: string };

/** The dialog shown and the failure it shows. */
export interface DialogState {
  dialog: FileDialog | null;
  /** The last failure, shown in the open and save dialogs (cleared when another dialog opens). */
  error: string | null;
}

/** What Save needs to know about the document. */
interface SaveSubject {
  path: string | null;
  mtimeMs: number | null;
  readOnly: boolean;
  /** True when there is something to write (a topology, or source text that does not load yet). */
  hasContent: boolean;
}

/** What Save does: refuse (read-only), nothing (no document), ask for a path, or write. */
type SavePlan =
  | { kind: 'refuse'; notice: string }
  | { kind: 'nothing' }
  | { kind: 'saveAs' }
  /** `expectedMtimeMs`: the host refuses when the file changed on disk since it was read. */
  | { kind: 'write'; path: string; expectedMtimeMs?: number };

/** A write the host refused. */
interface WriteFailure {
  path: string;
  /** Save As writes create-only: it must not replace a file without asking. */
  createOnly: boolean;
  /** True when the host answered `conflict` (changed on disk, or exists for create-only). */
  conflict: boolean;
  message: string;
}

/** How a write ended, as the dialogs see it. */
export type WriteOutcome = 'saved' | 'exists' | 'failed';

/** How the unsaved-changes question goes on: stay, save first, then show a dialog or open a file. */
type UnsavedStep =
  | { kind: 'ignore' }
  | { kind: 'close' }
  | { kind: 'continue'; saveFirst: boolean; then: ReplaceTarget };

/** Opens a dialog (clearing the last failure). */
export function showDialog(_state: DialogState, dialog: FileDialog | null): DialogState {
  return { dialog, error: null };
}

/**
 * New, Open or a recent file asked to replace the document: with unsaved changes, ask first;
 * else show the gallery or the open dialog. A recent file without unsaved changes opens at once
 * (the state is unchanged; {@link opensAtOnce} says so).
 */
export function requestReplace(state: DialogState, input: { dirty: boolean; then: ReplaceTarget }): DialogState {
  if (input.dirty) return { dialog: { kind: 'unsaved', then: input.then }, error: null };
  if (typeof input.then === 'object') return state;
  return { dialog: { kind: input.then }, error: null };
}

/** True when a replace request needs no dialog: a file by path with nothing unsaved. */
export function opensAtOnce(input: { dirty: boolean; then: ReplaceTarget }): input is { dirty: false; then: { path: string } } {
  return !input.dirty && typeof input.then === 'object';
}

/** Where Save goes for this document. */
export function planSave(subject: SaveSubject): SavePlan {
  if (subject.readOnly) return { kind: 'refuse', notice: 'This file was written by a newer Switchboard: it is read-only here.' };
  if (!subject.hasContent) return { kind: 'nothing' };
  if (!subject.path) return { kind: 'saveAs' };
  return { kind: 'write', path: subject.path, ...(subject.mtimeMs !== null && { expectedMtimeMs: subject.mtimeMs }) };
}

/** A refused write: Save As asks to replace an existing file, a changed file is a conflict, anything else an error. */
export function writeFailed(state: DialogState, failure: WriteFailure): { state: DialogState; outcome: Exclude<WriteOutcome, 'saved'>; notice: string | null } {
  if (failure.conflict && failure.createOnly) return { state, outcome: 'exists', notice: null };
  if (failure.conflict) return { state: { ...state, dialog: { kind: 'conflict', message: failure.message, path: failure.path } }, outcome: 'failed', notice: null };
  const text = `Could not save: ${failure.message}`;
  return { state: { ...state, error: text }, outcome: 'failed', notice: text };
}

/** After Save As: closed when written, "replace it?" when the file exists, as it was otherwise. */
export function afterSaveAs(state: DialogState, input: { outcome: WriteOutcome; path: string }): DialogState {
  if (input.outcome === 'exists') return { ...state, dialog: { kind: 'replace', path: input.path } };
  if (input.outcome === 'saved') return { ...state, dialog: null };
  return state;
}

/** True when the document changed while its save was in flight: those edits are not in the file. */
export function editedDuringSave<T extends { topology: unknown; pendingText: string | null }>(before: T, after: T): boolean {
  return after.topology !== before.topology || after.pendingText !== before.pendingText;
}

/** The answer to "save your changes?": cancel closes, discard goes on, save goes on after a save. */
export function resolveUnsaved(state: DialogState, choice: 'save' | 'discard' | 'cancel'): UnsavedStep {
  if (state.dialog?.kind !== 'unsaved') return { kind: 'ignore' };
  if (choice === 'cancel') return { kind: 'close' };
  return { kind: 'continue', saveFirst: choice === 'save', then: state.dialog.then };
}

/** The dialog after the unsaved-changes question was answered and saved if asked: the gallery or the open dialog (a path opens, then this is null). */
export function continueReplace(state: DialogState, then: ReplaceTarget): DialogState {
  return { ...state, dialog: typeof then === 'object' ? null : { kind: then } };
}

/** A file that could not be opened: the open dialog shows why (the error stays), with the recent list. */
export function openFailed(state: DialogState): DialogState {
  return { ...state, dialog: { kind: 'open' } };
}

/** Crash recoveries found at start: offered unless another dialog is already up. */
export function offerRecoveries(state: DialogState, recoveries: Recovery[]): DialogState {
  if (recoveries.length === 0 || state.dialog) return state;
  return { ...state, dialog: { kind: 'recovery', recoveries } };
}

/** One recovery copy discarded: the list without it, closed when it was the last. */
export function discardedRecovery(state: DialogState, key: string): DialogState {
  if (state.dialog?.kind !== 'recovery') return state;
  const recoveries = state.dialog.recoveries.filter((r) => r.key !== key);
  return { ...state, dialog: recoveries.length ? { kind: 'recovery', recoveries } : null };
}
