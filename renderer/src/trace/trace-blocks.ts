/**
 * The trace table's rows by position in the filtered result, when the host knows the positions
 * (`trace.query` with `offset` answers a `total`): blocks of BLOCK_ROWS rows fetched as they
 * scroll into view, the least recently used dropped past MAX_BLOCKS, so the renderer holds a few
 * thousand rows of a run of millions. Pure functions on an immutable value.
 */
import type { TraceRecord } from '../../../agents/trace/record';
import type { RowFacts } from '../../../agents/trace/row-facts';

/** Rows a block holds (one `trace.query` each). */
export const BLOCK_ROWS = 200;
/** Blocks kept at most (3,000 rows). */
export const MAX_BLOCKS = 15;

/** One loaded row: its record and the host's facts about it. */
export interface Row {
  record: TraceRecord;
  facts: RowFacts | undefined;
}

/** Loaded blocks by number (block b holds positions b·BLOCK_ROWS …), oldest use first; a block may have holes. */
export interface RowBlocks {
  readonly blocks: ReadonlyMap<number, readonly (Row | undefined)[]>;
}

/** Nothing loaded. */
export const EMPTY_BLOCKS: RowBlocks = { blocks: new Map() };

/** The block that holds `position`. */
export const blockOf = (position: number): number => Math.floor(position / BLOCK_ROWS);

/** The row at `position`, when loaded. */
export function rowAt(rows: RowBlocks, position: number): Row | undefined {
  return rows.blocks.get(blockOf(position))?.[position % BLOCK_ROWS];
}

/**
 * `records` (oldest first, with their facts by seq) placed from `offset` on; the blocks touched
 * become the most recently used, and the least recently used beyond `max` are dropped, except
 * those in `keep` (on screen).
 */
export function placeRows(rows: RowBlocks, offset: number, records: readonly TraceRecord[], facts: readonly RowFacts[] | undefined, keep: ReadonlySet<number> = new Set(), max = MAX_BLOCKS): RowBlocks {
  const blocks = new Map(rows.blocks);
  const bySeq = new Map(facts?.map((f) => [f.seq, f]));
  for (let k = 0; k < records.length; ) {
    const position = offset + k;
    const b = blockOf(position);
    const block = [...(blocks.get(b) ?? [])];
    for (let at = position % BLOCK_ROWS; at < BLOCK_ROWS && k < records.length; at++, k++) {
      const record = records[k]!;
      block[at] = { record, facts: bySeq.get(record.seq) };
    }
    blocks.delete(b);
    blocks.set(b, block);
  }
  return { blocks: evict(blocks, keep, max) };
}

/** Marks blocks as just used (they go to the end of the eviction order); the same value when they already are. */
export function touch(rows: RowBlocks, used: ReadonlySet<number>): RowBlocks {
  const loaded = [...used].filter((b) => rows.blocks.has(b));
  const newest = [...rows.blocks.keys()].slice(-loaded.length);
  if (loaded.length === 0 || newest.every((b) => used.has(b))) return rows;
  const blocks = new Map(rows.blocks);
  for (const b of used) {
    const block = blocks.get(b);
    if (block) {
      blocks.delete(b);
      blocks.set(b, block);
    }
  }
  return { blocks };
}

function evict(blocks: Map<number, readonly (Row | undefined)[]>, keep: ReadonlySet<number>, max: number): Map<number, readonly (Row | undefined)[]> {
  for (const b of blocks.keys()) {
    if (blocks.size <= max) break;
    if (!keep.has(b)) blocks.delete(b);
  }
  return blocks;
}

/** The blocks with a row missing among positions `first`…`last` (clipped to `total`), in order. */
export function missingBlocks(rows: RowBlocks, first: number, last: number, total: number): number[] {
  const end = Math.min(last, total - 1);
  const missing: number[] = [];
  for (let b = blockOf(Math.max(0, first)); b * BLOCK_ROWS <= end; b++) {
    const block = rows.blocks.get(b);
    const from = Math.max(first, b * BLOCK_ROWS);
    const to = Math.min(end, (b + 1) * BLOCK_ROWS - 1);
    let complete = block !== undefined;
    for (let p = from; complete && p <= to; p++) complete = block![p % BLOCK_ROWS] !== undefined;
    if (!complete) missing.push(b);
  }
  return missing;
}

/** The position of the loaded row with `seq`, or -1. */
export function positionOfSeq(rows: RowBlocks, seq: number): number {
  for (const [b, block] of rows.blocks) {
    const at = block.findIndex((row) => row?.record.seq === seq);
    if (at >= 0) return b * BLOCK_ROWS + at;
  }
  return -1;
}

/** Rows loaded in all (the renderer's bound). */
export const loadedRows = (rows: RowBlocks): number => [...rows.blocks.values()].reduce((sum, block) => sum + block.filter(Boolean).length, 0);
