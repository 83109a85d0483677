/** Where the running bundle finds the package root, the built renderer and its own version. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the bundle lives in dist/main/ (or dist/electron/), two levels below it. */
export const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The built renderer served in browser mode and loaded by the Electron shell. */
export const rendererDir = path.join(appRoot, 'dist', 'renderer');

/** The package version. */
export const appVersion: string = (JSON.parse(readFileSync(path.join(appRoot, 'package.json'), 'utf8')) as { version: string }).version;
