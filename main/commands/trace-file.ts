/**
 * `switchboard run --trace OUT.ndjson`: the run session records into a working trace store beside
 * OUT while the run lasts (so a crash leaves a recoverable run); afterwards the run is exported
 * to OUT as NDJSON (the header line, then one record a line in arrival order) and the working
 * store is removed.
 */
import { rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileErrorText, RunFailure } from '../host/run-session-failure.js';
import { sparesDir } from '../host/trace/journal.js';
import { TraceLibrary } from '../host/trace/index.js';

/** The working library for OUT; fails now (unreadable) if OUT cannot be written, not after the run. */
export async function traceFileLibrary(file: string): Promise<TraceLibrary> {
  try {
    await writeFile(file, '');
  } catch (error) {
    throw new RunFailure('unreadable', `--trace: cannot write ${file}: ${fileErrorText(error)}`);
  }
  // Beside OUT (hidden), not in a temp dir, so a crash leaves it findable.
  return new TraceLibrary(path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.runs`));
}

/**
 * Writes the stopped run to OUT after a command ran it: a failure to write becomes the command's
 * failure, or (when the command already failed) a warning beside it. Returns the outcome to report.
 */
export async function saveTraceFile<T>(out: { file: string; library: TraceLibrary } | null, runId: string | null, outcome: T | { error: unknown }, warn: (text: string) => void, command: string): Promise<T | { error: unknown }> {
  if (!out || !runId) return outcome;
  try {
    await exportTraceFile(out.library, runId, out.file);
    return outcome;
  } catch (error) {
    const failure = new RunFailure('unreadable', `--trace: cannot write ${out.file}: ${(error as Error).message}`);
    if (typeof outcome === 'object' && outcome !== null && 'error' in outcome) {
      warn(`switchboard ${command}: ${failure.message}`);
      return outcome;
    }
    return { error: failure };
  }
}

/** Exports the stopped run `runId` to OUT and removes the working store. */
export async function exportTraceFile(library: TraceLibrary, runId: string, file: string): Promise<void> {
  await library.exportNdjson(runId, file);
  await library.remove(runId);
  await rm(sparesDir(path.join(library.root, runId)), { recursive: true, force: true }); // recycled journal files: nothing of the user's
  await rmdir(library.root).catch(() => undefined); // another run may still be recording there
}
