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

const CR = 0x0d;
const LF = 0x0a;
/** A control line longer than this is not NATS: the stream is dropped up to the next chunk. */
const MAX_CONTROL_LINE = 64 * 1024;

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

  /** Forgets an incomplete frame: its connection is gone (a new stream starts). */
  reset(): void {
    this.parts = [];
    this.partsLength = 0;
    this.need = -1;
  }

  feed(chunk: Buffer): void {
    if (chunk.length === 0) return;
    let buf = chunk;
    if (this.partsLength > 0) {
      if (this.need > 0 && this.partsLength + chunk.length < this.need) {
        this.parts.push(Buffer.from(chunk)); // the caller may reuse its buffer
        this.partsLength += chunk.length;
        return;
      }
      buf = Buffer.concat([...this.parts, chunk]);
      this.reset();
    }
    let i = 0;
    while (i < buf.length) {
      const cr = buf.indexOf(CR, i);
      if (cr < 0 || cr + 1 >= buf.length) {
        if (buf.length - i > MAX_CONTROL_LINE) {
          this.sink.error(`the recorder's tap received ${buf.length - i} bytes that are not NATS protocol`);
          return;
        }
        this.hold(buf, i, -1);
        return;
      }
      if (buf[cr + 1] !== LF) {
        i = cr + 1; // a stray CR: not a line end
        continue;
      }
      const op = buf[i];
      if (op === 0x4d /* M */ || op === 0x48 /* H */) {
        const args = buf.toString('utf8', i + (op === 0x4d ? 4 : 5), cr).split(' ').filter(Boolean);
        const headered = op === 0x48;
        const total = Number(args.at(-1));
        const headerBytes = headered ? Number(args.at(-2)) : 0;
        const named = args.length - (headered ? 2 : 1); // subject, sid and maybe reply
        if (!Number.isSafeInteger(total) || !Number.isSafeInteger(headerBytes) || headerBytes > total || named < 2 || named > 3) {
          this.sink.error(`the recorder's tap could not read "${buf.toString('utf8', i, Math.min(cr, i + 200))}"`);
          i = cr + 2;
          continue;
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
