// Finds the Electron binary the `electron` package installed, the way its index.js does (path.txt
// names the executable under dist/, ELECTRON_OVERRIDE_DIST_PATH replaces dist/), without its
// confusing throw: `npm start` and `npm run dist` explain a missing binary instead.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Whether `file` is an executable regular file. */
export function isExecutableFile(file) {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Looks for the binary of the electron package in `electronDir` (node_modules/electron).
 * Returns `{ path }` when it is there, else `{ problem }`: one sentence naming what is missing.
 */
export function findElectronBinary(electronDir, env = process.env) {
  let version;
  try {
    version = JSON.parse(readFileSync(path.join(electronDir, 'package.json'), 'utf8')).version;
  } catch {
    return { problem: `the electron package is not installed (${electronDir} is missing).`, notInstalled: true };
  }
  let executable;
  try {
    executable = readFileSync(path.join(electronDir, 'path.txt'), 'utf8').trim();
  } catch {
    executable = undefined; // written by electron's install script once the download succeeded
  }
  const override = env['ELECTRON_OVERRIDE_DIST_PATH'];
  if (override) {
    const file = path.join(override, executable || 'electron');
    return isExecutableFile(file)
      ? { path: file, version }
      : { problem: `ELECTRON_OVERRIDE_DIST_PATH=${override} holds no Electron executable (${file}).`, version };
  }
  if (!executable) {
    return { problem: `the Electron ${version} binary was never downloaded (${path.join(electronDir, 'path.txt')} is missing).`, version };
  }
  const file = path.join(electronDir, 'dist', executable);
  return isExecutableFile(file)
    ? { path: file, version }
    : { problem: `the Electron ${version} binary is incomplete (${file} is missing).`, version };
}

/** Why the binary may be missing and the commands that fix it: the lines under `found.problem`. */
export function electronInstallHelp(found, env = process.env) {
  const serve = 'Or use the app without Electron: npx switchboard serve   (prints a URL to open in your browser)';
  if (found.notInstalled) {
    return [
      'Install the dependencies: npm ci',
      'If npm ci stops at electron\'s download (no access to github.com): ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci',
      serve,
    ];
  }
  const skipped = Boolean(env['ELECTRON_SKIP_BINARY_DOWNLOAD']);
  const install = skipped
    ? 'env -u ELECTRON_SKIP_BINARY_DOWNLOAD node node_modules/electron/install.js'
    : 'node node_modules/electron/install.js';
  return [
    skipped
      ? 'ELECTRON_SKIP_BINARY_DOWNLOAD is set in this shell, so electron\'s install script skips the download.'
      : 'Electron\'s install script downloads it during `npm ci`: it was blocked (allowScripts), skipped ' +
        '(ELECTRON_SKIP_BINARY_DOWNLOAD) or could not reach github.com.',
    `Fix: ${install}   (about 100 MB from github.com; ELECTRON_MIRROR=<url> for a mirror)`,
    serve,
  ];
}
