/**
 * A Server-Sent Events parser (WHATWG HTML, "event stream interpretation") over a fetch response
 * body. Pure: no Node built-ins and no dependencies, so it can move to any layer.
 */

/** One dispatched event: its `event:` name when the stream gave one, and its `data:` lines joined by LF. */
export interface SseEvent {
  event?: string;
  data: string;
}

/** The most text one event (or one line) may hold; no model's stream chunk comes near it. */
export const MAX_SSE_EVENT_CHARS = 16 * 1024 * 1024;
/** The most bytes one stream may carry; more than any model's whole answer, streamed. */
export const MAX_SSE_STREAM_BYTES = 256 * 1024 * 1024;

/** A stream past one of the limits above: it is cut, not read on into memory. */
export class SseLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SseLimitError';
  }
}

/**
 * An incremental SSE parser over already-decoded text: push pieces split anywhere, get whole events.
 * `id:` and `retry:` are ignored: they only matter to a client that reconnects, and LLM calls never do.
 * Each piece is scanned once: an unfinished line waits as pieces (joined when it ends), so a line
 * that never ends costs memory up to the limit, not a rescan per piece.
 */
export class SseParser {
  /** The line being read, in pieces, none holding a line end. */
  #pending: string[] = [];
  #pendingChars = 0;
  /** The last piece ended with CR: an LF starting the next one is the second half of that CRLF. */
  #skipLf = false;
  #data: string[] = [];
  #dataChars = 0;
  #event: string | undefined;

  /** Adds text and returns the events its blank lines completed. */
  push(text: string): SseEvent[] {
    const events: SseEvent[] = [];
    let start = 0;
    if (this.#skipLf) {
      this.#skipLf = false;
      if (text.charCodeAt(0) === 0x0a) start = 1;
    }
    const eol = /\r\n|\r|\n/g;
    eol.lastIndex = start;
    for (let match = eol.exec(text); match !== null; match = eol.exec(text)) {
      this.#line(this.#takeLine(text.slice(start, match.index)), events);
      start = eol.lastIndex;
      if (match[0] === '\r' && start === text.length) this.#skipLf = true;
    }
    if (start < text.length) {
      this.#pending.push(start === 0 ? text : text.slice(start));
      this.#pendingChars += text.length - start;
      if (this.#pendingChars > MAX_SSE_EVENT_CHARS) throw new SseLimitError(`a stream line passed ${MAX_SSE_EVENT_CHARS} characters without ending`);
    }
    return events;
  }

  /**
   * Ends the stream and returns what is left. Unlike the spec, an event whose final blank line never
   * came is still delivered: a server that closes right after its last `data:` line loses nothing.
   */
  end(): SseEvent[] {
    const events: SseEvent[] = [];
    if (this.#pending.length > 0) this.#line(this.#takeLine(''), events);
    this.#skipLf = false;
    const last = this.#dispatch();
    if (last) events.push(last);
    return events;
  }

  /** The pending pieces and `tail` as one line; the pending pieces are cleared. */
  #takeLine(tail: string): string {
    if (this.#pending.length === 0) return tail;
    const line = this.#pending.join('') + tail;
    this.#pending = [];
    this.#pendingChars = 0;
    return line;
  }

  #line(line: string, events: SseEvent[]): void {
    if (line === '') {
      const event = this.#dispatch();
      if (event) events.push(event);
      return;
    }
    if (line.startsWith(':')) return; // a comment, usually a keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1); // only the one space after the colon
    if (field === 'data') {
      this.#data.push(value);
      this.#dataChars += value.length;
      if (this.#dataChars > MAX_SSE_EVENT_CHARS) throw new SseLimitError(`a stream event passed ${MAX_SSE_EVENT_CHARS} characters without ending`);
    } else if (field === 'event') this.#event = value;
  }

  #dispatch(): SseEvent | undefined {
    const data = this.#data;
    const event = this.#event;
    this.#data = [];
    this.#dataChars = 0;
    this.#event = undefined;
    // The spec dispatches nothing for an event without data lines, and forgets its name.
    if (data.length === 0) return undefined;
    return event ? { event, data: data.join('\n') } : { data: data.join('\n') };
  }
}

/**
 * Yields the SSE events of a byte stream as each one completes. Stopping early (break, throw)
 * cancels the stream, which releases the HTTP connection; a stream error is rethrown as is.
 */
export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent, void, undefined> {
  const reader = body.getReader();
  // Stream mode keeps a multi-byte character split across chunks whole; the BOM is dropped as the spec asks.
  const decoder = new TextDecoder('utf-8');
  const parser = new SseParser();
  let finished = false;
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (!done && (bytes += value.length) > MAX_SSE_STREAM_BYTES) throw new SseLimitError(`the stream passed ${MAX_SSE_STREAM_BYTES / 1024 / 1024} MiB`);
      if (done) {
        finished = true;
        const tail = parser.push(decoder.decode());
        yield* tail.concat(parser.end());
        return;
      }
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
