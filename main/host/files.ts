/**
 * Topology files for the app: atomic saves that refuse to overwrite a file changed on disk (or
 * written by a newer Switchboard), a recent-files list, and recovery copies for unsaved work that
 * a crash must not lose.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { checkVersion } from '../../agents/topology/migrations.js';
import { RpcError, type OpenedFile, type Recovery } from '../../preload/contract.js';
import { parse as parseYaml } from 'yaml';
import { AtomicFiles } from './atomic-write.js';
import { readTextFile, TextFileError } from './read-text-file.js';
import { formatProblems } from '../../agents/topology/format-problems.js';
import { nestingProblem, textRefusal } from '../../agents/topology/text-limits.js';

const RECENT_MAX = 12;

/** File operations rooted in the app's data directory (recent list, recovery copies). */
export class TopologyFiles {
  private readonly atomic: AtomicFiles;
  /** Updates of the recent list, one after another (each reads the list, then writes it). */
  private recentUpdates: Promise<void> = Promise.resolve();

  constructor(private readonly dataDir: string) {
    this.atomic = AtomicFiles.inDataDir(dataDir);
  }

  /** Removes temporary files a crashed save left beside the user's files (called at start). */
  async removeLeftovers(): Promise<string[]> {
    return this.atomic.sweep();
  }

  async open(file: string): Promise<OpenedFile> {
    const full = path.resolve(file);
    let text: string;
    try {
      text = await readTextFile(full);
    } catch (error) {
      // Too big, binary or not UTF-8: refused here, so the open document stays as it is.
      if (error instanceof TextFileError && error.problem) throw new RpcError('invalid_input', formatProblems([error.problem], full));
      const code = (error as NodeJS.ErrnoException).code;
      throw new RpcError(code === 'ENOENT' ? 'not_found' : 'failed', `Cannot open ${full}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
    }
    const { mtimeMs } = await stat(full);
    await this.remember(full);
    return { path: full, text, mtimeMs };
  }

  /** Writes to a temporary file beside the target, then renames it over: never a half-written file. */
  async save(file: string, text: string, expectedMtimeMs?: number, createOnly = false): Promise<OpenedFile> {
    const full = path.resolve(file);
    const existing = await stat(full).catch(() => null);
    if (existing && createOnly) throw new RpcError('conflict', `${full} already exists.`);
    if (existing && expectedMtimeMs !== undefined && Math.abs(existing.mtimeMs - expectedMtimeMs) > 1) {
      throw new RpcError('conflict', `${full} changed on disk since it was opened. Reload it, or save under another name.`);
    }
    if (existing) {
      const current = await readFile(full, 'utf8').catch(() => '');
      const version = checkVersion(apiVersionOf(current));
      if (version.status === 'newer') {
        throw new RpcError('conflict', `${full} was written by a newer Switchboard (${version.version}); it is not overwritten. Save under another name.`);
      }
    }
    await mkdir(path.dirname(full), { recursive: true });
    try {
      await this.atomic.write(full, text, existing ? existing.mode & 0o777 : 0o644);
    } catch (error) {
      throw new RpcError('failed', `Cannot save ${full}: ${(error as Error).message}`);
    }
    const { mtimeMs } = await stat(full);
    await this.remember(full);
    return { path: full, text, mtimeMs };
  }

  async recent(): Promise<string[]> {
    try {
      const list = JSON.parse(await readFile(this.recentFile, 'utf8')) as unknown;
      return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string') : [];
    } catch {
      return [];
    }
  }

  async autosave(key: string, file: string | null, text: string): Promise<string> {
    const savedAt = new Date().toISOString();
    await mkdir(this.recoveryDir, { recursive: true });
    await this.atomic.write(this.recoveryPath(key), JSON.stringify({ key, path: file, text, savedAt } satisfies Recovery));
    return savedAt;
  }

  async recoveries(): Promise<Recovery[]> {
    const names = await readdir(this.recoveryDir).catch(() => [] as string[]);
    const found: Recovery[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      try {
        found.push(JSON.parse(await readFile(path.join(this.recoveryDir, name), 'utf8')) as Recovery);
      } catch {
        // a torn copy is worth nothing; the next autosave replaces it
      }
    }
    return found.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
  }

  async discardRecovery(key: string): Promise<void> {
    await rm(this.recoveryPath(key), { force: true });
  }

  private get recentFile(): string {
    return path.join(this.dataDir, 'recent-files.json');
  }

  private get recoveryDir(): string {
    return path.join(this.dataDir, 'recovery');
  }

  /** Keys come from the UI: a readable, safe part plus a hash of the whole key (long paths differ at the end). */
  private recoveryPath(key: string): string {
    const readable = key.replace(/[^A-Za-z0-9_-]/g, '_').slice(-80);
    return path.join(this.recoveryDir, `${readable}-${createHash('sha256').update(key).digest('hex').slice(0, 16)}.json`);
  }

  /** Atomic and one at a time: a crash mid-write must not tear the list, nor two saves drop an entry. */
  private remember(file: string): Promise<void> {
    const update = this.recentUpdates.then(async () => {
      const list = [file, ...(await this.recent()).filter((p) => p !== file)].slice(0, RECENT_MAX);
      await mkdir(this.dataDir, { recursive: true });
      await this.atomic.write(this.recentFile, JSON.stringify(list, null, 2));
    });
    this.recentUpdates = update.catch(() => undefined);
    return update;
  }
}

/** A first line `apiVersion: X` (as every saved file has) followed by an unindented line: X, without parsing the rest. */
const FIRST_LINE_VERSION = /^apiVersion:[ \t]*(["']?)([\w.:/-]+)\1[ \t]*(?:#[^\n]*)?\r?\n(?![ \t])/;

/** The apiVersion of a file about to be overwritten. Parsing 400 KB of YAML blocks the host for ~300 ms, so the first line is read first. */
function apiVersionOf(text: string): unknown {
  const first = FIRST_LINE_VERSION.exec(text);
  if (first) return first[2];
  try {
    if (text.trimStart().startsWith('{')) return (JSON.parse(text) as { apiVersion?: unknown } | null)?.apiVersion;
  } catch {
    // not JSON after all: YAML reads it below
  }
  // Noise, binary or nesting deep enough to exhaust the parser's stack (which can take V8 down) is no newer topology.
  if (textRefusal(text) || nestingProblem(text)) return undefined;
  try {
    return (parseYaml(text) as { apiVersion?: unknown } | null)?.apiVersion;
  } catch {
    return undefined;
  }
}
