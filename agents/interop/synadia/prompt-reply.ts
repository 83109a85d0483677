/**
 * One prompt's response stream on its reply subject (§6, §9.3): the leading `ack` and keep-alives,
 * `response` chunks, at most one error, then exactly one terminator and nothing after it, however
 * the prompt ends (answered, failed, or abandoned by a stopping run).
 */
import type { ServiceMsg } from '@nats-io/services';
import { encodeSynadiaChunk, encodeSynadiaError } from '../../protocol/synadia.js';
import type { Clock, TimerHandle } from '../../runtime/clock.js';

const ACK = encodeSynadiaChunk({ type: 'status', status: 'ack' });
const TERMINATOR = new Uint8Array(0);
const encoder = new TextEncoder();
/** The bytes of a response chunk around its text: `{"type":"response","data":""}`. */
const CHUNK_FRAME_BYTES = encoder.encode(encodeSynadiaChunk({ type: 'response', text: '' })).length;

/** The status codes the serving side answers with. */
export type PromptErrorCode = 400 | 403 | 500;

/** Writes one prompt's stream; every write after the terminator is dropped. */
export class PromptReply {
  private ended = false;
  private keepalive: TimerHandle | null = null;

  constructor(
    private readonly msg: ServiceMsg,
    private readonly clock: Clock,
    /** The connection's max_payload: a longer chunk would be refused by nats.js, and the text lost. */
    private readonly maxPayload: number,
  ) {}

  /** The leading ack (§6.4), then one every `seconds` until the stream ends (callers time out on silence). */
  ack(seconds: number): void {
    this.send(ACK);
    this.keepalive = this.clock.setInterval(() => this.send(ACK), seconds * 1000);
  }

  /** A `response` chunk, or several in order when one would not fit in max_payload. */
  chunk(text: string): void {
    const encoded = encodeSynadiaChunk({ type: 'response', text });
    if (encoded.length <= this.maxPayload / 4 || encoder.encode(encoded).length <= this.maxPayload) return this.send(encoded);
    for (const piece of splitForPayload(text, this.maxPayload - CHUNK_FRAME_BYTES)) this.send(encodeSynadiaChunk({ type: 'response', text: piece }));
  }

  /** The error response (`Nats-Service-Error-Code`), then the terminator. */
  fail(code: PromptErrorCode, error: string, message: string): void {
    if (this.ended) return;
    this.stopKeepalive(); // no ack between the error and the terminator
    const encoded = encodeSynadiaError(code, error, message);
    try {
      this.msg.respondError(encoded.code, encoded.description, encoded.body);
    } catch {
      // As in send().
    }
    this.end();
  }

  /** The terminator: an empty body without headers (§6.5). */
  end(): void {
    if (this.ended) return;
    this.stopKeepalive();
    this.send(TERMINATOR);
    this.ended = true;
  }

  private stopKeepalive(): void {
    if (this.keepalive) this.clock.clear(this.keepalive);
    this.keepalive = null;
  }

  private send(data: string | Uint8Array): void {
    if (this.ended) return;
    try {
      this.msg.respond(data);
    } catch {
      // The connection closed under a prompt in flight: nobody is left to tell.
    }
  }
}

/** `text` in pieces whose JSON-escaped UTF-8 is at most `budget` bytes each, never splitting a character. */
export function splitForPayload(text: string, budget: number): string[] {
  const pieces: string[] = [];
  let piece = '';
  let bytes = 0;
  for (const char of text) {
    const size = encoder.encode(JSON.stringify(char)).length - 2; // escaped as it will be on the wire
    if (bytes + size > budget && piece !== '') {
      pieces.push(piece);
      piece = '';
      bytes = 0;
    }
    piece += char;
    bytes += size;
  }
  if (piece !== '') pieces.push(piece);
  return pieces;
}
