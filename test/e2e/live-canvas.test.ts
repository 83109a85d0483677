// The live canvas: run the trio (the weather bot stops at a breakpoint), send its example; agent
// badges go idle → busy/paused → idle, the request line's count and the agents' counters rise, the
// unused line is dimmed; a raw NATS client publishes on subjects no edge declares — dashed
// "undeclared" lines with their counts appear, and the findings list has them; an agent's "show in
// trace" filters the Trace view to it, and the record selected there lights up its line.
import { readFileSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/nats-server.js';
import { startWorkbench, type Workbench } from '../helpers/workbench.js';

// The weather bot stops before deciding, so the states can be seen while it waits.
const trio = readFileSync('templates/seed-000-trio.yaml', 'utf8').replace('    - name: weather_bot\n', '    - name: weather_bot\n      breakpoints: [decide]\n');
const REQUEST_LINE = '[data-id="request:task_coordinator->weather_bot"]';
const UNUSED_LINE = '[data-id="request:task_coordinator->general_assistant"]';

describe('the live canvas', () => {
  let nats: TestServer;
  let workbench: Workbench;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    // An external server anyone may connect to: the embedded one admits the workbench's own key only.
    nats = await startTestServer({ nkey: false });
    workbench = await startWorkbench({ name: 'e2e-live', testHook: true, serveArgs: ['--nats', nats.url] });
    ({ page, pageErrors } = workbench);
    await page.waitForFunction(() => window.__switchboardTest !== undefined);
    await page.locator('[data-testid=server-card] [data-state=running]').waitFor();
  });

  afterAll(async () => {
    await workbench?.close();
    await nats?.stop();
  });

  const state = (agent: string) => page.locator(`[data-testid=agent-live][data-agent=${agent}]`);
  const states = () => page.locator('[data-testid=agent-live]').evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-agent'), e.getAttribute('data-state')])));

  it('shows states, counts and pulses while the trio runs, and undeclared traffic from outside', async () => {
    expect(await page.evaluate((text) => window.__switchboardTest!.open(text, 'seed-000-trio.yaml').ok, trio)).toBe(true);
    await page.getByTestId('run-start').click();
    await page.getByTestId('run-state').filter({ hasText: 'running 3 agents' }).waitFor();

    // Started and waiting: every agent idle, the findings list there and empty.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=agent-live][data-state=idle]').length === 3);
    await page.getByTestId('findings-panel').waitFor();

    // The example: the coordinator asks the weather bot, which stops at its breakpoint.
    await page.getByTestId('send-button').click();
    await page.locator('[data-testid=paused-run][data-agent=weather_bot]').waitFor();
    await state('weather_bot').and(page.locator('[data-state=paused]')).waitFor();
    await state('task_coordinator').and(page.locator('[data-state=busy]')).waitFor();
    // The request travelled its line: a pulse and a count.
    await page.locator(`${REQUEST_LINE} [data-testid=line-pulse]`).waitFor({ state: 'attached' });
    await page.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-count')) >= 1, `.line${REQUEST_LINE}`);
    await workbench.screenshot('live-canvas-paused');

    // Let the weather bot go on (it stops before each decision) until every agent is idle again.
    const allIdle = () => page.evaluate(() => document.querySelectorAll('[data-testid=agent-live][data-state=idle]').length === 3);
    for (let i = 0; i < 100 && !(await allIdle()); i++) {
      const resume = page.getByTestId('resume-continue').first();
      if (await resume.isVisible()) await resume.click().catch(() => undefined);
      await page.waitForTimeout(100);
    }
    expect(await states()).toEqual({ task_coordinator: 'idle', weather_bot: 'idle', general_assistant: 'idle' });
    await page.getByTestId('tab-trace').click();
    await page.getByTestId('send-reply').filter({ hasText: 'Weather-Bot: It is 18°C and partly cloudy in Paris.' }).waitFor();

    // Counters from the host's metrics: the weather bot received the request and answered it.
    await page.waitForFunction(() => {
      const c = document.querySelector('[data-testid=agent-live][data-agent=weather_bot] [data-testid=agent-counters]');
      return c !== null && Number(c.getAttribute('data-received')) >= 1 && Number(c.getAttribute('data-sent')) >= 1;
    });
    // The line nobody used is dimmed, and listed.
    expect(await page.locator(`.line${UNUSED_LINE}`).getAttribute('class')).toContain('line-unused');
    await page.locator('[data-testid=finding][data-kind=unused-edge]').waitFor();

    // From outside the topology: three messages straight to the weather bot, one on a subject no agent reads.
    const url = (await page.getByTestId('server-address').innerText()).trim();
    expect(url).toBe(nats.url);
    const nc = await connect({ servers: url, name: 'outsider' });
    for (let i = 0; i < 3; i++) nc.publish('agents.direct.weather_bot', `poke ${i}`);
    nc.publish('sensors.outside.temp', '21.5');
    await nc.flush();

    const undeclared = page.locator('[data-testid=undeclared-line][data-id="undeclared:live:outside->weather_bot"]');
    await page.waitForFunction(() => document.querySelector('[data-testid=undeclared-line][data-id="undeclared:live:outside->weather_bot"]')?.getAttribute('data-count') === '3');
    expect(await undeclared.locator('path').first().evaluate((p) => getComputedStyle(p).strokeDasharray)).not.toBe('none');
    await page.getByTestId('overlay-outside').waitFor();
    await page.locator('[data-testid=overlay-subject][data-label="sensors.outside.temp"]').waitFor();
    const finding = page.locator('[data-testid=finding][data-id="subject:agents.direct.weather_bot"]');
    await finding.waitFor();
    expect(await finding.innerText()).toMatch(/agents\.direct\.weather_bot: no edge declares it from outside the topology\s*3/);
    await page.locator('[data-testid=finding][data-id="subject:sensors.outside.temp"]').waitFor();
    // Once the host has called it undeclared, more of it pulses along the dashed line.
    for (let i = 3; i < 5; i++) nc.publish('agents.direct.weather_bot', `poke ${i}`);
    await nc.flush();
    await nc.close();
    await undeclared.locator('[data-testid=line-pulse]').waitFor({ state: 'attached' });
    await page.waitForFunction(() => document.querySelector('[data-testid=undeclared-line][data-id="undeclared:live:outside->weather_bot"]')?.getAttribute('data-count') === '5');
    // A click on the finding lights its line up.
    await finding.locator('.finding-main').click();
    await page.locator('[data-testid=undeclared-line][data-id="undeclared:live:outside->weather_bot"][data-highlighted]').waitFor();
    await workbench.screenshot('live-canvas-after');

    // "Show in trace" on the weather bot: the Trace view, filtered to it.
    await state('weather_bot').getByTestId('show-in-trace').click();
    await page.getByTestId('trace-view').waitFor();
    expect(await page.getByTestId('trace-filter').inputValue()).toBe('agent:weather_bot');
    // Selecting its request there, back on the canvas its line is lit.
    await page.getByTestId('trace-filter').fill('agent:weather_bot agents.request.*');
    await page.locator('[data-testid=trace-table] [data-subject="agents.request.weather_bot"]').first().click();
    await page.getByTestId('view-design').click();
    await page.locator(`.line${REQUEST_LINE}[data-highlighted]`).waitFor();

    // The finding's trace button: the records on that subject.
    await page.getByTestId('view-design').click();
    await finding.getByTestId('finding-trace').click();
    await page.getByTestId('trace-view').waitFor();
    expect(await page.getByTestId('trace-filter').inputValue()).toBe('subject:agents.direct.weather_bot');
    await page.waitForFunction(() => {
      const rows = Array.from(document.querySelectorAll('[data-testid=trace-table] [role=row]'));
      return rows.length === 5 && rows.every((r) => r.getAttribute('data-subject') === 'agents.direct.weather_bot');
    });

    // Stopped, the run is a recorded one: the counts and findings stay, the states go.
    await page.getByTestId('view-design').click();
    await page.getByTestId('run-stop').click();
    await page.getByTestId('findings-panel').filter({ hasText: 'Recorded run' }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=agent-live][data-state]').length === 0);
    expect(Number(await page.locator(`.line${REQUEST_LINE}`).getAttribute('data-count'))).toBeGreaterThanOrEqual(1);
    await page.locator('[data-testid=finding][data-id="subject:agents.direct.weather_bot"]').waitFor();
    await workbench.screenshot('live-canvas-recorded');
    expect(pageErrors).toEqual([]);
  });
});
