// A durable workflow started from the app: the durable-pipeline template runs on the embedded
// server, its workflow is picked in the Trace tab's "Send to" list and started with an input; the
// reply is the workflow's result, and the Trace view reads the workflow's events at a glance (the
// gist in the table) with its steps in order.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReadyWorkbench } from '../helpers/trio-run.js';
import type { Workbench } from '../helpers/workbench.js';

const pipeline = readFileSync('templates/durable-pipeline.yaml', 'utf8');

describe('a durable workflow in the app', () => {
  let workbench: Workbench;
  let page: Page;

  beforeAll(async () => {
    workbench = await startReadyWorkbench({ name: 'e2e-workflow' });
    page = workbench.page;
  });

  afterAll(async () => {
    await workbench?.close();
  });

  it('starts the workflow from the send box and shows its result and its steps in the trace', async () => {
    expect(await page.evaluate((text) => window.__switchboardTest!.open(text, 'durable-pipeline.yaml').ok, pipeline)).toBe(true);
    await page.getByTestId('run-start').click();
    await page.getByTestId('run-state').filter({ hasText: /running/ }).waitFor();
    await page.getByTestId('send-to').selectOption('workflow:order_report');
    expect(await page.getByTestId('send-button').innerText()).toBe('Start');
    await page.getByTestId('send-input').fill('order 7 for Grace');
    await page.getByTestId('send-button').click();
    const reply = page.getByTestId('send-reply');
    await reply.filter({ hasText: 'Report:' }).waitFor({ timeout: 30_000 });
    expect(await reply.innerText()).toMatch(/^workflow order_report wf-\S+: Report: .*order 7 for Grace/);

    await page.getByTestId('view-trace').click();
    await page.getByTestId('trace-filter').fill('kind:event type:workflow.stepFinished');
    const rows = page.locator('[data-testid=trace-table] [role=row]', { has: page.locator('[data-col=type]', { hasText: 'workflow.stepFinished' }) });
    await rows.nth(2).waitFor();
    const gists = await rows.locator('[data-col=subject]').allInnerTexts();
    expect(gists).toEqual(['order_report step extract completed', 'order_report step enrich completed', 'order_report step report completed']);
    await page.getByTestId('trace-filter').fill('kind:event type:workflow.started');
    const started = page.locator('[data-testid=trace-table] [role=row]', { has: page.locator('[data-col=type]', { hasText: 'workflow.started' }) }).first();
    expect(await started.locator('[data-col=subject]').innerText()).toMatch(/^order_report wf-\S+: extract → enrich → report$/);
    await started.click();
    expect(await page.getByTestId('trace-detail').innerText()).toContain('order 7 for Grace');
    await workbench.screenshot('s7-ui-workflow-trace');
    expect(workbench.pageErrors).toEqual([]);
  });
});
