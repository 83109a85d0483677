/**
 * The open topology document: the single source of truth that the canvas, the inspector, the
 * prompt editor and the YAML source view all edit. Edits are pure functions `(topology) =>
 * topology`; the store keeps the history (undo/redo), the dirty flag, the file it belongs to and
 * the problems of the current state. Text from the source view that does not load leaves the
 * last valid topology in place and is kept as `pendingText` with its problems: nothing typed is
 * lost.
 */
import { createStore, type StoreApi } from 'zustand';
import { loadTopology, type Problem } from '../../../agents/topology/load';
import { toYaml } from '../../../agents/topology/save';
import type { Topology } from '../../../agents/topology/schema';
import { validateTopology } from '../../../agents/topology/validate';
import { recordEdit, redo, undo, type HistoryEntry, type HistoryState } from '../design/model/history';
import { storeHook } from './stores-context';

/** The document store's state and actions. */
export interface DocumentStore {
  /** The current topology; null before anything is opened. */
  topology: Topology | null;
  /** Where it is saved; null for a document never saved. */
  path: string | null;
  /** The file's mtime when opened or last saved (saves refuse to clobber a file changed since). */
  mtimeMs: number | null;
  /** A key for autosave recovery copies: the path, or a generated id for untitled documents. */
  recoveryKey: string;
  /** True when the topology differs from what was last opened or saved. */
  dirty: boolean;
  /** Problems of `topology` (or of `pendingText` while that does not load), with lines for YAML. */
  problems: Problem[];
  /** Source-view text that does not load yet; null when the source view matches `topology`. */
  pendingText: string | null;
  /** True for a file from a newer Switchboard: shown, never saved over. */
  readOnly: boolean;
  past: HistoryEntry[];
  future: HistoryEntry[];

  /** Opens text (a file's, a template's, a recovery copy's) as a new document. */
  open(text: string, source: { path: string | null; mtimeMs?: number | null; dirty?: boolean; fileName?: string }): { ok: boolean; problems: Problem[] };
  /** Applies one edit; no-op when it returns the same object. */
  edit(label: string, change: (topology: Topology) => Topology, coalesceKey?: string): void;
  /** Applies text from the source view: a valid text becomes the topology (one undoable step). */
  editText(text: string): void;
  undo(): void;
  redo(): void;
  /** Records a successful save. */
  saved(path: string, mtimeMs: number): void;
  /** The document as YAML (what Save writes). */
  text(): string;
}

const LINES_DELAY_MS = 300;

/** Creates the document store (no host calls: files-store reads and writes files). */
export function createDocumentStore(): StoreApi<DocumentStore> {
  return createStore<DocumentStore>()((set, get) => {
    let untitled = 0;
    // Problems right away come from the rules alone (about 1 ms for 500 agents); their line numbers
    // need the YAML form (over 100 ms at that size), so they follow once edits pause.
    let linesTimer: ReturnType<typeof setTimeout> | null = null;
    const problemsOf = (topology: Topology): Problem[] => {
      if (linesTimer) clearTimeout(linesTimer);
      linesTimer = setTimeout(() => {
        linesTimer = null;
        if (get().topology === topology && get().pendingText === null) set({ problems: validate(topology) });
      }, LINES_DELAY_MS);
      return validateTopology(topology);
    };

    /** Applies a history step (edit, undo, redo): the document is then unsaved and its problems new. */
    const step = (from: HistoryState, to: HistoryState) => {
      if (to === from) return;
      set({ ...to, dirty: true, problems: problemsOf(to.topology), pendingText: null });
    };

    return {
      topology: null,
      path: null,
      mtimeMs: null,
      recoveryKey: `untitled-${Date.now()}`,
      dirty: false,
      problems: [],
      pendingText: null,
      readOnly: false,
      past: [],
      future: [],

      open(text, source) {
        const result = loadTopology(text, source.fileName ?? source.path ?? 'untitled.yaml');
        // A file with semantic errors opens (schema-valid is enough): the designer is where they get fixed.
        const topology = result.topology ?? result.parsed;
        if (!topology) {
          // Keep the text so the user can fix it in the source view; the canvas stays empty.
          set({
            topology: null,
            pendingText: text,
            problems: result.problems,
            readOnly: result.readOnly,
            path: source.path,
            mtimeMs: source.mtimeMs ?? null,
            // Its own recovery key: autosave must not overwrite the previous document's copy.
            recoveryKey: source.path ?? `untitled-${Date.now()}-${++untitled}`,
            dirty: false,
            past: [],
            future: [],
          });
          return { ok: false, problems: result.problems };
        }
        set({
          topology,
          path: source.path,
          mtimeMs: source.mtimeMs ?? null,
          recoveryKey: source.path ?? `untitled-${Date.now()}-${++untitled}`,
          dirty: source.dirty ?? result.migrated.length > 0,
          problems: result.problems,
          pendingText: null,
          readOnly: result.readOnly,
          past: [],
          future: [],
        });
        return { ok: true, problems: result.problems };
      },

      edit(label, change, coalesceKey) {
        const { topology, past, future, readOnly } = get();
        if (!topology || readOnly) return;
        const from = { topology, past, future };
        step(from, recordEdit(from, { next: change(topology), label, now: Date.now(), ...(coalesceKey !== undefined && { coalesceKey }) }));
      },

      editText(text) {
        const result = loadTopology(text, get().path ?? 'untitled.yaml');
        const parsed = result.topology ?? result.parsed;
        if (!parsed) {
          set({ pendingText: text, problems: result.problems });
          return;
        }
        if (!get().topology) {
          // A file that did not load, repaired in the source view: it becomes the document.
          if (!get().readOnly) set({ topology: parsed, pendingText: null, problems: result.problems, dirty: true });
          return;
        }
        if (get().topology && toYaml(parsed) === toYaml(get().topology!)) {
          set({ pendingText: null, problems: result.problems });
          return;
        }
        get().edit('Edit YAML', () => parsed, 'source-text');
      },

      undo() {
        const { topology, past, future } = get();
        if (!topology) return;
        const from = { topology, past, future };
        step(from, undo(from, Date.now()));
      },

      redo() {
        const { topology, past, future } = get();
        if (!topology) return;
        const from = { topology, past, future };
        step(from, redo(from, Date.now()));
      },

      saved(path, mtimeMs) {
        set({ path, mtimeMs, dirty: false, recoveryKey: path });
      },

      text() {
        const { topology, pendingText } = get();
        if (pendingText !== null) return pendingText;
        return topology ? toYaml(topology) : '';
      },
    };
  });
}

/** The document store's hook (see {@link storeHook}). */
export const useDocumentStore = storeHook('document');

/** Problems of a topology as the app shows them (with lines, as in its YAML form). */
function validate(topology: Topology): Problem[] {
  return loadTopology(toYaml(topology), 'topology.yaml').problems;
}
