/**
 * `switchboard run --trace OUT.ndjson`: every message on the bus (the recorder's `>` tap on its
 * own connection) and every runtime event, recorded into a trace store beside OUT while the run
 * lasts (so a crash leaves a recoverable run), then exported to OUT as NDJSON: the header line,
 * then one record a line in arrival order.
 */
import { rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { NodeConnectionOptions } from '@nats-io/transport-node';
import type { RuntimeEventBus } from '../../agents/runtime/events.js';
import { sparesDir } from '../host/trace/journal.js';
import { TraceRecorder } from '../host/trace/recorder.js';
import { TraceLibrary, type TraceStore } from '../host/trace/trace-store.js';

/** Writes a run's trace; `close()` stops recording, writes OUT and removes the working store. */
export class TraceFile {
  private constructor(
    private readonly file: string,
    private readonly library: TraceLibrary,
    private readonly store: TraceStore,
    private readonly recorder: TraceRecorder,
  ) {}

  /** Starts recording `events` and, where permitted, the bus; OUT is written by `close()`. */
  /** `topology` is the topology file's text, kept in the header so designed-vs-observed can use it. */
  static async open(file: string, events: RuntimeEventBus, connection: NodeConnectionOptions, warn: (text: string) => void, topology: string | null = null): Promise<TraceFile> {
    await writeFile(file, ''); // an unwritable OUT fails now, not after the run
    // The working store sits beside OUT (hidden), not in a temp dir, so a crash leaves it findable.
    const library = new TraceLibrary(path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.runs`));
    const store = await library.create({ topology });
    const recorder = new TraceRecorder(store, { warn });
    recorder.attach(events);
    try {
      await recorder.tap(connection);
    } catch (error) {
      warn(`trace: cannot tap the bus (${(error as Error).message}); recording runtime events only.`);
    }
    return new TraceFile(file, library, store, recorder);
  }

  /** Stops recording, exports the run to OUT and removes the working store. */
  async close(): Promise<void> {
    await this.recorder.stop();
    await this.store.exportNdjson(this.file);
    await this.store.close();
    await this.library.remove(this.store.runId);
    await rm(sparesDir(this.store.dir), { recursive: true, force: true }); // recycled journal files: nothing of the user's
    await rmdir(this.library.root).catch(() => undefined); // another run may still be recording there
  }
}
