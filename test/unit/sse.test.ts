import { describe, expect, it } from 'vitest';
import { parseSse, SseParser, type SseEvent } from '../../agents/llm/sse.js';

const encoder = new TextEncoder();

/** A byte stream that delivers exactly these chunks, and records whether it was cancelled. */
function streamOf(chunks: Uint8Array[]): { stream: ReadableStream<Uint8Array>; cancelled: () => boolean } {
  let cancelled = false;
  let next = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[next++];
      if (chunk) controller.enqueue(chunk);
      else controller.close();
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, cancelled: () => cancelled };
}

async function collect(chunks: (string | Uint8Array)[]): Promise<SseEvent[]> {
  const bytes = chunks.map((c) => (typeof c === 'string' ? encoder.encode(c) : c));
  const events: SseEvent[] = [];
  for await (const event of parseSse(streamOf(bytes).stream)) events.push(event);
  return events;
}

/** Every way of cutting `bytes` in two, plus one byte at a time. */
function splits(bytes: Uint8Array): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let i = 0; i <= bytes.length; i++) out.push([bytes.slice(0, i), bytes.slice(i)]);
  out.push(Array.from(bytes, (b) => Uint8Array.of(b)));
  return out;
}

describe('parseSse: fields and dispatch', () => {
  it('yields data with the event name when one is given, and without it otherwise', async () => {
    const events = await collect(['event: message_start\ndata: {"a":1}\n\ndata: plain\n\n']);
    expect(events).toEqual([{ event: 'message_start', data: '{"a":1}' }, { data: 'plain' }]);
    expect('event' in (events[1] as SseEvent)).toBe(false);
  });

  it('joins multi-line data with LF, in order', async () => {
    expect(await collect(['data: first\ndata: second\ndata:third\n\n'])).toEqual([{ data: 'first\nsecond\nthird' }]);
  });

  it('removes only the one space after the colon; a field without a colon has an empty value', async () => {
    expect(await collect(['data:  two spaces\n\ndata\n\ndata:\n\n'])).toEqual([{ data: ' two spaces' }, { data: '' }, { data: '' }]);
  });

  it('keeps colons inside the value', async () => {
    expect(await collect(['data: {"url":"http://x:1"}\n\n'])).toEqual([{ data: '{"url":"http://x:1"}' }]);
  });

  it('ignores comments, id, retry and unknown fields', async () => {
    const events = await collect([': keep-alive\n:\nid: 7\nretry: 1000\nfoo: bar\ndata: x\n: another comment\n\n']);
    expect(events).toEqual([{ data: 'x' }]);
  });

  it('dispatches nothing for an event without data, and forgets its name', async () => {
    const events = await collect(['event: lonely\n\ndata: next\n\n']);
    expect(events).toEqual([{ data: 'next' }]);
  });

  it('does not carry an event name over to the next event', async () => {
    expect(await collect(['event: a\ndata: 1\n\ndata: 2\n\n'])).toEqual([{ event: 'a', data: '1' }, { data: '2' }]);
  });

  it('treats extra blank lines as nothing', async () => {
    expect(await collect(['\n\n\ndata: x\n\n\n\n'])).toEqual([{ data: 'x' }]);
  });

  it('drops a leading byte-order mark', async () => {
    expect(await collect([Uint8Array.of(0xef, 0xbb, 0xbf), 'data: x\n\n'])).toEqual([{ data: 'x' }]);
  });

  it('still delivers a last event whose closing blank line never came', async () => {
    expect(await collect(['data: a\n\ndata: b'])).toEqual([{ data: 'a' }, { data: 'b' }]);
    expect(await collect(['data: a\n\nevent: e\ndata: b\n'])).toEqual([{ data: 'a' }, { event: 'e', data: 'b' }]);
  });

  it('yields nothing for an empty stream', async () => {
    expect(await collect([])).toEqual([]);
  });
});

describe('parseSse: line endings', () => {
  it('accepts CRLF, lone CR and LF, also mixed', async () => {
    expect(await collect(['event: e\r\ndata: a\r\ndata: b\r\n\r\n'])).toEqual([{ event: 'e', data: 'a\nb' }]);
    expect(await collect(['data: a\rdata: b\r\rdata: c\n\r\n'])).toEqual([{ data: 'a\nb' }, { data: 'c' }]);
  });

  it('reads a CRLF split across chunks as one line ending, not two', async () => {
    // Read as CR + LF, the LF would be an empty line and dispatch "a" on its own.
    expect(await collect(['data: a\r', '\ndata: b\r\n\r\n'])).toEqual([{ data: 'a\nb' }]);
  });

  it('ends a line with a CR that is the very last byte of the stream', async () => {
    expect(await collect(['data: a\r'])).toEqual([{ data: 'a' }]);
  });
});

describe('parseSse: chunk boundaries', () => {
  const text = 'event: delta\r\ndata: {"t":"héllo 漢字 🚀"}\r\n: ping\r\n\r\ndata: line1\ndata: line2\n\nevent: done\rdata: [DONE]\r\r';
  const expected: SseEvent[] = [
    { event: 'delta', data: '{"t":"héllo 漢字 🚀"}' },
    { data: 'line1\nline2' },
    { event: 'done', data: '[DONE]' },
  ];

  it('gives the same events however the bytes are cut, including inside multi-byte characters', async () => {
    const bytes = encoder.encode(text);
    // The text holds 2-, 3- and 4-byte characters, so some cuts land inside each kind.
    expect(bytes.length).toBeGreaterThan(text.length);
    for (const chunks of splits(bytes)) {
      expect(await collect(chunks)).toEqual(expected);
    }
  });

  it('gives the same events for three-way cuts', async () => {
    const bytes = encoder.encode(text);
    for (let i = 0; i < bytes.length; i += 3) {
      for (let j = i; j < bytes.length; j += 5) {
        expect(await collect([bytes.slice(0, i), bytes.slice(i, j), bytes.slice(j)])).toEqual(expected);
      }
    }
  });

  it('emits each event as soon as its blank line arrives, not at the end of the stream', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent === 0) controller.enqueue(encoder.encode('data: first\n\n'));
        else if (sent === 1) {
          await gate;
          controller.enqueue(encoder.encode('data: second\n\n'));
        } else controller.close();
        sent++;
      },
    });
    const iterator = parseSse(stream);
    // Would hang (and time out) if the parser waited for the whole stream before yielding.
    expect((await iterator.next()).value).toEqual({ data: 'first' });
    release();
    expect((await iterator.next()).value).toEqual({ data: 'second' });
    expect((await iterator.next()).done).toBe(true);
  });
});

describe('parseSse: stream lifecycle', () => {
  it('cancels the underlying stream when the consumer stops early', async () => {
    const { stream, cancelled } = streamOf([encoder.encode('data: 1\n\n'), encoder.encode('data: 2\n\n')]);
    for await (const event of parseSse(stream)) {
      expect(event).toEqual({ data: '1' });
      break;
    }
    expect(cancelled()).toBe(true);
  });

  it('does not cancel a stream it read to the end', async () => {
    const { stream, cancelled } = streamOf([encoder.encode('data: 1\n\n')]);
    for await (const _ of parseSse(stream)) {
      // read everything
    }
    expect(cancelled()).toBe(false);
  });

  it('rethrows the error of a failing stream after the events before it', async () => {
    let step = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (step++ === 0) controller.enqueue(encoder.encode('data: ok\n\n'));
        else controller.error(new Error('socket hang up'));
      },
    });
    const seen: SseEvent[] = [];
    await expect(
      (async () => {
        for await (const event of parseSse(stream)) seen.push(event);
      })(),
    ).rejects.toThrow('socket hang up');
    expect(seen).toEqual([{ data: 'ok' }]);
  });
});

describe('SseParser', () => {
  it('parses text pushed in pieces and flushes the rest at end()', () => {
    const parser = new SseParser();
    expect(parser.push('data: a')).toEqual([]);
    expect(parser.push('bc\n')).toEqual([]);
    expect(parser.push('\nda')).toEqual([{ data: 'abc' }]);
    expect(parser.push('ta: z\r')).toEqual([]);
    expect(parser.end()).toEqual([{ data: 'z' }]);
  });
});
