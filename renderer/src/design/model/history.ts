/**
 * Undo and redo as pure functions over the document's history: each takes the current topology
 * with its past and future and returns the next ones (the same object when nothing changes). The
 * document store calls these and adds what is not history (dirty flag, problems).
 */
import type { Topology } from '../../../../agents/topology/schema';

/** One edit, as the history records it. */
export interface HistoryEntry {
  topology: Topology;
  /** What the edit was ("Add agent", "Move 3 nodes", "Edit YAML"), for menus and tooltips. */
  label: string;
  /** Edits with the same key in quick succession merge into one undo step (typing, dragging). */
  coalesceKey?: string;
  at: number;
}

/** The current topology with what undo and redo go back and forth to. */
export interface HistoryState {
  topology: Topology;
  past: HistoryEntry[];
  future: HistoryEntry[];
}

/** One edit to record: the topology after it, its label and when it happened. */
interface EditInput {
  next: Topology;
  label: string;
  coalesceKey?: string;
  now: number;
}

/** How many undo steps are kept. */
const HISTORY_LIMIT = 200;
/** Edits with the same coalesce key closer together than this are one undo step. */
export const COALESCE_MS = 800;

/** Records an edit: `next` becomes current, the old topology goes to the past, the future is dropped. */
export function recordEdit(state: HistoryState, input: EditInput, limit = HISTORY_LIMIT): HistoryState {
  const { topology, past } = state;
  if (input.next === topology) return state;
  const last = past.at(-1);
  const merge = input.coalesceKey !== undefined && last?.coalesceKey === input.coalesceKey && input.now - last.at < COALESCE_MS;
  const entry: HistoryEntry = { topology, label: input.label, at: input.now, ...(input.coalesceKey !== undefined && { coalesceKey: input.coalesceKey }) };
  return {
    topology: input.next,
    // A merged edit keeps the oldest topology (undo goes back before the whole burst) and restarts the window.
    past: merge ? [...past.slice(0, -1), { ...last, at: input.now }] : [...past, entry].slice(-limit),
    future: [],
  };
}

/** Goes one step back; the same state when there is nothing to undo. */
export function undo(state: HistoryState, now: number): HistoryState {
  const previous = state.past.at(-1);
  if (!previous) return state;
  return {
    topology: previous.topology,
    past: state.past.slice(0, -1),
    future: [{ topology: state.topology, label: previous.label, at: now }, ...state.future],
  };
}

/** Goes one step forward again; the same state when there is nothing to redo. */
export function redo(state: HistoryState, now: number): HistoryState {
  const next = state.future[0];
  if (!next) return state;
  return {
    topology: next.topology,
    past: [...state.past, { topology: state.topology, label: next.label, at: now }],
    future: state.future.slice(1),
  };
}
