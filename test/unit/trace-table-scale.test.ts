// The trace table at a million rows: rows by position in blocks (placed at any offset, least
// recently used dropped but never those on screen, holes found), and the scroll geometry that
// scales a result taller than a browser can draw so the first and the last row are both reachable.
import { describe, expect, it } from 'vitest';
import type { RowFacts } from '../../agents/trace/row-facts.js';
import { BLOCK_ROWS, EMPTY_BLOCKS, loadedRows, missingBlocks, placeRows, positionOfSeq, rowAt, touch } from '../../renderer/src/trace/trace-blocks.js';
import { atEnd, contentHeight, MAX_SCROLL_PX, ROW_HEIGHT, rowTop, scrollTopFor, visibleRows } from '../../renderer/src/trace/trace-viewport.js';
import { messageRecord } from '../helpers/trace-events.js';

const record = (seq: number) => messageRecord({ seq, time: new Date(Date.UTC(2026, 11, 6, 7, 0, 0, seq)).toISOString(), mono: seq * 10 }, `s.${seq}`, 'x');
const records = (from: number, n: number) => Array.from({ length: n }, (_, i) => record(from + i));
const fact = (seq: number): RowFacts => ({ seq, from: 'a', to: 'b', type: 'request', status: 'ok', error: null, replySeq: null, requestSeq: null, latencyMs: seq });

describe('rows by position', () => {
  it('places a page at any offset, across blocks, with its facts by seq', () => {
    const rows = placeRows(EMPTY_BLOCKS, BLOCK_ROWS - 2, records(1000, 5), [fact(1001)]);
    expect(rowAt(rows, BLOCK_ROWS - 2)?.record.seq).toBe(1000);
    expect(rowAt(rows, BLOCK_ROWS + 2)?.record.seq).toBe(1004);
    expect(rowAt(rows, BLOCK_ROWS - 1)?.facts?.latencyMs).toBe(1001);
    expect(rowAt(rows, BLOCK_ROWS + 3)).toBeUndefined();
    expect(positionOfSeq(rows, 1003)).toBe(BLOCK_ROWS + 1);
    expect(positionOfSeq(rows, 7)).toBe(-1);
  });

  it('finds the blocks with rows missing in a range, up to the total', () => {
    let rows = placeRows(EMPTY_BLOCKS, 0, records(1, BLOCK_ROWS), undefined);
    rows = placeRows(rows, 2 * BLOCK_ROWS, records(5000, 10), undefined); // block 2 only partly loaded
    expect(missingBlocks(rows, 0, 4 * BLOCK_ROWS, 10 * BLOCK_ROWS)).toEqual([1, 2, 3, 4]);
    expect(missingBlocks(rows, 2 * BLOCK_ROWS, 2 * BLOCK_ROWS + 9, 10 * BLOCK_ROWS)).toEqual([]);
    // The last block of the result is complete when it holds every row up to the total.
    expect(missingBlocks(rows, 2 * BLOCK_ROWS, 3 * BLOCK_ROWS, 2 * BLOCK_ROWS + 10)).toEqual([]);
    expect(missingBlocks(rows, 0, 10, 0)).toEqual([]);
  });

  it('keeps at most max blocks, dropping the least recently used but never those on screen', () => {
    let rows = EMPTY_BLOCKS;
    for (let b = 0; b < 5; b++) rows = placeRows(rows, b * BLOCK_ROWS, records(b * BLOCK_ROWS + 1, BLOCK_ROWS), undefined, new Set(), 3);
    expect([...rows.blocks.keys()]).toEqual([2, 3, 4]);
    rows = touch(rows, new Set([2]));
    expect([...rows.blocks.keys()]).toEqual([3, 4, 2]);
    expect(touch(rows, new Set([2]))).toBe(rows); // already the newest: the same value
    rows = placeRows(rows, 9 * BLOCK_ROWS, records(1, 1), undefined, new Set([3]), 3);
    expect([...rows.blocks.keys()].sort()).toEqual([2, 3, 9]);
    expect(loadedRows(rows)).toBe(2 * BLOCK_ROWS + 1);
  });
});

describe('scroll geometry', () => {
  it('draws a small result 1:1', () => {
    expect(contentHeight(100)).toBe(100 * ROW_HEIGHT);
    const v = visibleRows(10 * ROW_HEIGHT, 10 * ROW_HEIGHT, 100);
    expect([v.first, v.last]).toEqual([10, 19]);
    expect(rowTop(12, 10 * ROW_HEIGHT, v)).toBe(12 * ROW_HEIGHT);
    expect(scrollTopFor(50, 'center', 0, 10 * ROW_HEIGHT, 100)).toBe(50 * ROW_HEIGHT - 4.5 * ROW_HEIGHT);
    expect(scrollTopFor(12, 'auto', 10 * ROW_HEIGHT, 10 * ROW_HEIGHT, 100)).toBe(10 * ROW_HEIGHT); // in view: stays
    expect(scrollTopFor(25, 'auto', 10 * ROW_HEIGHT, 10 * ROW_HEIGHT, 100)).toBe(16 * ROW_HEIGHT); // brought in at the bottom
    expect(visibleRows(0, 480, 0)).toEqual({ top: 0, first: 0, last: -1 });
  });

  it('scales a result taller than the browser draws, reaching the first and the last row', () => {
    const count = 5_000_000;
    const viewport = 600;
    expect(contentHeight(count)).toBe(MAX_SCROLL_PX);
    const end = MAX_SCROLL_PX - viewport;
    const last = visibleRows(end, viewport, count);
    expect(last.last).toBe(count - 1);
    expect(rowTop(count - 1, end, last) + ROW_HEIGHT).toBeCloseTo(end + viewport, 6); // the last row ends at the viewport's bottom
    expect(atEnd(end, viewport, count)).toBe(true);
    expect(atEnd(end - 100, viewport, count)).toBe(false);
    // The middle row centred lands in view, drawn at the viewport's centre.
    const middle = count / 2;
    const top = scrollTopFor(middle, 'center', 0, viewport, count);
    const v = visibleRows(top, viewport, count);
    expect(v.first).toBeLessThanOrEqual(middle);
    expect(v.last).toBeGreaterThanOrEqual(middle);
    expect(rowTop(middle, top, v) - top).toBeCloseTo((viewport - ROW_HEIGHT) / 2, 6);
    expect(scrollTopFor(count - 1, 'end', 0, viewport, count)).toBeCloseTo(end, 6);
  });
});
