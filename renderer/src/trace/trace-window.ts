/**
 * The trace table's bounded window on a run: contiguous pages of the records that match the
 * filters, loaded forward (`after`) or backward (`before`) from the host, the far end dropped once
 * it holds more than `max` rows. The renderer never holds a whole run.
 */
import type { TraceRecord } from '../../../agents/trace/record';
import type { RowFacts } from '../../../agents/trace/row-facts';

/** Records asked for per `trace.query` call. */
export const PAGE_SIZE = 200;
/** Rows the window keeps at most (five pages). */
export const MAX_ROWS = 1000;
/** Rows from either end of the window at which the next page is asked for. */
const LOAD_MARGIN = 60;

/** Matching records of one run, oldest first, without gaps in the filtered order. */
export interface TraceWindow {
  rows: TraceRecord[];
  /** More matching records before the first row. */
  hasBefore: boolean;
  /** More matching records after the last row (or newer ones arrived since). */
  hasAfter: boolean;
}

/** One page as `trace.query` answers it: oldest first for `after`, newest first for `before`. */
export interface Page {
  records: TraceRecord[];
  hasMore: boolean;
}

/** The window before anything loaded. */
export const EMPTY_WINDOW: TraceWindow = { rows: [], hasBefore: false, hasAfter: false };

/** A window from the run's first page (`after: 0`). */
export function headWindow(page: Page): TraceWindow {
  return { rows: page.records, hasBefore: false, hasAfter: page.hasMore };
}

/** A window from the run's last page (a `before` query from past the end). */
export function tailWindow(page: Page): TraceWindow {
  return { rows: [...page.records].reverse(), hasBefore: page.hasMore, hasAfter: false };
}

/** Adds a forward page at the end; rows beyond `max` go from the front (`dropped` of them). */
export function appendPage(window: TraceWindow, page: Page, max = MAX_ROWS): { window: TraceWindow; dropped: number } {
  const last = window.rows.at(-1)?.seq ?? 0;
  const rows = [...window.rows, ...page.records.filter((r) => r.seq > last)];
  const dropped = Math.max(0, rows.length - max);
  return {
    window: { rows: dropped ? rows.slice(dropped) : rows, hasBefore: window.hasBefore || dropped > 0, hasAfter: page.hasMore },
    dropped,
  };
}

/** Adds a backward page (newest first) at the front (`added` rows); rows beyond `max` go from the end. */
export function prependPage(window: TraceWindow, page: Page, max = MAX_ROWS): { window: TraceWindow; added: number } {
  const first = window.rows[0]?.seq ?? Number.MAX_SAFE_INTEGER;
  const older = page.records.filter((r) => r.seq < first).reverse();
  const rows = [...older, ...window.rows];
  const cut = rows.length > max;
  return { window: { rows: cut ? rows.slice(0, max) : rows, hasBefore: page.hasMore, hasAfter: window.hasAfter || cut }, added: older.length };
}

/** Where the next forward page starts. */
export const afterSeq = (window: TraceWindow): number => window.rows.at(-1)?.seq ?? 0;

/** Where the next backward page ends. */
export const beforeSeq = (window: TraceWindow): number => window.rows[0]?.seq ?? Number.MAX_SAFE_INTEGER;

/** Which page the rows on screen call for: `before` near the top, `after` near the bottom, else none. */
export function pageToLoad(window: TraceWindow, firstVisible: number, lastVisible: number, margin = LOAD_MARGIN): 'before' | 'after' | null {
  if (window.hasBefore && firstVisible < margin) return 'before';
  if (window.hasAfter && lastVisible >= window.rows.length - margin) return 'after';
  return null;
}

/** The keys that move the table's selection. */
export type SelectionKey = 'ArrowUp' | 'ArrowDown' | 'PageUp' | 'PageDown' | 'Home' | 'End';

/** True for a key that moves the selection. */
export const isSelectionKey = (key: string): key is SelectionKey => ['ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End'].includes(key);

/**
 * The seq selected after `key`: one row or a page (`pageRows`) up or down, or the first or last row
 * of the window; with nothing (or a dropped row) selected, down starts at the top and up at the bottom.
 */
export function moveSelection(rows: readonly { seq: number }[], selected: number | null, key: SelectionKey, pageRows = 20): number | null {
  if (rows.length === 0) return null;
  const index = selected === null ? -1 : rows.findIndex((r) => r.seq === selected);
  const last = rows.length - 1;
  const step = { ArrowUp: -1, ArrowDown: 1, PageUp: -pageRows, PageDown: pageRows, Home: -Infinity, End: Infinity }[key];
  const next = index < 0 ? (step > 0 ? 0 : last) : Math.min(last, Math.max(0, index + step));
  return rows[next]!.seq;
}

/** Each row's facts by seq: the previous ones and a page's (`facts[i]` is `records[i]`'s), kept only for `rows`. */
export function keepFacts(previous: Readonly<Record<number, RowFacts>>, page: { records: readonly TraceRecord[]; facts?: readonly RowFacts[] }, rows: readonly TraceRecord[]): Record<number, RowFacts> {
  const all: Record<number, RowFacts> = { ...previous };
  page.facts?.forEach((f) => (all[f.seq] = f));
  const kept: Record<number, RowFacts> = {};
  for (const r of rows) if (all[r.seq]) kept[r.seq] = all[r.seq]!;
  return kept;
}
