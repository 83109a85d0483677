/** The trace workspace's panel sizes: clamped to what fits, kept in localStorage across sessions. */

/** Widths in px of the counts sidebar and the detail pane (the table takes the rest). */
export interface TraceLayout {
  sidebar: number;
  detail: number;
}

const KEY = 'switchboard.trace.layout';
export const DEFAULT_LAYOUT: TraceLayout = { sidebar: 160, detail: 440 };
/** The table keeps at least this many px. */
const MIN_TABLE = 560;

/** A panel width kept between its minimum and what leaves the table room in `total` px. */
export function clampPanel(width: number, min: number, total: number, others: number): number {
  return Math.round(Math.max(min, Math.min(width, total - others - MIN_TABLE)));
}

/** The saved layout, or the default when none is saved (or it is unreadable). */
export function loadLayout(storage: Pick<Storage, 'getItem'> | undefined): TraceLayout {
  try {
    const saved = JSON.parse(storage?.getItem(KEY) ?? 'null') as Partial<TraceLayout> | null;
    const ok = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0;
    return { sidebar: ok(saved?.sidebar) ? saved.sidebar : DEFAULT_LAYOUT.sidebar, detail: ok(saved?.detail) ? saved.detail : DEFAULT_LAYOUT.detail };
  } catch {
    return DEFAULT_LAYOUT;
  }
}

/** Saves the layout (quietly does nothing where storage is unavailable). */
export function saveLayout(storage: Pick<Storage, 'setItem'> | undefined, layout: TraceLayout): void {
  try {
    storage?.setItem(KEY, JSON.stringify(layout));
  } catch {
    // Private mode or a full quota: sizes just do not persist.
  }
}
