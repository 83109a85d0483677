/**
 * Decodes what a NATS server sends a subscriber (MSG, HMSG, PING, PONG, +OK, -ERR, INFO) from raw
 * bytes cut anywhere, as the recorder's journal holds them. A frame split across chunks waits for
 * the rest; the bytes of a large message are collected without re-copying them per chunk.
 */

/** What the decoder finds; `headers` and `data` are views that are only valid during the call. */
export interface BusSink {
  message(subject: string, reply: string | null, headers: Uint8Array | null, data: Uint8Array): void;
  pong(): void;
  error(text: string): void;
}

const CRLF = Buffer.from('\r\n');
/** A control line longer than this is not NATS. */
const MAX_CONTROL_LINE = 64 * 1024;
/** nats-server's largest max_payload: a message claiming more is not NATS. */
const MAX_MESSAGE = 64 * 1024 * 1024;

export class BusDecoder {
  private parts: Buffer[] = [];
  private partsLength = 0;
  /** Bytes the frame at the start of `parts` needs in all, or -1 while its control line is incomplete. */
  private need = -1;

  constructor(private readonly sink: BusSink) {}

  /** Bytes held from an incomplete frame (its start is that many bytes before the end of the input so far). */
  get pending(): number {
    return this.partsLength;
  }

  /** Set when the bytes stopped making sense: the rest of this stream is not read. */
  private lost = false;

  /** Forgets an incomplete frame: its connection is gone (a new stream starts). */
  reset(): void {
    this.forget();
    this.lost = false;
  }

  private forget(): void {
    this.parts = [];
    this.partsLength = 0;
    this.need = -1;
  }

  /** Reports bytes that are not NATS and stops reading this stream (a payload read as control lines could forge records). */
  private desync(what: string): void {
    this.sink.error(`the recorder's tap cannot read its connection any more (${what}); nothing more from it is recorded`);
    this.forget();
    this.lost = true;
  }

  feed(chunk: Buffer): void {
    if (chunk.length === 0 || this.lost) return;
    let buf = chunk;
    if (this.partsLength > 0) {
      if (this.need > 0 && this.partsLength + chunk.length < this.need) {
        this.parts.push(Buffer.from(chunk)); // the caller may reuse its buffer
        this.partsLength += chunk.length;
        return;
      }
      buf = Buffer.concat([...this.parts, chunk]);
      this.forget();
    }
    let i = 0;
    while (i < buf.length) {
      const cr = buf.indexOf(CRLF, i);
      if (cr < 0) {
        if (buf.length - i > MAX_CONTROL_LINE) return this.desync(`a line of over ${MAX_CONTROL_LINE} bytes`);
        this.hold(buf, i, -1);
        return;
      }
      const op = buf[i];
      if (op === 0x4d /* M */ || op === 0x48 /* H */) {
        const args = buf.toString('utf8', i + (op === 0x4d ? 4 : 5), cr).split(' ').filter(Boolean);
        const headered = op === 0x48;
        const total = Number(args.at(-1));
        const headerBytes = headered ? Number(args.at(-2)) : 0;
        const named = args.length - (headered ? 2 : 1); // subject, sid and maybe reply
        if (!Number.isSafeInteger(total) || !Number.isSafeInteger(headerBytes) || total < 0 || headerBytes < 0 || headerBytes > total || total > MAX_MESSAGE || named < 2 || named > 3) {
          return this.desync(`"${buf.toString('utf8', i, Math.min(cr, i + 200))}"`);
        }
        const start = cr + 2;
        const end = start + total + 2;
        if (end > buf.length) {
          this.hold(buf, i, end - i);
          return;
        }
        this.sink.message(args[0]!, named === 3 ? args[2]! : null, headered ? buf.subarray(start, start + headerBytes) : null, buf.subarray(start + headerBytes, start + total));
        i = end;
        continue;
      }
      if (op === 0x50 /* P */ && buf[i + 1] === 0x4f /* O */) this.sink.pong();
      else if (op === 0x2d /* - */) this.sink.error(buf.toString('utf8', i, cr));
      else if (op !== 0x50 && op !== 0x2b /* + */ && op !== 0x49 /* I */) return this.desync(`"${buf.toString('utf8', i, Math.min(cr, i + 200))}"`);
      // PING (the tap answered it as it arrived), +OK and INFO need nothing here.
      i = cr + 2;
    }
  }

  private hold(buf: Buffer, from: number, need: number): void {
    this.parts = [Buffer.from(buf.subarray(from))];
    this.partsLength = buf.length - from;
    this.need = need;
  }
}
