/**
 * A test file's real nats-server with a trace library in a temp dir, and recorders tapping it:
 * what the tests of a new message kind need to check their records (start once, clean up after
 * each test in reverse order, stop at the end).
 */
import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { TraceLibrary, type TraceStore } from '../../main/host/trace/index.js';
import { TraceRecorder } from '../../main/host/trace/recorder.js';
import { startTestServer, type TestServer } from './nats-server.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';

/** The server, the after-each cleanups, and a recorder factory of one test file. */
export interface RecordedBus {
  /** The running server (after beforeAll). */
  readonly nats: TestServer;
  /** Run after each test, last added first. */
  readonly cleanups: (() => Promise<unknown>)[];
  /** A new trace store with a recorder tapping the server (both closed after the test). */
  record(): Promise<{ store: TraceStore; recorder: TraceRecorder }>;
}

/** Registers the hooks of a test file whose tests record the bus; `name` names its temp dir. */
export function useRecordedBus(name: string): RecordedBus {
  let nats: TestServer | null = null;
  let tmp = '';
  let library: TraceLibrary | null = null;
  const cleanups: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    nats = await startTestServer();
    tmp = await makeTempDir(name);
    library = new TraceLibrary(path.join(tmp, 'traces'));
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await nats?.stop();
    if (tmp) await removeTempDir(tmp);
  });
  return {
    get nats() {
      if (!nats) throw new Error('the server starts in beforeAll');
      return nats;
    },
    cleanups,
    record: async () => {
      if (!library || !nats) throw new Error('the server starts in beforeAll');
      const store = await library.create({});
      const recorder = new TraceRecorder(store, { warn: () => undefined });
      await recorder.tap(nats.connection);
      cleanups.push(() => store.close(), () => recorder.stop());
      return { store, recorder };
    },
  };
}
