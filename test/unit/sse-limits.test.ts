// The SSE parser's bounds: a line or an event that never ends is cut at a limit with a clear error,
// and an unfinished line is not rescanned per piece (a stream of one endless line was quadratic).
import { describe, expect, it } from 'vitest';
import { MAX_SSE_EVENT_CHARS, SseLimitError, SseParser } from '../../agents/llm/sse.js';

describe('SseParser limits', () => {
  it('cuts a line that never ends', () => {
    const parser = new SseParser();
    const piece = 'y'.repeat(1024 * 1024);
    expect(() => {
      for (let i = 0; i <= MAX_SSE_EVENT_CHARS / piece.length; i++) parser.push(i === 0 ? `data: ${piece}` : piece);
    }).toThrow(SseLimitError);
  });

  it('cuts an event whose data lines never end in a blank line', () => {
    const parser = new SseParser();
    const line = `data: ${'z'.repeat(1024 * 1024)}\n`;
    expect(() => {
      for (let i = 0; i <= MAX_SSE_EVENT_CHARS / line.length + 1; i++) parser.push(line);
    }).toThrow(/a stream event passed \d+ characters/);
  });

  it('joins a long line pushed in many pieces, and a CRLF split across pushes', () => {
    const parser = new SseParser();
    const events = [];
    for (let i = 0; i < 1000; i++) events.push(...parser.push(i === 0 ? 'data: ' : 'ab'));
    events.push(...parser.push('\r'), ...parser.push('\n'), ...parser.push('\r\n'));
    expect(events).toEqual([{ data: 'ab'.repeat(999) }]);
    expect(parser.end()).toEqual([]);
  });
});
