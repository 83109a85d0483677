/**
 * Vitest globalSetup of the integration and e2e projects: they spawn the built CLI and serve the
 * built renderer, so dist/ is rebuilt (scripts/build.mjs) first whenever a source file is newer
 * than it. A run right after `npm test`'s own build finds dist/ fresh and does not build twice.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** What goes into dist/: the bundles' sources and the build's own configuration. */
const SOURCES = ['main', 'agents', 'preload', 'renderer', 'bin', 'scripts/build.mjs', 'vite.config.ts', 'package.json', 'tsconfig.json'];
/** Written first by every build (it removes dist/ before writing), so everything else is newer. */
const STAMP = 'dist/main/cli.js';
/** Outputs that must exist too. */
const OUTPUTS = [STAMP, 'dist/electron/main.js', 'dist/preload/index.cjs', 'dist/renderer/index.html'];

/** Builds dist/ unless it is newer than every source. */
export function setup(): void {
  const stale = staleBecause();
  if (stale === null) return;
  console.log(`global-build: building dist/ (${stale})`);
  // Vitest sets NODE_ENV=test, which would bundle React's development build: dist/ is always a production build.
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
}

/** Why dist/ needs a build, or null when it is fresh. */
function staleBecause(): string | null {
  const missing = OUTPUTS.find((file) => mtimeOf(file) === null);
  if (missing) return `${missing} is missing`;
  const builtAt = mtimeOf(STAMP)!;
  const newer = newestUnder(SOURCES);
  return newer && newer.mtime > builtAt ? `${newer.file} changed since` : null;
}

function mtimeOf(file: string): number | null {
  try {
    return statSync(path.join(repoRoot, file)).mtimeMs;
  } catch {
    return null;
  }
}

/** The most recently modified file among `entries` (files or folders, walked; node_modules skipped). */
function newestUnder(entries: string[]): { file: string; mtime: number } | null {
  let newest: { file: string; mtime: number } | null = null;
  const visit = (relative: string) => {
    let stat;
    try {
      stat = statSync(path.join(repoRoot, relative));
    } catch {
      return; // an optional entry that is not there
    }
    if (stat.isDirectory()) {
      for (const name of readdirSync(path.join(repoRoot, relative))) if (name !== 'node_modules') visit(path.join(relative, name));
    } else if (!newest || stat.mtimeMs > newest.mtime) {
      newest = { file: relative, mtime: stat.mtimeMs };
    }
  };
  for (const entry of entries) visit(entry);
  return newest;
}
