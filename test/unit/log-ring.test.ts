import { describe, expect, it } from 'vitest';
import { LogRing } from '../../main/host/nats/log-ring.js';

const texts = (ring: LogRing, afterSeq?: number, limit?: number) => ring.since(afterSeq, limit).map((line) => line.text);

// Splitting raw process output into lines, per source.
describe('LogRing.appendChunk', () => {
  it('joins a line split across chunks and keeps the unfinished tail until its newline', () => {
    const ring = new LogRing(10);
    ring.appendChunk('stdout', 'hel');
    expect(texts(ring)).toEqual([]);
    ring.appendChunk('stdout', 'lo\nwor');
    expect(texts(ring)).toEqual(['hello']);
    ring.appendChunk('stdout', 'ld\n');
    expect(texts(ring)).toEqual(['hello', 'world']);
  });

  it('splits several lines in one chunk, accepts CRLF and drops empty lines', () => {
    const ring = new LogRing(10);
    ring.appendChunk('stderr', 'one\r\ntwo\n\nthree\n');
    expect(texts(ring)).toEqual(['one', 'two', 'three']);
  });

  it('keeps separate partial lines for stdout and stderr', () => {
    const ring = new LogRing(10);
    ring.appendChunk('stdout', 'out-');
    ring.appendChunk('stderr', 'err-');
    ring.appendChunk('stdout', 'a\n');
    ring.appendChunk('stderr', 'b\n');
    expect(ring.since().map(({ source, text }) => [source, text])).toEqual([
      ['stdout', 'out-a'],
      ['stderr', 'err-b'],
    ]);
  });
});

// Bounded size, sequence numbers and "what is newer than X" queries.
describe('LogRing capacity and since()', () => {
  it('keeps only the last `capacity` lines, with increasing sequence numbers', () => {
    const ring = new LogRing(3);
    for (const text of ['a', 'b', 'c', 'd', 'e']) ring.append('supervisor', text);
    const lines = ring.since();
    expect(lines.map((line) => line.text)).toEqual(['c', 'd', 'e']);
    expect(lines.map((line) => line.seq)).toEqual([3, 4, 5]);
    expect(lines.every((line) => line.source === 'supervisor' && !Number.isNaN(Date.parse(line.time)))).toBe(true);
  });

  it('returns only lines after afterSeq, and at most the newest `limit` of them', () => {
    const ring = new LogRing(100);
    for (let i = 1; i <= 10; i++) ring.append('stdout', `line ${i}`);
    expect(texts(ring, 7)).toEqual(['line 8', 'line 9', 'line 10']);
    expect(texts(ring, 0, 2)).toEqual(['line 9', 'line 10']);
    expect(texts(ring, 4, 3)).toEqual(['line 8', 'line 9', 'line 10']);
    expect(texts(ring, 10)).toEqual([]);
  });

  it('keeps counting sequence numbers after old lines are evicted', () => {
    const ring = new LogRing(2);
    for (const text of ['a', 'b', 'c']) ring.append('stdout', text);
    expect(texts(ring, 1)).toEqual(['b', 'c']);
    expect(texts(ring, 2)).toEqual(['c']);
  });
});

// The short excerpt used in error messages.
describe('LogRing.tailText', () => {
  it('says the process printed nothing when empty', () => {
    expect(new LogRing(5).tailText(5)).toBe('It printed nothing.');
  });

  it('joins the last n lines under a heading', () => {
    const ring = new LogRing(10);
    ring.appendChunk('stderr', 'first\nsecond\nthird\n');
    expect(ring.tailText(2)).toBe('Last output:\nsecond\nthird');
  });
});
