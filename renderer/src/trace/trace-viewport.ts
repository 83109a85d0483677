/**
 * The trace table's scroll geometry at fixed row height: which rows a scroll position shows and
 * where to scroll to show a row. Browsers cap an element's height (Chrome at about 33.5 million
 * px, Firefox lower), so past MAX_SCROLL_PX the scroll range stands for the whole result scaled:
 * a million rows of 24 px still scroll from the first to the last.
 */

/** Every row's height in px. */
export const ROW_HEIGHT = 24;
/** The tallest scroll content drawn; longer results are scaled into it. */
export const MAX_SCROLL_PX = 15_000_000;

/** Height of the scroll content for `count` rows. */
export const contentHeight = (count: number): number => Math.min(count * ROW_HEIGHT, MAX_SCROLL_PX);

/** Px of the whole result per px of scroll range (1 unless scaled). */
function scale(count: number, viewport: number): number {
  const real = count * ROW_HEIGHT - viewport;
  const drawn = contentHeight(count) - viewport;
  return real <= 0 || drawn <= 0 ? 1 : real / drawn;
}

/** What a scroll position shows: the offset into the whole result at the top, the rows in view, and where row `i` is drawn. */
export interface Visible {
  /** Offset in px into the whole result (count · ROW_HEIGHT) at the viewport's top. */
  top: number;
  first: number;
  /** The last row at least partly in view (inclusive); −1 when none. */
  last: number;
}

/** The rows in view at `scrollTop` in a viewport `viewport` px high. */
export function visibleRows(scrollTop: number, viewport: number, count: number): Visible {
  const top = Math.max(0, scrollTop * scale(count, viewport));
  if (count === 0) return { top: 0, first: 0, last: -1 };
  const first = Math.min(count - 1, Math.floor(top / ROW_HEIGHT));
  const last = Math.min(count - 1, Math.ceil((top + viewport) / ROW_HEIGHT) - 1);
  return { top, first, last: Math.max(first, last) };
}

/** Where row `index` is drawn in the scroll content (px from its top), given the scroll position. */
export const rowTop = (index: number, scrollTop: number, visible: Visible): number => scrollTop + index * ROW_HEIGHT - visible.top;

/**
 * The scrollTop that shows row `index`: centred, at the end (the newest row at the bottom), or
 * `auto` (unchanged when it is in full view, else just brought in at the nearer edge).
 */
export function scrollTopFor(index: number, align: 'center' | 'auto' | 'end', scrollTop: number, viewport: number, count: number): number {
  const k = scale(count, viewport);
  const maxTop = Math.max(0, count * ROW_HEIGHT - viewport);
  const at = index * ROW_HEIGHT;
  const current = scrollTop * k;
  let top: number;
  if (align === 'center') top = at - (viewport - ROW_HEIGHT) / 2;
  else if (align === 'end') top = maxTop;
  else if (at < current) top = at;
  else if (at + ROW_HEIGHT > current + viewport) top = at + ROW_HEIGHT - viewport;
  else return scrollTop;
  return Math.max(0, Math.min(maxTop, top)) / k;
}

/** True when the viewport shows the last row (following the live run keeps it so). */
export const atEnd = (scrollTop: number, viewport: number, count: number): boolean => scrollTop + viewport >= contentHeight(count) - ROW_HEIGHT / 2;
