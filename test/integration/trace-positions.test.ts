// Position paging on the on-disk store (match-positions.ts): over a generated run of 120,000
// records, `offset` pages, `total`, `after`/`before` pages and `locate` agree with filtering every
// record with `matchesQuery`, also while records are appended (a request that fails later joins
// `errors`), with subjects past the index's capacity (records read and checked); an offset page
// once the positions are known reads only its own records; text filters keep seq paging.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TraceQuerySchema, matchesQuery, type TraceFilter } from '../../agents/trace/query.js';
import type { TraceRecord } from '../../agents/trace/record.js';
import { runFlags } from '../../agents/trace/record-flags.js';
import { TraceStore } from '../../main/host/trace/index.js';
import { TraceReader } from '../../main/host/trace/trace-reader.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { generate, prng } from '../helpers/trace-runs.js';

const COUNT = 120_000;
const FILTERS: TraceFilter[] = [
  {},
  { infrastructure: 'hide' },
  { infrastructure: 'only' },
  { subject: 'agents.>', agent: 'bob' },
  { subject: 'agents.response.*.*' }, // unique subjects: past capacity, grouped, read and checked
  { subject: 'agents.response.carol.m77777' },
  { agent: 'alice', type: 'request', infrastructure: 'hide' },
  { kind: 'event', type: 'llm.call' },
  { errors: true },
  { errors: true, infrastructure: 'hide', agent: 'dave' },
  { from: '2025-01-01T12:03:00.000Z', to: '2025-01-01T12:06:00Z' },
  { agent: 'nobody-at-all' },
];

let tmp: string;
let records: TraceRecord[];
let flags: number[];
beforeAll(async () => {
  tmp = await makeTempDir('trace-positions');
  records = generate(COUNT, 12);
  flags = runFlags(records);
});
afterAll(async () => {
  await removeTempDir(tmp);
});

/** Seqs of the records matching `filter` in a run of the first `n` records, from every record in memory. */
function expected(filter: TraceFilter, n = COUNT): number[] {
  const parsed = TraceQuerySchema.parse(filter);
  const flagsThen = n === COUNT ? flags : runFlags(records.slice(0, n)); // later replies patch earlier requests
  const seqs: number[] = [];
  for (let i = 0; i < n; i++) if (matchesQuery(records[i]!, parsed, flagsThen[i])) seqs.push(records[i]!.seq);
  return seqs;
}

async function storeOf(n: number, run: string): Promise<TraceStore> {
  // Few subjects by name: unique response subjects share their parent's id, so queries must read them.
  const store = await TraceStore.create(tmp, { format: 'switchboard.trace/v1', run, startedAt: new Date().toISOString(), topology: null }, { maxSubjects: 500, maxSubjectGroups: 200 });
  for (let i = 0; i < n; i++) store.append(records[i]!);
  return store;
}

/** Checks offset pages, total, after/before pages and locate against `want` at a few random places. */
async function agree(store: TraceStore, filter: TraceFilter, want: number[], seed: number): Promise<void> {
  const rand = prng(seed);
  const label = JSON.stringify(filter);
  const first = await store.query({ ...filter, offset: 0, limit: 50 });
  expect(first.total, label).toBe(want.length);
  expect(first.records.map((r) => r.seq), label).toEqual(want.slice(0, 50));
  const offsets = [Math.max(0, want.length - 3), Math.floor(want.length / 2), ...Array.from({ length: 4 }, () => Math.floor(rand() * want.length))];
  for (const offset of offsets) {
    const page = await store.query({ ...filter, offset, limit: 300 });
    expect(page.records.map((r) => r.seq), `${label} @${offset}`).toEqual(want.slice(offset, offset + 300));
    expect(page.hasMore).toBe(offset + 300 < want.length);
    expect(page.offset).toBe(page.records.length ? offset : null);
  }
  const past = await store.query({ ...filter, offset: want.length + 5, limit: 10 });
  expect([past.records.length, past.hasMore, past.total]).toEqual([0, false, want.length]);
  // after / before by seq find the same places.
  const cut = records[Math.floor(rand() * COUNT)]!.seq;
  const after = await store.query({ ...filter, after: cut, limit: 100 });
  const from = want.findIndex((s) => s > cut);
  expect(after.records.map((r) => r.seq), `${label} after ${cut}`).toEqual(from < 0 ? [] : want.slice(from, from + 100));
  expect(after.offset).toBe(from < 0 ? null : from);
  const before = await store.query({ ...filter, before: cut, limit: 100 });
  const end = from < 0 ? want.length : want[from - 1] === cut ? from - 1 : from;
  expect(before.records.map((r) => r.seq), `${label} before ${cut}`).toEqual(want.slice(Math.max(0, end - 100), end).reverse());
  expect(before.hasMore).toBe(end > 100);
  // locate: the position of a matching record, or where a record that does not match would be.
  const sample = [...Array.from({ length: 3 }, () => want[Math.floor(rand() * want.length)]).filter((s) => s !== undefined), 1 + Math.floor(rand() * COUNT)];
  for (const seq of sample) {
    const at = await store.locate(filter, seq);
    const position = want.filter((s) => s < seq).length;
    expect(at, `${label} locate ${seq}`).toEqual({ position, matches: want.includes(seq), total: want.length });
  }
}

describe('position paging', () => {
  it('agrees with matchesQuery over 120,000 records, also as the run grows', async () => {
    const half = COUNT / 2;
    const store = await storeOf(half, 'grows');
    try {
      for (const [k, filter] of FILTERS.entries()) await agree(store, filter, expected(filter, half), k + 1);
      // Appended records extend the positions (and a request that failed or timed out after the
      // first scan now matches `errors`).
      for (let i = half; i < COUNT; i++) store.append(records[i]!);
      for (const [k, filter] of FILTERS.entries()) await agree(store, filter, expected(filter), 100 + k);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('reads only the page once the positions are known, and keeps seq paging for text', async () => {
    const store = await storeOf(COUNT, 'reads');
    try {
      const filter: TraceFilter = { subject: 'agents.>', infrastructure: 'hide' };
      const want = expected(filter);
      await store.query({ ...filter, offset: 0, limit: 10 }); // builds the positions
      const read = vi.spyOn(TraceReader.prototype, 'read');
      try {
        const page = await store.query({ ...filter, offset: Math.floor(want.length * 0.7), limit: 200 });
        expect(page.records).toHaveLength(200);
        expect(read.mock.calls.reduce((sum, [ids]) => sum + ids.length, 0)).toBe(200);
      } finally {
        read.mockRestore();
      }
      // Text is only known from the records: no total, no offset, seq paging as before.
      const text = await store.query({ text: 'refund', after: 0, limit: 20 });
      expect([text.total, text.offset, text.records.length]).toEqual([null, null, 20]);
      expect(text.records.map((r) => r.seq)).toEqual(expected({ text: 'refund' }).slice(0, 20));
      await expect(store.query({ text: 'refund', offset: 10 })).rejects.toThrow(/offset paging needs filters the index answers/);
      expect(() => TraceQuerySchema.parse({ offset: 1, after: 2 })).toThrow(/one of after, before or offset/);
      expect(await store.locate({ text: 'refund' }, want[0]!)).toEqual({ position: null, matches: records[want[0]! - 1]!.kind === 'message' && /refund/i.test((records[want[0]! - 1] as { payload: string }).payload), total: null });
    } finally {
      await store.close();
    }
  }, 120_000);
});
