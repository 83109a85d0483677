/** Locates the nats-server binary the integration tests run, the same way the host does. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isExecutable } from '../../agents/tools/process/executable.js';
import { findNatsServerBinary, MISSING_BINARY_HELP } from '../../main/host/nats/find-binary.js';

/** The repository root (holds `resources/nats-server/`). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The nats-server the tests run (the host's lookup from the repository root), or null when none is executable: npm test's preflight asks this too. */
export function findTestNatsServer(env: NodeJS.ProcessEnv = process.env): string | null {
  const found = findNatsServerBinary({ env, appRoot: repoRoot });
  return found && isExecutable(found.path) ? found.path : null;
}

/** Absolute path of a nats-server binary; throws with setup help when there is none. */
export function natsServerBinary(): string {
  const found = findTestNatsServer();
  if (!found) throw new Error(`Integration tests need a nats-server binary. ${MISSING_BINARY_HELP}`);
  return found;
}
