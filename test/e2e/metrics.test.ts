// The Metrics view: run the trio, send its example a few times, open Metrics: the system, agent
// and NATS charts render, the agents that worked have non-zero totals (from trace.getMetrics);
// dragging across a chart shows only that time range in the Trace view.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkbench, type Workbench } from '../helpers/workbench.js';

const trio = readFileSync('templates/seed-000-trio.yaml', 'utf8');

describe('the Metrics view', () => {
  let workbench: Workbench;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    workbench = await startWorkbench({ name: 'e2e-metrics', testHook: true });
    ({ page, pageErrors } = workbench);
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.waitForFunction(() => window.__switchboardTest !== undefined);
    await page.locator('[data-testid=server-card] [data-state=running]').waitFor();
  });

  afterAll(async () => {
    await workbench?.close();
  });

  /** The numbers of an agent card's totals line: in, out, tools, tokens, errors. */
  const totals = async (agent: string) => {
    const text = await page.getByTestId(`metrics-agent-${agent}`).getByTestId('metrics-agent-totals').innerText();
    const [, received, sent] = /(\d+) in · (\d+) out/.exec(text) ?? [];
    return { text, received: Number(received), sent: Number(sent) };
  };

  it('charts the agents that worked, live, and a dragged range narrows the trace', async () => {
    await page.evaluate((text) => window.__switchboardTest!.open(text, 'seed-000-trio.yaml'), trio);
    await page.getByTestId('run-start').click();
    await page.getByTestId('run-state').filter({ hasText: 'running 3 agents' }).waitFor();
    for (let i = 0; i < 4; i++) {
      await page.getByTestId('send-button').click(); // waits for the previous send to finish (the button is disabled meanwhile)
      await page.waitForTimeout(300); // spread the sends over time, so the charts have more than one busy bucket
    }
    await page.waitForFunction(() => !(document.querySelector('[data-testid=send-button]') as HTMLButtonElement).disabled);
    await page.getByTestId('send-reply').filter({ hasText: 'Weather-Bot: It is 18°C' }).waitFor();

    await page.getByTestId('view-metrics').click();
    await page.getByTestId('metrics-view').waitFor();
    await page.getByTestId('metrics-live').waitFor();
    // The agents that worked have non-zero series; the workbench is a client.
    await page.getByTestId('metrics-agent-weather_bot').waitFor();
    await page.waitForFunction(() => /[1-9]\d* in/.test(document.querySelector('[data-testid=metrics-agent-weather_bot] [data-testid=metrics-agent-totals]')?.textContent ?? ''));
    const bot = await totals('weather_bot');
    const coordinator = await totals('task_coordinator');
    expect(bot.received).toBeGreaterThanOrEqual(4);
    expect(bot.sent).toBeGreaterThanOrEqual(4);
    expect(coordinator.received).toBeGreaterThanOrEqual(8); // the app's requests and the bot's replies
    expect(bot.text).toMatch(/p50 \d/);
    expect(await page.getByTestId('metrics-agent-switchboard_app').innerText()).toContain('client');
    // Every chart drew: system, three per agent, NATS once two samples are in.
    for (const id of ['chart-active', 'chart-e2e', 'chart-tasks', 'chart-errors']) await page.getByTestId(id).locator('canvas').waitFor();
    expect(await page.getByTestId('metrics-agent-weather_bot').locator('canvas').count()).toBe(3);
    await page.getByTestId('chart-nats-msgs').locator('canvas').waitFor({ timeout: 10_000 });
    expect(Number(await page.getByTestId('chart-nats-memory').getAttribute('data-max'))).toBeGreaterThan(0); // the server's resident memory
    const e2eTitle = await page.getByTestId('chart-e2e').locator('figcaption').innerText();
    expect(Number(/· (\d+) replies/.exec(e2eTitle)?.[1])).toBeGreaterThanOrEqual(4); // the app's four sends, answered
    // The bot's charts hold non-zero series (the largest value drawn, on each figure).
    await workbench.screenshot('metrics');
    const botCard = page.getByTestId('metrics-agent-weather_bot');
    expect(Number(await botCard.getByTestId('chart-agent-messages').getAttribute('data-max'))).toBeGreaterThan(0);
    expect(Number(await page.getByTestId('chart-active').getAttribute('data-max'))).toBeGreaterThanOrEqual(3);
    expect(pageErrors).toEqual([]);

    // Live: one more send shows up in the open view by itself (polled while the run records).
    await page.getByTestId('send-button').click(); // the send panel stays below the Metrics view
    await page.waitForFunction(
      (before) => Number(/(\d+) in/.exec(document.querySelector('[data-testid=metrics-agent-weather_bot] [data-testid=metrics-agent-totals]')?.textContent ?? '')?.[1]) > before,
      bot.received,
      { timeout: 10_000 },
    );

    // A click picks one bucket: the Trace view opens on that bucket's width.
    const tasksOver = (await page.getByTestId('chart-tasks').locator('.u-over').boundingBox())!;
    await page.mouse.click(tasksOver.x + tasksOver.width / 2, tasksOver.y + tasksOver.height / 2);
    await page.getByTestId('trace-view').waitFor();
    await page.waitForFunction(() => (document.querySelector('[data-testid=trace-filter]') as HTMLInputElement).value.includes('to:'));
    const clicked = await page.getByTestId('trace-filter').inputValue();
    const bucketMs = Date.parse(/to:(\S+)/.exec(clicked)![1]!) - Date.parse(/from:(\S+)/.exec(clicked)![1]!) + 1;
    expect([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000]).toContain(bucketMs);
    await page.getByTestId('view-metrics').click();

    // Drag across the middle of the active-agents chart: the Trace view opens on that range.
    const over = (await page.getByTestId('chart-active').locator('.u-over').boundingBox())!;
    await page.mouse.move(over.x + over.width * 0.25, over.y + over.height / 2);
    await page.mouse.down();
    await page.mouse.move(over.x + over.width * 0.6, over.y + over.height / 2, { steps: 8 });
    await page.mouse.up();
    await page.getByTestId('trace-view').waitFor();
    await page.getByTestId('time-absolute').click(); // wall-clock times, to compare with the range
    await page.waitForFunction(() => (document.querySelector('[data-testid=trace-filter]') as HTMLInputElement).value.includes('to:'));
    const filter = await page.getByTestId('trace-filter').inputValue();
    const from = /from:(\S+)/.exec(filter)![1]!;
    const to = /to:(\S+)/.exec(filter)![1]!;
    expect(from < to).toBe(true);
    // The table settles on the filtered pages: every row drawn lies in the range (times are UTC, to the ms).
    const inRange = ([lo, hi]: [string, string]) => {
      const cells = Array.from(document.querySelectorAll('[data-testid=trace-table] [data-col=time]')).map((c) => c.textContent ?? '');
      return cells.length > 0 && cells.every((t) => t >= lo && t <= hi);
    };
    const bounds: [string, string] = [from.slice(11, 23), to.slice(11, 23)];
    await page.waitForFunction(inRange, bounds, { timeout: 10_000 }).catch(() => undefined);
    const times = await page.locator('[data-testid=trace-table] [data-col=time]').allInnerTexts();
    expect(times.length).toBeGreaterThan(0);
    expect(times.filter((t) => t < bounds[0] || t > bounds[1]), `rows outside ${bounds.join('–')}`).toEqual([]);
    await workbench.screenshot('metrics-trace-range');
    expect(pageErrors).toEqual([]);
  });
});
