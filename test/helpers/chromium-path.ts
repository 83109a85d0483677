/** Where the e2e tests' Chromium is: one lookup for test/helpers/browser.ts and npm test's preflight (which must not load playwright). */
import { isExecutable, resolveCommand } from '../../agents/tools/process/executable.js';

/** Debian's Chromium, which a non-login PATH may lack. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** CHROMIUM_PATH as given, else chromium (or chromium-browser) on the PATH, else Debian's; null when there is none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const fromEnv = env['CHROMIUM_PATH'];
  if (fromEnv) return fromEnv; // used as given: the preflight and the launch say when it does not run
  return resolveCommand('chromium', env) ?? resolveCommand('chromium-browser', env) ?? (isExecutable(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : null);
}
