/** A bounded, sequence-numbered buffer of log lines: keeps the last N, hands out what is newer. */
import type { LogLine } from '../../../preload/contract.js';

/** Last-N log lines with sequence numbers, fed by whole lines or raw output chunks. */
export class LogRing {
  private readonly lines: LogLine[] = [];
  private nextSeq = 1;
  /** A chunk's unfinished last line, per source, until its newline arrives. */
  private readonly partial = new Map<LogLine['source'], string>();

  constructor(private readonly capacity: number) {}

  /** Appends one line. */
  append(source: LogLine['source'], text: string): void {
    this.lines.push({ seq: this.nextSeq++, time: new Date().toISOString(), source, text });
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }

  /** Appends raw process output, splitting it into lines. */
  appendChunk(source: LogLine['source'], chunk: string): void {
    const text = (this.partial.get(source) ?? '') + chunk;
    const parts = text.split(/\r?\n/);
    this.partial.set(source, parts.pop() ?? '');
    for (const line of parts) if (line.length > 0) this.append(source, line);
  }

  /** Lines with a sequence number above `afterSeq`, oldest first, at most the last `limit`. */
  since(afterSeq = 0, limit = this.capacity): LogLine[] {
    const newer = this.lines.filter((line) => line.seq > afterSeq);
    return newer.slice(Math.max(0, newer.length - limit));
  }

  /** The last `n` lines as one string, for error messages. */
  tailText(n: number): string {
    const tail = this.lines.slice(-n).map((line) => line.text);
    return tail.length ? `Last output:\n${tail.join('\n')}` : 'It printed nothing.';
  }
}
