import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/nats-binary.js';

// npm 11 runs a dependency's install script only when package.json's allowScripts approves it
// (`npm help install-scripts`). A pinned approval (`name@1.2.3`) matches only when the lockfile
// entry carries a registry `resolved` URL naming that version: without it npm refuses the pin and
// silently skips the script (electron's binary never downloads).
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  allowScripts: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; resolved?: string; hasInstallScript?: boolean }>;
};

/** `name@1.2.3` → { name, version }; a bare name → version undefined. */
function parseKey(key: string): { name: string; version: string | undefined } {
  const at = key.lastIndexOf('@');
  return at > 0 ? { name: key.slice(0, at), version: key.slice(at + 1) } : { name: key, version: undefined };
}

const lockedWithScripts = Object.entries(lock.packages)
  .filter(([location, entry]) => location !== '' && entry.hasInstallScript)
  .map(([location, entry]) => ({ name: location.slice(location.lastIndexOf('node_modules/') + 13), entry }));

describe('allowScripts', () => {
  it('decides on every locked package that has an install script', () => {
    const decided = new Set(Object.keys(pkg.allowScripts).map((key) => parseKey(key).name));
    const undecided = lockedWithScripts.filter((p) => !decided.has(p.name)).map((p) => p.name);
    expect(undecided).toEqual([]);
  });

  it('approves electron and esbuild pinned to their locked versions, with a resolved URL npm can verify', () => {
    const approved = Object.entries(pkg.allowScripts).filter(([, allowed]) => allowed).map(([key]) => parseKey(key));
    expect(approved.map((a) => a.name).sort()).toEqual(['electron', 'esbuild']);
    for (const { name, version } of approved) {
      const entry = lock.packages[`node_modules/${name}`];
      expect(version, `${name} approval is pinned`).toBe(entry?.version);
      expect(entry?.resolved).toBe(`https://registry.npmjs.org/${name}/-/${name}-${version}.tgz`);
    }
  });

  it('denies the scripts the project does not need', () => {
    expect(pkg.allowScripts['es5-ext']).toBe(false); // a postinstall that prints a message, nothing else
    expect(pkg.allowScripts['electron-winstaller']).toBe(false); // Squirrel.Windows only; the installer is NSIS
  });
});
