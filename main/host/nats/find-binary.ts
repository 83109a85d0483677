/** Finds the nats-server binary the host runs: the same order the fetch script uses to bundle one. */
import { isExecutable } from '../../../agents/tools/process/executable.js';
import path from 'node:path';

/** Where to look. */
export interface BinarySearch {
  env: NodeJS.ProcessEnv;
  /** Electron's `process.resourcesPath` in a packaged app. */
  resourcesPath?: string;
  /** The repository or installed package root, holding `resources/nats-server/`. */
  appRoot: string;
  platform?: NodeJS.Platform;
  arch?: string;
}

/** A found binary and why it was chosen. */
export interface FoundBinary {
  path: string;
  source: 'NATS_SERVER_BIN' | 'packaged' | 'bundled' | 'PATH';
}

/** The binary's file name on `platform`. */
export const natsServerFileName = (platform: NodeJS.Platform = process.platform) =>
  platform === 'win32' ? 'nats-server.exe' : 'nats-server';

/** The message every "no binary" error shows. */
export const MISSING_BINARY_HELP =
  'No nats-server binary found. Set NATS_SERVER_BIN to one, install nats-server so it is on the PATH ' +
  '(Debian/Ubuntu: apt-get install nats-server; macOS: brew install nats-server), or run ' +
  '`node scripts/fetch-nats-server.mjs` to download the pinned release; or use --nats URL for an external server.';

/** Looks in order: NATS_SERVER_BIN, the packaged app's resources, resources/nats-server/, the PATH. */
export function findNatsServerBinary(search: BinarySearch): FoundBinary | null {
  const platform = search.platform ?? process.platform;
  const arch = search.arch ?? process.arch;
  const file = natsServerFileName(platform);
  const fromEnv = search.env['NATS_SERVER_BIN'];
  if (fromEnv) return { path: path.resolve(fromEnv), source: 'NATS_SERVER_BIN' }; // used as given; start() explains a bad one

  const candidates: FoundBinary[] = [];
  if (search.resourcesPath) candidates.push({ path: path.join(search.resourcesPath, 'nats-server', file), source: 'packaged' });
  candidates.push({ path: path.join(search.appRoot, 'resources', 'nats-server', `${platform}-${arch}`, file), source: 'bundled' });
  const pathDirs = (search.env['PATH'] ?? '').split(path.delimiter).filter(Boolean);
  // Debian installs it in /usr/sbin, which a non-root PATH often lacks.
  const extra = platform === 'win32' ? [] : ['/usr/sbin', '/usr/local/sbin', '/usr/local/bin', '/opt/homebrew/bin'];
  for (const dir of [...pathDirs, ...extra]) candidates.push({ path: path.join(dir, file), source: 'PATH' });
  return candidates.find((c) => isExecutable(c.path)) ?? null;
}
