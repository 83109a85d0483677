/**
 * Opening a file from outside the app: a double-click on a topology file, `switchboard serve FILE`,
 * a second launch handing its file to the running one. The shell picks the file out of its
 * command line here; the host keeps the request until the page takes it (the page may not be
 * loaded yet, or may be reloaded), and tells a page that is up with `file.openRequested`.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { EventBus } from './event-bus.js';
import { fileErrorText, RunFailure } from './run-session-failure.js';

/** Files the app opens: topologies (its own extension, YAML, JSON) and recorded traces (File → Open imports those). */
export const OPENABLE_FILE = /\.(switchboard|ya?ml|json|ndjson|jsonl)$/i;

/** Where an argument list comes from. */
export interface ArgvSource {
  /** Leading entries that are not arguments: 1 for a packaged app (the executable), 2 for `electron .`. */
  skip: number;
  /** The launch's working directory: relative paths start there (a second instance's, not ours). */
  cwd: string;
  /** The shell's own flags (`--nats URL`): their values are not files. */
  flags?: ParseArgsConfig['options'];
}

/**
 * The file a launch asks to open: the last argument that is neither a switch nor a switch's value
 * and names an openable file, as an absolute path; null when there is none. Chromium and Electron
 * add switches of their own (`--enable-logging`, `--original-process-start-time=…`, macOS's
 * `-psn_…`); desktop files may pass `file://` URLs (%U).
 */
export function fileFromArgv(argv: readonly string[], { skip, cwd, flags = {} }: ArgvSource): string | null {
  // Parsing with the shell's flag specs keeps `--nats URL`'s value from being taken for a file;
  // unknown switches are tolerated, not refused.
  const { positionals } = parseArgs({ args: argv.slice(skip), options: flags, strict: false, allowPositionals: true });
  for (const arg of positionals.toReversed()) {
    const file = asPath(arg);
    if (file !== null && OPENABLE_FILE.test(file)) return path.resolve(cwd, file);
  }
  return null;
}

/** A path from a plain path or a file:// URL; null for other URLs. */
function asPath(arg: string): string | null {
  if (/^file:\/\//i.test(arg)) {
    try {
      return fileURLToPath(arg);
    } catch {
      return null; // a file URL of another host: not ours to open
    }
  }
  return /^[a-z][a-z0-9+.-]+:\/\//i.test(arg) ? null : arg;
}

/** `file` as an absolute path when it is a readable file (`serve FILE` checks before starting); else a RunFailure saying why. */
export async function readableFile(file: string): Promise<string> {
  const full = path.resolve(file);
  try {
    if ((await stat(full)).isDirectory()) throw Object.assign(new Error('a directory'), { code: 'EISDIR' });
    await access(full, constants.R_OK);
  } catch (error) {
    throw new RunFailure('unreadable', `cannot open ${full}: ${fileErrorText(error)}.`);
  }
  return full;
}

/**
 * The file waiting to be opened. One at a time: the window holds one document, and the latest
 * double-click is what the user wants now. Taking it clears it, so a reload or a second tab does
 * not open it again.
 */
export class OpenRequests {
  private pending: string | null = null;

  constructor(private readonly events: EventBus) {}

  /** Records `file` (absolute) and tells any page that is up. */
  request(file: string): void {
    this.pending = file;
    this.events.emit('file.openRequested', { path: file });
  }

  /** The waiting file, once; null when none. */
  take(): string | null {
    const file = this.pending;
    this.pending = null;
    return file;
  }
}
