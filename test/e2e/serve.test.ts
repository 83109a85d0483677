// End to end: `switchboard serve` in a child process, the UI in headless Chromium, a real
// nats-server killed under it. Screenshots go to test/e2e/artifacts/ (git-ignored).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { pidsWithCommandLine } from '../helpers/processes.js';
import { startWorkbench, type Workbench } from '../helpers/workbench.js';

describe('switchboard serve in a browser', () => {
  let workbench: Workbench;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    workbench = await startWorkbench({ name: 'e2e-serve' });
    ({ page, pageErrors } = workbench);
  });

  // Each test starts from a freshly loaded page with a running server, whatever ran before it.
  beforeEach(async () => {
    await page.goto(workbench.url);
    await page.locator('[data-testid=server-card] [data-state=running]').waitFor();
  });

  afterAll(async () => {
    if (!workbench) return;
    const code = await workbench.close();
    expect(code).toBe(0);
    // Stopping serve stops its server: no nats-server of this run is left behind.
    expect(pidsWithCommandLine('nats-server', workbench.dataDir)).toEqual([]);
  });

  it('shows the embedded server running with its version and counters', async () => {
    expect(await page.getByTestId('server-version').textContent()).toMatch(/^2\.\d+\.\d+/);
    expect(await page.getByTestId('server-address').textContent()).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
    await page.getByTestId('server-counters').waitFor();
    // The token left the address bar once the page had it.
    expect(page.url()).not.toContain('token=');
    await workbench.screenshot('workbench-running');
    expect(pageErrors).toEqual([]);
  });

  it('shows the server restarting after it is killed, then running again', async () => {
    const pidBefore = Number(await page.getByTestId('server-pid').textContent());
    expect(pidBefore).toBeGreaterThan(0);

    // Record every state the card shows, so the short "restarting" phase cannot slip by unseen.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seenStates: string[] }).seenStates = seen;
      const card = document.querySelector('[data-testid=server-card]')!;
      new MutationObserver(() => {
        const state = card.querySelector('[data-testid=server-state]')?.getAttribute('data-state');
        if (state && seen.at(-1) !== state) seen.push(state);
      }).observe(card, { subtree: true, attributes: true, childList: true });
    });

    process.kill(pidBefore, 'SIGKILL');

    await page.waitForFunction(
      (pid) => {
        const card = document.querySelector('[data-testid=server-card]');
        const state = card?.querySelector('[data-testid=server-state]')?.getAttribute('data-state');
        const shownPid = Number(card?.querySelector('[data-testid=server-pid]')?.textContent);
        return state === 'running' && shownPid > 0 && shownPid !== pid;
      },
      pidBefore,
      { timeout: 15_000 },
    );
    const seen = await page.evaluate(() => (window as unknown as { seenStates: string[] }).seenStates);
    expect(seen).toContain('restarting');
    expect(seen.at(-1)).toBe('running');
    expect(await page.getByTestId('server-restarts').textContent()).toBe('1');
    await page.getByTestId('server-log').getByText('exited unexpectedly').first().waitFor();
    await workbench.screenshot('workbench-after-restart');
    expect(pageErrors).toEqual([]);
  });

  it('restarts the server from the restart button', async () => {
    const pidBefore = Number(await page.getByTestId('server-pid').textContent());
    const restartsBefore = await page.getByTestId('server-restarts').textContent();
    await page.getByTestId('server-restart').click();
    await page.waitForFunction(
      (pid) => {
        const card = document.querySelector('[data-testid=server-card]');
        const state = card?.querySelector('[data-testid=server-state]')?.getAttribute('data-state');
        return state === 'running' && Number(card?.querySelector('[data-testid=server-pid]')?.textContent) !== pid;
      },
      pidBefore,
      { timeout: 15_000 },
    );
    // A requested restart is not a crash: the counter of unexpected exits stays where it was.
    expect(await page.getByTestId('server-restarts').textContent()).toBe(restartsBefore);
  });
});
