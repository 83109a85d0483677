/** Temporary directories for tests: created under the OS temp dir, removed recursively. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Creates a fresh, empty directory named `switchboard-<prefix>-XXXXXX`. */
export async function makeTempDir(prefix = 'test'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `switchboard-${prefix}-`));
}

/** Removes a directory made by {@link makeTempDir}; a missing one is fine. */
export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
}
