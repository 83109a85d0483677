// The Compare tab's store over a scripted host: opening two runs selects their first divergence
// and reads its two records by seq; n / p reach differences in pages not loaded yet (and say when
// there is none); the same run twice is refused; the word-level diff marks only what changed.
import { describe, expect, it } from 'vitest';
import type { AlignedRow, TraceComparison } from '../../agents/trace/diff-schema.js';
import type { RpcResult } from '../../preload/contract.js';
import { ApiClient, type Transport } from '../../renderer/src/api.js';
import { defaultPair, replayLabel } from '../../renderer/src/debugger/compare-actions.js';
import { COMPARE_PAGE, findDifference, NO_PAGES, placePage, summaryLine, wordDiff } from '../../renderer/src/debugger/compare-rows.js';
import { createStores } from '../../renderer/src/stores/stores.js';

const ok = (value: unknown): RpcResult => ({ ok: true, value });
const TOTAL = 1000;
/** Rows that differ in the scripted alignment. */
const CHANGED = new Set([17, 850]);

const digest = (seq: number, content: string) => ({ seq, time: '2026-12-06T12:00:00.000Z', from: 'task_coordinator', to: 'weather_bot', type: 'request', subject: 'agents.weather_bot.inbox', content });
const row = (index: number): AlignedRow =>
  CHANGED.has(index)
    ? { index, status: 'changed', a: digest(index + 1, 'It is 18°C in Paris'), b: digest(index + 1, 'It is 21°C in Paris'), differs: ['content'] }
    : { index, status: 'same', a: digest(index + 1, 'same'), b: digest(index + 1, 'same'), differs: [] };

/** A host answering trace.compare over TOTAL rows and trace.query by seq; it logs the compare offsets asked. */
function compareHost() {
  const offsets: number[] = [];
  const transport: Transport = {
    call: async (method, input) => {
      if (method === 'trace.compare') {
        const { a, b, offset = 0, limit = 100 } = input as { a: string; b: string; offset?: number; limit?: number };
        offsets.push(offset);
        const rows = Array.from({ length: Math.max(0, Math.min(limit, TOTAL - offset)) }, (_, k) => row(offset + k));
        const page: TraceComparison = { summary: { a: { runId: a, messages: TOTAL }, b: { runId: b, messages: TOTAL }, same: TOTAL - 2, changed: 2, onlyA: 0, onlyB: 0 }, firstDivergence: 17, total: TOTAL, offset, rows };
        return ok(page);
      }
      if (method === 'trace.query') {
        const { runId, query } = input as { runId: string; query: { after: number } };
        return ok({ records: [{ kind: 'event', seq: query.after + 1, time: '2026-12-06T12:00:00.000Z', mono: 1, name: 'run.started', agent: runId, payload: {} }], hasMore: true, total: null, offset: null });
      }
      if (method === 'trace.listRuns') return ok({ runs: [] });
      return { ok: false, error: { code: 'unavailable', message: `no script for ${method}` } };
    },
    on: () => () => undefined,
    onConnection: () => () => undefined,
  };
  return { client: new ApiClient(transport), offsets };
}

describe('the compare store', () => {
  it('selects the first divergence on open and reads both records by seq', async () => {
    const host = compareHost();
    const { compare } = createStores(host.client);
    await compare.getState().open('run-a', 'run-b');
    const s = compare.getState();
    expect(s).toMatchObject({ a: 'run-a', b: 'run-b', total: TOTAL, firstDivergence: 17, selected: 17, reveal: { index: 17 }, error: null });
    expect(summaryLine(s.summary!)).toBe('998 same · 2 changed · 0 only in A · 0 only in B');
    expect(s.records.a).toMatchObject({ seq: 18, agent: 'run-a' });
    expect(s.records.b).toMatchObject({ seq: 18, agent: 'run-b' });
    expect(host.offsets).toEqual([0]);
  });

  it('goes to the next and previous difference through pages not loaded yet, and says when there is none', async () => {
    const host = compareHost();
    const { compare } = createStores(host.client);
    await compare.getState().open('run-a', 'run-b');
    await compare.getState().step(1);
    expect(compare.getState().selected).toBe(850);
    // Every page between was asked for once, in order.
    expect(host.offsets).toEqual([0, 1, 2, 3, 4].map((p) => p * COMPARE_PAGE));
    await compare.getState().step(1);
    expect(compare.getState()).toMatchObject({ selected: 850, edge: 'No difference after this row.' });
    await compare.getState().step(-1);
    expect(compare.getState().selected).toBe(17);
    await compare.getState().step(-1);
    expect(compare.getState()).toMatchObject({ selected: 17, edge: 'No difference before this row.' });
  });

  it('refuses to compare a run with itself', async () => {
    const { compare } = createStores(compareHost().client);
    await compare.getState().open('run-a', 'run-a');
    expect(compare.getState()).toMatchObject({ error: 'Pick two different runs to compare.', total: 0, loading: false });
  });
});

describe('compare rows', () => {
  it('finds a difference only in loaded pages, else asks for the page', () => {
    const pages = placePage(NO_PAGES, 0, Array.from({ length: COMPARE_PAGE }, (_, k) => row(k)));
    expect(findDifference(pages, 0, 1, TOTAL)).toEqual({ found: 17 });
    expect(findDifference(pages, 17, 1, TOTAL)).toEqual({ load: 1 });
    expect(findDifference(pages, 17, -1, TOTAL)).toEqual({ none: true });
  });

  it('marks only the words that changed', () => {
    expect(wordDiff('It is 18°C in Paris', 'It is 21°C in Paris')).toEqual({
      a: [
        { text: 'It is ', change: 'same' },
        { text: '18°C', change: 'removed' },
        { text: ' in Paris', change: 'same' },
      ],
      b: [
        { text: 'It is ', change: 'same' },
        { text: '21°C', change: 'added' },
        { text: ' in Paris', change: 'same' },
      ],
    });
    const inserted = wordDiff('ask the weather bot', 'ask the careful weather bot');
    expect(inserted.a.every((p) => p.change === 'same')).toBe(true);
    expect(inserted.b.filter((p) => p.change === 'added').map((p) => p.text.trim())).toEqual(['careful']);
  });
});

describe('picking runs to compare', () => {
  const run = (runId: string, replayOf: string | null = null, fork: { agent: string; turn: number } | null = null) => ({ runId, startedAt: '2026-12-06T12:00:00.000Z', topology: 'seed-000-trio', records: 10, bytes: 100, live: false, replayOf, fork });

  it('opens on the newest replay and its original, else the two newest runs', () => {
    expect(defaultPair([run('r3'), run('r2', 'r1'), run('r1')])).toEqual({ a: 'r1', b: 'r2' });
    // A replay whose original was deleted is not a pair.
    expect(defaultPair([run('r3', 'gone'), run('r2'), run('r1')])).toEqual({ a: 'r2', b: 'r3' });
    expect(defaultPair([run('r1')])).toBeNull();
  });

  it('names what a replay or fork re-ran', () => {
    expect(replayLabel(run('r2', 'r1'))).toBe('replay of r1');
    expect(replayLabel(run('r3', 'r1', { agent: 'task_coordinator', turn: 1 }))).toBe('fork of r1 at task_coordinator #1');
    expect(replayLabel(run('r1'))).toBe('');
  });
});
