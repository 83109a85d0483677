// The trace explorer's pure rules: the bounded paging window, keyboard selection moves, time and Δ
// formatting, the hex dump and payload views, the filter bar's language, and the saved layout.
import { describe, expect, it } from 'vitest';
import type { MessageRecord, TraceRecord } from '../../agents/trace/record.js';
import { setFilterToken, parseFilter } from '../../renderer/src/trace/trace-filter.js';
import { deltas, formatDelta, formatDuration, formatOffset, hexDump, payloadBytes, payloadJson, rowCells, statusLabel } from '../../renderer/src/trace/trace-format.js';
import { clampPanel, DEFAULT_LAYOUT, loadLayout, saveLayout } from '../../renderer/src/trace/trace-layout.js';
import { appendPage, beforeSeq, afterSeq, EMPTY_WINDOW, headWindow, keepFacts, moveSelection, pageToLoad, prependPage, tailWindow } from '../../renderer/src/trace/trace-window.js';
import type { RowFacts } from '../../agents/trace/row-facts.js';
import { messageRecord } from '../helpers/trace-events.js';

/** A raw message record with seq `seq` (mono = 10 ms a record). */
const raw = (seq: number, payload = 'x'): MessageRecord =>
  messageRecord({ seq, time: new Date(Date.UTC(2026, 11, 6, 7, 0, 0, seq)).toISOString(), mono: seq * 10 }, `s.${seq}`, payload);
const seqs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => raw(from + i));
const seqOf = (rows: readonly TraceRecord[]) => rows.map((r) => r.seq);

describe('the paging window', () => {
  it('starts from the head (oldest first) or the tail (a before-page is newest first)', () => {
    expect(headWindow({ records: seqs(1, 3), hasMore: true })).toMatchObject({ hasBefore: false, hasAfter: true });
    const tail = tailWindow({ records: seqs(8, 10).reverse(), hasMore: true });
    expect(seqOf(tail.rows)).toEqual([8, 9, 10]);
    expect(tail).toMatchObject({ hasBefore: true, hasAfter: false });
    expect(afterSeq(tail)).toBe(10);
    expect(beforeSeq(tail)).toBe(8);
    expect(afterSeq(EMPTY_WINDOW)).toBe(0);
  });

  it('appends forward pages and drops the front beyond the bound, saying how many', () => {
    let w = headWindow({ records: seqs(1, 4), hasMore: true });
    const next = appendPage(w, { records: seqs(5, 8), hasMore: true }, 6);
    expect(seqOf(next.window.rows)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(next.dropped).toBe(2);
    expect(next.window).toMatchObject({ hasBefore: true, hasAfter: true });
    // A page overlapping what is loaded (a live batch raced a page) adds only newer rows.
    w = appendPage(next.window, { records: seqs(7, 9), hasMore: false }, 6).window;
    expect(seqOf(w.rows)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(w.hasAfter).toBe(false);
  });

  it('prepends backward pages (newest first) and drops the end beyond the bound', () => {
    const w = tailWindow({ records: seqs(7, 10).reverse(), hasMore: true });
    const older = prependPage(w, { records: seqs(3, 6).reverse(), hasMore: false }, 6);
    expect(seqOf(older.window.rows)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(older.added).toBe(4);
    expect(older.window).toMatchObject({ hasBefore: false, hasAfter: true });
  });

  it('asks for a page only near an end that has more', () => {
    const w = { rows: seqs(1, 200), hasBefore: true, hasAfter: true };
    expect(pageToLoad(w, 10, 40, 50)).toBe('before');
    expect(pageToLoad(w, 100, 160, 50)).toBe('after');
    expect(pageToLoad(w, 80, 120, 50)).toBeNull();
    expect(pageToLoad({ ...w, hasBefore: false }, 10, 40, 50)).toBeNull();
  });
});

describe('row facts beside the window', () => {
  const fact = (seq: number): RowFacts => ({ seq, from: 'a', to: 'b', type: 'request', status: 'ok', error: null, replySeq: null, requestSeq: null, latencyMs: seq });
  it('adds the facts of a page by seq and keeps only those of rows still in the window', () => {
    const kept = keepFacts({ 1: fact(1), 2: fact(2) }, { records: seqs(3, 4), facts: [fact(3), fact(4)] }, seqs(2, 4));
    expect(Object.keys(kept).map(Number)).toEqual([2, 3, 4]);
    expect(kept[3]!.latencyMs).toBe(3);
    expect(keepFacts({ 1: fact(1) }, { records: seqs(2, 2) }, seqs(1, 2))).toEqual({ 1: fact(1) }); // a page without facts
  });
});

describe('keyboard selection', () => {
  const rows = seqs(10, 19);
  it('moves a row or a page, stops at the ends, and starts from the top or bottom', () => {
    expect(moveSelection(rows, 12, 'ArrowDown')).toBe(13);
    expect(moveSelection(rows, 12, 'ArrowUp')).toBe(11);
    expect(moveSelection(rows, 10, 'ArrowUp')).toBe(10);
    expect(moveSelection(rows, 19, 'ArrowDown')).toBe(19);
    expect(moveSelection(rows, 11, 'PageDown', 5)).toBe(16);
    expect(moveSelection(rows, 11, 'PageUp', 5)).toBe(10);
    expect(moveSelection(rows, 15, 'Home')).toBe(10);
    expect(moveSelection(rows, 15, 'End')).toBe(19);
    expect(moveSelection(rows, null, 'ArrowDown')).toBe(10);
    expect(moveSelection(rows, null, 'ArrowUp')).toBe(19);
    expect(moveSelection(rows, 999, 'ArrowDown')).toBe(10); // a row no longer in the window
    expect(moveSelection([], null, 'ArrowDown')).toBeNull();
  });
});

describe('time and Δ', () => {
  it('writes time since the start and the gap to the previous row', () => {
    expect(formatOffset(4012)).toBe('4.012 s');
    expect(formatOffset(125_300)).toBe('2:05.300');
    expect(formatOffset(3_725_300)).toBe('1:02:05.300');
    expect(formatDelta(null)).toBe('');
    expect(formatDelta(0.421)).toBe('+0.42 ms');
    expect(formatDelta(12.34)).toBe('+12.3 ms');
    expect(formatDelta(1204)).toBe('+1.204 s');
    expect(formatDelta(61_000)).toBe('+1:01.000');
    expect(formatDuration(3.9)).toBe('3.90 ms');
    expect(formatDuration(null)).toBe('');
    expect(statusLabel('ok')).toBe('');
    expect(statusLabel('timed_out')).toBe('timed out');
    expect(deltas([raw(1), raw(3), raw(4)])).toEqual([null, 20, 10]);
  });
});

describe('payload views', () => {
  it('dumps bytes as hex + ASCII, 16 a line with a gap after 8, and says what it left out', () => {
    const { lines, omitted } = hexDump(new TextEncoder().encode('{"a":1}\n0123456789abcdefXYZ'), 32);
    expect(lines[0]).toEqual({ offset: '00000000', hex: '7b 22 61 22 3a 31 7d 0a  30 31 32 33 34 35 36 37', ascii: '{"a":1}.01234567' });
    expect(lines[1]!.offset).toBe('00000010');
    expect(lines[1]!.ascii).toBe('89abcdefXYZ');
    expect(omitted).toBe(0);
    expect(hexDump(new Uint8Array(40), 16).omitted).toBe(24);
    const narrow = hexDump(new TextEncoder().encode('0123456789'), 4096, 8);
    expect(narrow.lines).toEqual([
      { offset: '00000000', hex: '30 31 32 33 34 35 36 37', ascii: '01234567' },
      { offset: '00000008', hex: '38 39', ascii: '89' },
    ]);
  });

  it('decodes base64 payloads to their bytes, and reads JSON or says why not', () => {
    const binary: TraceRecord = { ...raw(1), encoding: 'base64', payload: btoa('\u0000\u00ff'), size: 2 };
    expect([...payloadBytes(binary)]).toEqual([0, 255]);
    expect(payloadJson(binary)).toEqual({ ok: false, reason: 'a binary payload, not text' });
    expect(payloadJson(raw(1, '{"a":[1,2]}'))).toEqual({ ok: true, value: { a: [1, 2] } });
    const cut: TraceRecord = { ...raw(1, '{"a":'), truncated: true, size: 9000 };
    expect(payloadJson(cut)).toEqual({ ok: false, reason: 'cut at 5 of 9000 bytes, so not whole JSON' });
  });

  it('fills a raw message row without a type, and an event row with its agent and name', () => {
    expect(rowCells(raw(3, 'hello'))).toEqual({ fromTo: '', subject: 's.3', type: null, size: '5 B' });
    const event: TraceRecord = { seq: 2, time: raw(2).time, mono: 5, kind: 'event', name: 'agent.stopped', agent: 'weather_bot', payload: { agent: 'weather_bot', instance: 'i1' } };
    expect(rowCells(event)).toEqual({ fromTo: 'weather_bot', subject: '', type: 'agent.stopped', size: '' });
  });
});

describe('the filter bar', () => {
  it('reads subject patterns, key:value tokens and free text', () => {
    expect(parseFilter('agents.request.*')).toEqual({ ok: true, filter: { subject: 'agents.request.*' } });
    expect(parseFilter('agents.> agent:weather_bot type:response kind:events')).toEqual({ ok: true, filter: { subject: 'agents.>', agent: 'weather_bot', type: 'response', kind: 'event' } });
    expect(parseFilter('paris "partly cloudy"')).toEqual({ ok: true, filter: { text: 'paris partly cloudy' } });
    expect(parseFilter('text:"18°C in" subject:_INBOX.>')).toEqual({ ok: true, filter: { text: '18°C in', subject: '_INBOX.>' } });
    expect(parseFilter('   ')).toEqual({ ok: true, filter: {} });
  });

  it('refuses what it cannot read, saying why', () => {
    expect(parseFilter('colour:blue')).toEqual({ ok: false, error: 'unknown filter "colour:" (use subject: agent: type: kind: text: from: to:)' });
    expect(parseFilter('kind:span')).toEqual({ ok: false, error: 'kind is "message" or "event", not "span"' });
    expect(parseFilter('agent:a agent:b')).toEqual({ ok: false, error: 'one agent at a time (a and b)' });
    expect(parseFilter('from:yesterday')).toMatchObject({ ok: false, error: expect.stringContaining('not a date-time') });
    expect(parseFilter('agent:')).toEqual({ ok: false, error: '"agent:" needs a value' });
  });

  it('sets, replaces and removes one key of the text', () => {
    expect(setFilterToken('agents.request.*', 'agent', 'weather_bot')).toBe('agents.request.* agent:weather_bot');
    expect(setFilterToken('agents.request.* agent:weather_bot', 'agent', 'task_coordinator')).toBe('agents.request.* agent:task_coordinator');
    expect(setFilterToken('agents.request.* agent:weather_bot', 'agent', null)).toBe('agents.request.*');
    expect(setFilterToken('agents.request.* "two words"', 'subject', 'agents.>')).toBe('"two words" subject:agents.>');
  });
});

describe('the saved layout', () => {
  it('round-trips through storage and falls back to the default for missing or bad values', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    expect(loadLayout(storage)).toEqual(DEFAULT_LAYOUT);
    saveLayout(storage, { sidebar: 250, detail: 600 });
    expect(loadLayout(storage)).toEqual({ sidebar: 250, detail: 600 });
    store.set('switchboard.trace.layout', '{"sidebar":-3,"detail":"wide"}');
    expect(loadLayout(storage)).toEqual(DEFAULT_LAYOUT);
    store.set('switchboard.trace.layout', 'not json');
    expect(loadLayout(storage)).toEqual(DEFAULT_LAYOUT);
    expect(loadLayout(undefined)).toEqual(DEFAULT_LAYOUT);
  });

  it('keeps a panel between its minimum and what leaves the table room', () => {
    expect(clampPanel(100, 140, 1400, 200)).toBe(140);
    expect(clampPanel(2000, 280, 1400, 200)).toBe(1400 - 200 - 560);
    expect(clampPanel(500, 280, 1400, 200)).toBe(500);
  });
});
