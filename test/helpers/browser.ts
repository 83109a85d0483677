/** Debian's Chromium driven by playwright-core, with the flags these machines need. */
import { chromium, type Browser } from 'playwright-core';

/** Where Chromium is: CHROMIUM_PATH, else Debian's. */
export const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

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
