/**
 * `switchboard run --trace OUT.ndjson`: every message on the bus (a `>` tap on its own
 * connection) and every runtime event, one JSON record a line, in arrival order.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import type { RuntimeEventBus } from '../../agents/runtime/events.js';

/** Writes a run's trace; `close()` flushes and ends the file. */
export class TraceFile {
  private seq = 0;
  private tap: NatsConnection | null = null;
  private off: (() => void) | null = null;

  private constructor(private readonly out: WriteStream) {}

  /** Opens `file` and starts recording `events` and, where permitted, the bus. */
  static async open(file: string, events: RuntimeEventBus, connection: NodeConnectionOptions, warn: (text: string) => void): Promise<TraceFile> {
    const out = createWriteStream(file, { flags: 'w' });
    await new Promise<void>((resolve, reject) => out.once('open', () => resolve()).once('error', reject));
    const trace = new TraceFile(out);
    trace.off = events.onAny((name, payload) => trace.write({ kind: 'event', name, payload }));
    try {
      const nc = await connect({ ...connection, name: 'switchboard-trace' });
      nc.subscribe('>', {
        callback: (_error, msg) => {
          const text = msg.string();
          let payload: unknown = text;
          try {
            payload = JSON.parse(text);
          } catch {
            // not JSON: kept as text
          }
          trace.write({ kind: 'message', subject: msg.subject, reply: msg.reply ?? null, size: msg.data.length, payload });
        },
      });
      await nc.flush();
      trace.tap = nc;
      void (async () => {
        for await (const s of nc.status()) if (s.type === 'error') warn(`trace: the bus tap was refused (${s.error.message}); recording runtime events only.`);
      })();
    } catch (error) {
      warn(`trace: cannot tap the bus (${(error as Error).message}); recording runtime events only.`);
    }
    return trace;
  }

  private write(record: Record<string, unknown>): void {
    this.out.write(`${JSON.stringify({ seq: ++this.seq, time: new Date().toISOString(), ...record })}\n`);
  }

  async close(): Promise<void> {
    this.off?.();
    await this.tap?.drain().catch(() => undefined);
    await new Promise<void>((resolve) => this.out.end(() => resolve()));
  }
}
