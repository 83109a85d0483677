// Running from the UI: open the trio, press Run, the agents' dots turn live, send the example
// request, read the reply and the live trace (who sent what to whom, on which subject), stop.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startWorkbench, type Workbench } from '../helpers/workbench.js';

const trio = readFileSync('templates/seed-000-trio.yaml', 'utf8');

describe('running a topology from the UI', () => {
  let workbench: Workbench;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    workbench = await startWorkbench({ name: 'e2e-run', testHook: true });
    ({ page, pageErrors } = workbench);
  });

  // Each test starts from a freshly loaded page (no run, nothing open) with the server running.
  beforeEach(async () => {
    await page.goto(workbench.url);
    await page.waitForFunction(() => window.__switchboardTest !== undefined);
    await page.locator('[data-testid=server-card] [data-state=running]').waitFor();
  });

  afterAll(async () => {
    await workbench?.close();
  });

  /** Opens the trio through the test hook. */
  const openTrio = () => page.evaluate((text) => window.__switchboardTest!.open(text, 'seed-000-trio.yaml'), trio);

  it('runs, answers the example, shows the trace and live dots, and stops', async () => {
    expect(await page.getByTestId('run-start').isDisabled()).toBe(true); // nothing open yet
    await openTrio();
    await page.getByTestId('run-start').click();
    await page.getByTestId('run-state').filter({ hasText: 'running 3 agents' }).waitFor();
    // The dots on the canvas show the agents live.
    await page.waitForFunction(() => document.querySelectorAll('.status-dot.status-running').length === 3);

    // The Trace tab came to the front with the example ready to send.
    expect(await page.getByTestId('send-to').inputValue()).toBe('task_coordinator');
    expect(await page.getByTestId('send-input').inputValue()).toBe("What's the weather in Paris?");
    await page.getByTestId('send-button').click();
    await page.getByTestId('send-reply').filter({ hasText: 'Weather-Bot: It is 18°C and partly cloudy in Paris.' }).waitFor();

    // Who sent what to whom, on which subject, in order.
    await page.locator('[data-subject="agents.request.weather_bot"]').first().waitFor();
    const rows = await page.locator('[data-testid=trace-list] .trace-row').allInnerTexts();
    const toCoordinator = rows.findIndex((r) => r.includes('switchboard_app → task_coordinator'));
    const toWeather = rows.findIndex((r) => r.includes('task_coordinator → weather_bot'));
    expect(toCoordinator).toBeGreaterThanOrEqual(0);
    expect(toWeather).toBeGreaterThan(toCoordinator);
    expect(rows.some((r) => r.includes('llm.call'))).toBe(true);
    // Nothing recorded was dropped from the live list: it starts at seq 1 without gaps.
    const seqs = await page.locator('[data-testid=trace-list] .trace-seq').allInnerTexts();
    expect(seqs.map(Number)).toEqual(seqs.map((_, i) => i + 1));
    await workbench.screenshot('run-trace');

    await page.getByTestId('run-stop').click();
    await page.waitForFunction(() => document.querySelectorAll('.status-dot.status-running').length === 0);
    await page.waitForFunction(() => !(document.querySelector('[data-testid=run-start]') as HTMLButtonElement).disabled); // runnable again once stopped
    expect(pageErrors).toEqual([]);
  });

  it('stops at a breakpoint set while running, steps, and continues (the decision editor: debugger.test.ts)', async () => {
    await openTrio();
    await page.getByTestId('run-start').click();
    await page.getByTestId('run-state').filter({ hasText: 'running 3 agents' }).waitFor();

    // Set the breakpoint live, in the inspector of weather_bot.
    await page.locator('.react-flow__node', { hasText: 'weather_bot' }).click();
    await page.getByTestId('field-breakpoints').getByRole('checkbox', { name: 'decide' }).check();

    await page.getByTestId('tab-trace').click();
    await page.getByTestId('send-button').click();
    const paused = page.getByTestId('paused-run');
    await paused.and(page.locator('[data-phase=decide]')).waitFor();
    expect(await paused.getAttribute('data-agent')).toBe('weather_bot');
    await page.waitForFunction(() => document.querySelector('.status-dot.status-paused') !== null);

    // Step: the same run stops again before Act; Continue runs it to its next Decide (turn 2), and on to the reply.
    await page.getByTestId('resume-step').click();
    await paused.and(page.locator('[data-phase=act]')).waitFor();
    await workbench.screenshot('debugger-paused');
    await page.getByTestId('resume-continue').click();
    await paused.and(page.locator('[data-phase=decide]')).waitFor();
    await page.getByTestId('resume-continue').click();
    await page.getByTestId('tab-trace').click();
    await page.getByTestId('send-reply').filter({ hasText: 'Weather-Bot: It is 18°C and partly cloudy in Paris.' }).waitFor();

    await page.getByTestId('run-stop').click();
    await page.waitForFunction(() => !(document.querySelector('[data-testid=run-start]') as HTMLButtonElement).disabled); // runnable again once stopped
    expect(pageErrors).toEqual([]);
  });
});
