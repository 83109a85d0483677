/**
 * The run session's server choice: the embedded nats-server (in the host's data dir, or in a
 * throwaway dir for the CLI) or the user's own server from the shared NATS flags. The host,
 * `switchboard serve` and `switchboard run` all start their server here, so a bad credentials
 * file, a missing binary or an unreachable server fails the same way from each.
 */
import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readCredentials } from './nats/credentials.js';
import { EmbeddedNatsServer } from './nats/embedded-server.js';
import { ExternalNatsServer, type ExternalServerOptions } from './nats/external-server.js';
import { findNatsServerBinary, MISSING_BINARY_HELP } from './nats/find-binary.js';
import type { NatsServerHandle, StatusListener } from './nats/server-handle.js';
import { fileErrorText, RunFailure } from './run-session-failure.js';

/** How a host or a run gets its NATS server. */
export type NatsChoice =
  | { mode: 'embedded'; binary?: string; port?: number; monitorPort?: number }
  | ({ mode: 'external' } & ExternalServerOptions);

/** Where an embedded server lives and how its binary is found. */
export interface ServerPlace {
  /** The package root (for the bundled binary). */
  appRoot: string;
  /** Electron's resources path in a packaged app. */
  resourcesPath?: string;
  /** The embedded server's data dir; without one, a throwaway dir removed on stop. */
  dataDir?: string;
  /** Follows the server's state from before it starts (the host forwards it to the UI). */
  onStatus?: StatusListener;
}

/** A started server; `stop()` also removes a throwaway data dir. */
export interface SessionServer {
  readonly handle: NatsServerHandle;
  /** The embedded server's binary; null for an external server. */
  readonly binary: string | null;
  stop(): Promise<void>;
}

/** Prefix of the CLI's throwaway data dirs (tests look for servers started in them). */
export const THROWAWAY_DIR_PREFIX = 'switchboard-run-';

/**
 * Checks the choice's files, starts the server and waits until it is ready. Rejects with a
 * RunFailure: `unreadable` for a credentials or TLS file, `nats_unavailable` for the rest.
 */
export async function startNatsServer(choice: NatsChoice, place: ServerPlace): Promise<SessionServer> {
  if (choice.mode === 'external') await checkExternalFiles(choice);
  const binary = choice.mode === 'embedded' ? embeddedBinary(choice, place) : null;
  const throwaway = choice.mode === 'embedded' && place.dataDir === undefined ? await mkdtemp(path.join(os.tmpdir(), THROWAWAY_DIR_PREFIX)) : null;
  const removeThrowaway = async () => {
    if (throwaway) await rm(throwaway, { recursive: true, force: true });
  };
  const handle: NatsServerHandle =
    choice.mode === 'external'
      ? new ExternalNatsServer(externalOptions(choice))
      : new EmbeddedNatsServer({
          binary: binary!,
          dataDir: throwaway ?? place.dataDir!,
          ...(choice.port !== undefined && { port: choice.port }),
          ...(choice.monitorPort !== undefined && { monitorPort: choice.monitorPort }),
        });
  if (place.onStatus) handle.onStatus(place.onStatus);
  try {
    await handle.start();
  } catch (error) {
    await handle.stop().catch(() => undefined);
    await removeThrowaway().catch(() => undefined);
    throw new RunFailure('nats_unavailable', error instanceof Error ? error.message : String(error), { cause: error });
  }
  let stopping: Promise<void> | null = null;
  return {
    handle,
    binary,
    // The server first: its JetStream store lives in the throwaway dir.
    stop: () => (stopping ??= handle.stop().finally(removeThrowaway)),
  };
}

/** The embedded server's binary: the choice's, else the usual search; none is a NATS failure. */
function embeddedBinary(choice: Extract<NatsChoice, { mode: 'embedded' }>, place: ServerPlace): string {
  if (choice.binary) return choice.binary;
  const found = findNatsServerBinary({
    env: process.env,
    appRoot: place.appRoot,
    ...(place.resourcesPath !== undefined && { resourcesPath: place.resourcesPath }),
  });
  if (!found) throw new RunFailure('nats_unavailable', MISSING_BINARY_HELP);
  return found.path;
}

function externalOptions(choice: Extract<NatsChoice, { mode: 'external' }>): ExternalServerOptions {
  const { mode: _mode, ...options } = choice;
  return options;
}

/** A missing or malformed credentials or TLS file is the user's file, not the server's fault: say which. */
export async function checkExternalFiles(choice: Extract<NatsChoice, { mode: 'external' }>): Promise<void> {
  if (choice.credsFile) {
    try {
      await readCredentials(choice.credsFile);
    } catch (error) {
      const unreadable = (error as NodeJS.ErrnoException).code !== undefined;
      throw new RunFailure('unreadable', unreadable ? `cannot read the credentials file ${choice.credsFile}: ${fileErrorText(error)}` : (error as Error).message);
    }
  }
  const tls = choice.tls ?? {};
  for (const [what, file] of [['CA certificate', tls.caFile], ['client certificate', tls.certFile], ['client key', tls.keyFile]] as const) {
    if (file === undefined) continue;
    try {
      await access(file, constants.R_OK);
    } catch (error) {
      throw new RunFailure('unreadable', `cannot read the TLS ${what} ${file}: ${fileErrorText(error)}`);
    }
  }
}
