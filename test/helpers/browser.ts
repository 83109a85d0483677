/** Debian's Chromium driven by playwright-core, with the flags these machines need. */
import { chromium, type Browser } from 'playwright-core';
import { DEBIAN_CHROMIUM, findChromium } from './chromium-path.js';

/** The Chromium the tests launch ({@link findChromium}; Debian's path when none, so the launch error names it). */
export const chromiumPath = findChromium() ?? DEBIAN_CHROMIUM;

/** Launches headless Chromium (playwright gives each launch a fresh, temporary profile). */
export async function launchChromium(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  return { browser, close: () => browser.close() };
}
