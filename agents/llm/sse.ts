/**
 * A Server-Sent Events parser (WHATWG HTML, "event stream interpretation") over a fetch response
 * body. Pure: no Node built-ins and no dependencies, so it can move to any layer.
 */

/** One dispatched event: its `event:` name when the stream gave one, and its `data:` lines joined by LF. */
export interface SseEvent {
  event?: string;
  data: string;
}

/**
 * An incremental SSE parser over already-decoded text: push pieces split anywhere, get whole events.
 * `id:` and `retry:` are ignored: they only matter to a client that reconnects, and LLM calls never do.
 */
export class SseParser {
  #buffer = '';
  #data: string[] = [];
  #event: string | undefined;

  /** Adds text and returns the events its blank lines completed. */
  push(text: string): SseEvent[] {
    this.#buffer += text;
    return this.#drain(false);
  }

  /**
   * Ends the stream and returns what is left. Unlike the spec, an event whose final blank line never
   * came is still delivered: a server that closes right after its last `data:` line loses nothing.
   */
  end(): SseEvent[] {
    const events = this.#drain(true);
    const last = this.#dispatch();
    if (last) events.push(last);
    return events;
  }

  #drain(final: boolean): SseEvent[] {
    const events: SseEvent[] = [];
    const buffer = this.#buffer;
    const eol = /\r\n|\r|\n/g;
    let start = 0;
    for (let match = eol.exec(buffer); match !== null; match = eol.exec(buffer)) {
      // A CR that ends the buffer may be the first half of a CRLF split across chunks: wait for more.
      if (match[0] === '\r' && eol.lastIndex === buffer.length && !final) break;
      this.#line(buffer.slice(start, match.index), events);
      start = eol.lastIndex;
    }
    this.#buffer = buffer.slice(start);
    if (final && this.#buffer !== '') {
      this.#line(this.#buffer, events);
      this.#buffer = '';
    }
    return events;
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
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
  }

  #dispatch(): SseEvent | undefined {
    const data = this.#data;
    const event = this.#event;
    this.#data = [];
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
  try {
    for (;;) {
      const { done, value } = await reader.read();
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
