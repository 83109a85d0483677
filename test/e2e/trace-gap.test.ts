// The nats-server killed during a run: the supervisor brings it back, the agents answer again, and
// the live trace shows where it has a gap — two marked rows (lost, back after N ms), the first
// one among the errors — in the table, the detail pane and the sequence view.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pidsWithCommandLine } from '../helpers/processes.js';
import { runTrioExample, startReadyWorkbench } from '../helpers/trio-run.js';
import type { Workbench } from '../helpers/workbench.js';

describe('a nats-server killed during a run', () => {
  let workbench: Workbench;

  beforeAll(async () => {
    workbench = await startReadyWorkbench({ name: 'e2e-trace-gap' });
  });

  afterAll(async () => {
    await workbench?.close();
  });

  it('comes back, the run answers again, and the trace marks the gap', async () => {
    const { page } = workbench;
    await runTrioExample(page);
    const [pid] = pidsWithCommandLine('nats-server', workbench.dataDir);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid!, 'SIGKILL');

    // The live list: two marked rows, where the gap begins and where it ends.
    const live = page.locator('[data-testid=trace-list] .trace-gap');
    await live.filter({ hasText: 'bus.reconnected' }).waitFor();
    const texts = await live.allInnerTexts();
    expect(texts).toHaveLength(2);
    expect(texts[0]).toMatch(/switchboard-recorder\s+bus\.disconnected\s+gap: bus lost \(.+\), nats:\/\/127\.0\.0\.1:\d+: not recorded from here/);
    expect(texts[1]).toMatch(/switchboard-recorder\s+bus\.reconnected\s+gap: \d+(\.\d+)? m?s not recorded, back on nats:\/\/127\.0\.0\.1:\d+/);

    // The run answers again once the server is back.
    await page.getByTestId('send-input').fill("What's the weather in Berlin?");
    await page.getByTestId('send-button').click();
    await page.getByTestId('send-reply').filter({ hasText: /Weather-Bot: .*Berlin/ }).waitFor();

    // The trace explorer: the same two rows marked, the gap's start among the errors, its detail says what is missing.
    await page.getByTestId('open-trace-view').click();
    await page.getByTestId('trace-filter').fill('agent:switchboard-recorder');
    const rows = page.locator('[data-testid=trace-view] .row-gap');
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).locator('[data-col=status]').innerText()).toBe('failed');
    expect(await rows.nth(1).locator('[data-col=subject]').innerText()).toMatch(/^gap: \d+(\.\d+)? m?s not recorded, back on nats:\/\/127\.0\.0\.1:\d+$/);
    await rows.nth(0).dispatchEvent('mousedown');
    await page.getByTestId('trace-detail').getByText('messages routed from here until the connection is back are not in this trace').waitFor();
    await workbench.screenshot('trace-gap');
    // A picture in context (the selected gap among the records around it, when the table keeps it in view).
    await page.getByTestId('trace-filter').fill('');
    await page.locator('[data-testid=trace-view] .row-gap').first().waitFor({ timeout: 5000 }).catch(() => undefined);
    await workbench.screenshot('trace-gap-context');
    // The sequence view: the gap is a row across every lane, and the recorder has no lane of its own.
    await page.getByTestId('trace-mode-sequence').click();
    await page.locator('[data-testid=sequence-rows] text', { hasText: 'gap: bus lost' }).first().waitFor();
    expect(await page.getByTestId('sequence-lanes').innerHTML()).not.toContain('switchboard-recorder');
    await workbench.screenshot('trace-gap-sequence');
    expect(workbench.pageErrors).toEqual([]);
  });
});
