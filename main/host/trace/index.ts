/** The trace recorder and its on-disk store (issue #6): what the host and the CLI import. */
export { TraceRecorder, parsePayload, type LiveBatch, type LiveListener, type LiveOptions, type RecorderOptions, type SkippedRange } from './recorder.js';
export { TraceStore, type TraceStoreOptions } from './trace-store.js';
export { TraceImportError, TraceLibrary, newRunId, traceRoot, type ImportProblem } from './trace-library.js';
export type { TraceCounts } from './run-index.js';
