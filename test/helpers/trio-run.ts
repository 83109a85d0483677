// The e2e tests' common start: a workbench with the test hook, ready (its NATS server running), and
// the seed-000 trio run with its example sent and answered.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { startWorkbench, type Workbench, type WorkbenchOptions } from './workbench.js';

/** The trio template's text. */
export const trioTemplate = readFileSync('templates/seed-000-trio.yaml', 'utf8');

/** Starts a workbench with the test hook and waits until its NATS server runs. */
export async function startReadyWorkbench(options: Omit<WorkbenchOptions, 'testHook'>): Promise<Workbench> {
  const workbench = await startWorkbench({ ...options, testHook: true });
  try {
    await workbench.page.waitForFunction(() => window.__switchboardTest !== undefined);
    await workbench.page.locator('[data-testid=server-card] [data-state=running]').waitFor();
  } catch (error) {
    await workbench.close(); // the caller never gets it to close: serve and its nats-server outlived the test
    throw error;
  }
  return workbench;
}

/** Opens the trio, runs it, sends its example and waits for Weather-Bot's answer. */
export async function runTrioExample(page: Page): Promise<void> {
  await page.evaluate((text) => window.__switchboardTest!.open(text, 'seed-000-trio.yaml'), trioTemplate);
  await page.getByTestId('run-start').click();
  await page.getByTestId('run-state').filter({ hasText: 'running 3 agents' }).waitFor();
  await page.getByTestId('send-button').click();
  await page.getByTestId('send-reply').filter({ hasText: 'Weather-Bot: It is 18°C and partly cloudy in Paris.' }).waitFor();
}
