/**
 * Assembles one Synadia Agent Protocol response stream, message by message, as the protocol's
 * client SDK reads it: `response` chunks appended in order, `status` chunks (the leading `ack`,
 * keep-alives) only keep the stream alive, unknown or unreadable chunks skipped, an error header
 * ends it as a failure, and the empty headerless message ends it. Pure: the caller feeds it what
 * arrived on the reply inbox.
 */
import { decodeSynadiaChunk, isSynadiaTerminator, SYNADIA_ERROR_CODE_HEADER, SYNADIA_ERROR_HEADER, type SynadiaAttachment } from '../../protocol/synadia.js';

/** What arrived on the reply inbox, reduced to what the protocol looks at. */
export interface StreamMessage {
  /** The body as text (chunks are JSON). */
  text: string;
  /** Body length in bytes (the terminator is zero bytes). */
  bytes: number;
  /** Header lookup; null when the message has no headers. */
  header: ((name: string) => string | undefined) | null;
  /** The header block's status code (503: no responders), when there is one. */
  status?: number | null;
}

/** Where the stream stands after a message. */
export type StreamStep =
  | { kind: 'more' }
  | { kind: 'done'; text: string; attachments: SynadiaAttachment[] }
  | { kind: 'error'; code: number; description: string }
  | { kind: 'no_responders' };

/** Counts of what a stream carried (the reply's metadata reports them). */
export interface StreamCounts {
  responses: number;
  statuses: number;
  /** Chunks of a type this runtime does not act on (`query`, newer types), and unreadable ones. */
  skipped: number;
}

/** One response stream being assembled. */
export class SynadiaStreamAssembler {
  private readonly parts: string[] = [];
  private readonly attachments: SynadiaAttachment[] = [];
  readonly counts: StreamCounts = { responses: 0, statuses: 0, skipped: 0 };
  private ended: StreamStep | null = null;

  /** Takes the next message; after `done`, `error` or `no_responders` further messages change nothing. */
  add(message: StreamMessage): StreamStep {
    if (this.ended) return this.ended;
    const code = message.header?.(SYNADIA_ERROR_CODE_HEADER);
    if (code !== undefined && code !== '') {
      const number = Number(code);
      const description = message.header?.(SYNADIA_ERROR_HEADER) ?? '';
      return (this.ended = { kind: 'error', code: Number.isInteger(number) ? number : 500, description: description || bodyError(message.text) });
    }
    if (message.status === 503 && message.bytes === 0) return (this.ended = { kind: 'no_responders' });
    if (isSynadiaTerminator(message.bytes, message.header !== null)) {
      return (this.ended = { kind: 'done', text: this.parts.join(''), attachments: this.attachments });
    }
    const decoded = decodeSynadiaChunk(message.text);
    if (!decoded.ok) {
      this.counts.skipped++;
      return { kind: 'more' };
    }
    const chunk = decoded.value;
    if (chunk.type === 'response') {
      this.counts.responses++;
      this.parts.push(chunk.text);
      if (chunk.attachments) this.attachments.push(...chunk.attachments);
    } else if (chunk.type === 'status') this.counts.statuses++;
    else this.counts.skipped++; // `query` (a question back to the caller) and types newer than this runtime
    return { kind: 'more' };
  }
}

/** An error body's `message` or `error` (§9.1: JSON, optional), else the text itself. */
function bodyError(text: string): string {
  if (!text) return '';
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown };
    const said = typeof body.message === 'string' ? body.message : typeof body.error === 'string' ? body.error : null;
    return said ?? text;
  } catch {
    return text.slice(0, 200);
  }
}
