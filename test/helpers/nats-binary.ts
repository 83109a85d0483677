/** Locates the nats-server binary the integration tests run, the same way the host does. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNatsServerBinary, MISSING_BINARY_HELP } from '../../main/host/nats/find-binary.js';

/** The repository root (holds `resources/nats-server/`). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Absolute path of a nats-server binary; throws with setup help when there is none. */
export function natsServerBinary(): string {
  const found = findNatsServerBinary({ env: process.env, appRoot: repoRoot });
  if (!found) throw new Error(`Integration tests need a nats-server binary. ${MISSING_BINARY_HELP}`);
  return found.path;
}
