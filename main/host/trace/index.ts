/** The trace recorder and its on-disk store (issue #6): what the host and the CLI import. */
export { TraceRecorder } from './recorder.js';
export { TraceStore, type TraceStoreOptions } from './trace-store.js';
export { TraceImportError, TraceLibrary, traceRoot } from './trace-library.js';
