/**
 * Atomic file replacement that a crash (kill -9, or power loss once the data is synced) cannot
 * tear: the text goes to a temporary file beside the target, synced, then renamed over it. The
 * temporary's name is first noted in a small intent file under the data directory, so the next
 * start removes a temporary that a crash left beside a user's file ({@link AtomicFiles.sweep}).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isAlive } from '../../agents/tools/process/executable.js';

/** An intent file: the temporary a write in progress may leave behind. */
interface Intent {
  temporary: string;
}

/** Atomic writes whose temporaries are noted in `intentDir` (one `<pid>-<random>.json` per write in progress). */
export class AtomicFiles {
  constructor(private readonly intentDir: string) {}

  /** The writer for files kept in a host's data directory (one intent folder, swept at start). */
  static inDataDir(dataDir: string): AtomicFiles {
    return new AtomicFiles(path.join(dataDir, 'pending-writes'));
  }

  /** Replaces `target` with `text`: afterwards it holds the old text or the new one, never a mix. */
  async write(target: string, text: string, mode = 0o644): Promise<void> {
    const id = `${process.pid}-${randomBytes(4).toString('hex')}`;
    const temporary = `${target}.${id}.tmp`;
    const intent = path.join(this.intentDir, `${id}.json`);
    await mkdir(this.intentDir, { recursive: true });
    // Written whole before the temporary exists: a crash mid-way leaves an unreadable intent and no temporary.
    await writeFile(intent, JSON.stringify({ temporary } satisfies Intent));
    try {
      const handle = await open(temporary, 'wx', mode);
      try {
        await handle.writeFile(text);
        await handle.sync(); // else a power loss after the rename can leave an empty file
      } finally {
        await handle.close();
      }
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    } finally {
      await rm(intent, { force: true });
    }
  }

  /** Removes the temporaries of writes whose process is gone (a crash); returns the temporaries it cleared. */
  async sweep(): Promise<string[]> {
    const removed: string[] = [];
    for (const name of await readdir(this.intentDir).catch(() => [] as string[])) {
      const pid = Number(/^(\d+)-[0-9a-f]+\.json$/.exec(name)?.[1]);
      if (!pid || isAlive(pid)) continue; // a write in progress here or in another live process
      const file = path.join(this.intentDir, name);
      try {
        const { temporary } = JSON.parse(await readFile(file, 'utf8')) as Intent;
        if (typeof temporary === 'string' && temporary.endsWith('.tmp')) {
          await rm(temporary, { force: true });
          removed.push(temporary);
        }
      } catch {
        // a torn intent: its write never began
      }
      await rm(file, { force: true }).catch(() => undefined);
    }
    return removed;
  }
}
