/**
 * The Compare tab's rows, paged from the host (`trace.compare` with offset/limit): pages of
 * COMPARE_PAGE aligned rows loaded as they come into view, the least recently used dropped past
 * MAX_PAGES (the renderer never holds a whole comparison); finding the next or previous
 * difference over loaded pages, saying which page to load when it is not known yet; the summary
 * line. Pure functions on immutable values.
 */
import type { AlignedRow, TraceComparison } from '../../../agents/trace/diff-schema';

/** Rows one `trace.compare` page asks for (the host takes up to 500). */
export const COMPARE_PAGE = 200;
/** Pages kept at most (2,400 rows). */
const MAX_PAGES = 12;

/** Loaded pages by number (page p holds rows p·COMPARE_PAGE …), oldest use first. */
export interface ComparePages {
  readonly pages: ReadonlyMap<number, readonly AlignedRow[]>;
}

/** Nothing loaded. */
export const NO_PAGES: ComparePages = { pages: new Map() };

/** The page that holds row `index`. */
export const pageOf = (index: number): number => Math.floor(index / COMPARE_PAGE);

/** Row `index`, when loaded. */
export const compareRowAt = (rows: ComparePages, index: number): AlignedRow | undefined => rows.pages.get(pageOf(index))?.[index % COMPARE_PAGE];

/** `page`'s rows placed (it becomes the most recently used); the least recently used past MAX_PAGES go, except those in `keep`. */
export function placePage(rows: ComparePages, page: number, placed: readonly AlignedRow[], keep: ReadonlySet<number> = new Set()): ComparePages {
  const pages = new Map(rows.pages);
  pages.delete(page);
  pages.set(page, placed);
  for (const p of pages.keys()) {
    if (pages.size <= MAX_PAGES) break;
    if (!keep.has(p) && p !== page) pages.delete(p);
  }
  return { pages };
}

/** The pages not loaded among rows `first`…`last` (clipped to `total`), in order. */
export function missingPages(rows: ComparePages, first: number, last: number, total: number): number[] {
  const missing: number[] = [];
  for (let p = pageOf(Math.max(0, first)); p <= pageOf(Math.min(last, total - 1)) && p * COMPARE_PAGE < total; p++) if (!rows.pages.has(p)) missing.push(p);
  return missing;
}

/** Where the next difference after (or before) row `from` is: found, none, or in a page to load first. */
export type DifferenceSearch = { found: number } | { none: true } | { load: number };

/** Looks for the nearest row after `from` (direction 1) or before it (-1) whose status is not `same`. */
export function findDifference(rows: ComparePages, from: number, direction: 1 | -1, total: number): DifferenceSearch {
  for (let i = from + direction; i >= 0 && i < total; i += direction) {
    const page = rows.pages.get(pageOf(i));
    if (!page) return { load: pageOf(i) };
    const row = page[i % COMPARE_PAGE];
    if (!row) return { load: pageOf(i) };
    if (row.status !== 'same') return { found: i };
  }
  return { none: true };
}

/** The summary line: "412 same · 3 changed · 1 only in A · 0 only in B". */
export function summaryLine(summary: TraceComparison['summary']): string {
  const n = (k: number) => k.toLocaleString('en-US');
  return `${n(summary.same)} same · ${n(summary.changed)} changed · ${n(summary.onlyA)} only in A · ${n(summary.onlyB)} only in B`;
}

/** A part of a content shown with its word-level change. */
export interface DiffPart {
  text: string;
  change: 'same' | 'removed' | 'added';
}

/** Above this many token pairs the diff marks the changed middle whole (the LCS table would be big). */
const MAX_CELLS = 60_000;

/** Word-level diff of two contents: A's parts (same | removed) and B's (same | added). */
export function wordDiff(a: string, b: string): { a: DiffPart[]; b: DiffPart[] } {
  const ta = a.match(/\s+|[^\s]+/g) ?? [];
  const tb = b.match(/\s+|[^\s]+/g) ?? [];
  // The common head and tail need no table.
  let head = 0;
  while (head < ta.length && head < tb.length && ta[head] === tb[head]) head++;
  let tail = 0;
  while (tail < ta.length - head && tail < tb.length - head && ta[ta.length - 1 - tail] === tb[tb.length - 1 - tail]) tail++;
  const ma = ta.slice(head, ta.length - tail);
  const mb = tb.slice(head, tb.length - tail);
  const outA: DiffPart[] = [];
  const outB: DiffPart[] = [];
  const push = (out: DiffPart[], text: string, change: DiffPart['change']) => {
    if (!text) return;
    const last = out.at(-1);
    if (last?.change === change) last.text += text;
    else out.push({ text, change });
  };
  const same = (text: string) => (push(outA, text, 'same'), push(outB, text, 'same'));
  same(ta.slice(0, head).join(''));
  if (ma.length * mb.length > MAX_CELLS) {
    push(outA, ma.join(''), 'removed');
    push(outB, mb.join(''), 'added');
  } else {
    // lcs[i][j]: the longest common subsequence of ma[i…] and mb[j…].
    const w = mb.length + 1;
    const lcs = new Uint16Array((ma.length + 1) * w);
    for (let i = ma.length - 1; i >= 0; i--) for (let j = mb.length - 1; j >= 0; j--) lcs[i * w + j] = ma[i] === mb[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    let i = 0;
    let j = 0;
    while (i < ma.length || j < mb.length) {
      if (i < ma.length && j < mb.length && ma[i] === mb[j]) {
        same(ma[i]!);
        i++;
        j++;
      } else if (j < mb.length && (i === ma.length || lcs[i * w + j + 1]! >= lcs[(i + 1) * w + j]!)) push(outB, mb[j++]!, 'added');
      else push(outA, ma[i++]!, 'removed');
    }
  }
  same(ta.slice(ta.length - tail).join(''));
  return { a: outA, b: outB };
}
