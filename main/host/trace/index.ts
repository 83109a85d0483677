/** The trace recorder and its on-disk store (issue #6): what the host and the CLI import. */
export { TraceRecorder, parsePayload, type LiveBatch, type LiveListener, type LiveOptions, type RecorderOptions, type SkippedRange } from './recorder.js';
export { TraceImportError, TraceLibrary, TraceStore, newRunId, traceRoot, type ImportProblem, type TraceCounts, type TraceStoreOptions } from './trace-store.js';
