// The sequence view: run the trio, send its example, switch the Trace view to Sequence; it shows the
// table's records in the table's order, replies dashed with their latency, OODA phases as bars and
// LLM calls as notes; an arrow selects its record (the table has it selected too); the export
// dialog draws the diagram's Mermaid text, and the topology's Mermaid export is drawn as well.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrioExample, startReadyWorkbench } from '../helpers/trio-run.js';
import { artifactsDir, type Workbench } from '../helpers/workbench.js';

describe('the sequence view', () => {
  let workbench: Workbench;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    workbench = await startReadyWorkbench({ name: 'e2e-sequence' });
    ({ page, pageErrors } = workbench);
  });

  afterAll(async () => {
    await workbench?.close();
  });

  /** The seqs of the table's rows drawn now. */
  const tableSeqs = () => page.locator('[data-testid=trace-table] [role=row]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
  /** The seqs of the diagram's rows drawn now. */
  const sequenceSeqs = () => page.locator('[data-testid=sequence-rows] .sequence-row').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
  /** Waits until the diagram draws `n` rows. */
  const sequenceRows = (n: number) => page.waitForFunction((count) => document.querySelectorAll('[data-testid=sequence-rows] .sequence-row').length === count, n);

  it('draws the table’s records as a sequence diagram that shares its selection, and exports it', async () => {
    await runTrioExample(page);
    await page.getByTestId('view-trace').click();
    await page.getByTestId('trace-view').waitFor();

    // The conversation, filtered in the host (free text: the diagram reads it forward).
    await page.getByTestId('trace-filter').fill('Paris kind:message');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=trace-table] [role=row]').length === 4);
    const table = await tableSeqs();
    await page.getByTestId('trace-mode-sequence').click();
    await page.getByTestId('sequence-view').waitFor();
    await sequenceRows(4);
    // The same records in the same order, each an arrow from its sender's lane to its receiver's.
    expect(await sequenceSeqs()).toEqual(table);
    const arrows = await page.locator('[data-testid=sequence-rows] .sequence-row').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-from')} → ${e.getAttribute('data-to')} ${e.getAttribute('data-style')}`));
    expect(arrows).toEqual(['switchboard_app → task_coordinator request', 'task_coordinator → weather_bot request', 'weather_bot → task_coordinator reply', 'task_coordinator → switchboard_app reply']);
    const lanes = await page.locator('[data-testid=sequence-lanes] [data-lane]').evaluateAll((els) => els.map((e) => e.getAttribute('data-lane')));
    // Lanes: the workbench, then the topology's agents in its order (all of them: known up front).
    expect(lanes).toEqual(['switchboard_app', 'task_coordinator', 'weather_bot', 'general_assistant']);
    // Requests are solid; replies dashed, with their latency.
    const reply = page.locator('[data-testid=sequence-rows] .sequence-row[data-style=reply]').first();
    expect(await reply.locator('path[data-line]').getAttribute('stroke-dasharray')).toBeTruthy();
    expect(await page.locator('[data-testid=sequence-rows] .sequence-row[data-style=request] path[data-line]').first().getAttribute('stroke-dasharray')).toBeNull();
    expect(await reply.getByTestId('sequence-latency').textContent()).toMatch(/^\d+(\.\d+)? ms$/);

    // Clicking an arrow selects its record: the detail shows it, and so does the table.
    const replySeq = Number(await reply.getAttribute('data-seq'));
    await reply.locator('.sequence-arrow').click();
    await page.locator(`[data-testid=sequence-rows] .sequence-row[data-seq="${replySeq}"][aria-selected=true]`).waitFor();
    await page.getByTestId('trace-detail').locator('.detail-title').filter({ hasText: `#${replySeq}` }).waitFor();
    // ↓ moves the selection to the next row, as in the table.
    await page.keyboard.press('ArrowDown');
    const next = table[table.indexOf(replySeq) + 1]!;
    await page.locator(`[data-testid=sequence-rows] .sequence-row[data-seq="${next}"][aria-selected=true]`).waitFor();
    await page.keyboard.press('ArrowUp');
    await page.locator(`[data-testid=sequence-rows] .sequence-row[data-seq="${replySeq}"][aria-selected=true]`).waitFor();
    await page.getByTestId('trace-mode-table').click();
    await page.locator(`[data-testid=trace-table] [role=row][data-seq="${replySeq}"][aria-selected=true]`).waitFor();

    // Selected in the table, highlighted in the diagram.
    await page.locator(`[data-testid=trace-table] [role=row][data-seq="${table[0]}"]`).click();
    await page.getByTestId('trace-mode-sequence').click();
    await page.locator(`[data-testid=sequence-rows] .sequence-row[data-seq="${table[0]}"][aria-selected=true]`).waitFor();

    // A filter the index answers pages by position: the requests, as the table lists them.
    await page.getByTestId('trace-filter').fill('agents.request.*');
    await page.waitForFunction(() => {
      const rows = Array.from(document.querySelectorAll('[data-testid=sequence-rows] .sequence-row'));
      return rows.length >= 2 && rows.every((r) => r.getAttribute('data-style') === 'request');
    });
    const requests = await sequenceSeqs();
    await page.getByTestId('trace-mode-table').click();
    await expect.poll(tableSeqs, { timeout: 10_000 }).toEqual(requests);

    // Everything: the agents' OODA phases as bars on their lanes, LLM calls as notes.
    await page.getByTestId('trace-filter').fill('');
    await page.getByTestId('trace-mode-sequence').click();
    await page.locator('[data-testid=sequence-rows] .sequence-activation').first().waitFor();
    await page.locator('[data-testid=sequence-rows] .sequence-row[data-kind=note]').first().waitFor({ state: 'attached' });
    expect(await page.locator('[data-testid=sequence-rows] .sequence-activation').evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-phase')))].sort())).toEqual(expect.arrayContaining(['decide', 'observe', 'orient']));
    // Each bar is drawn as tall as the rows its phase spans (no stylesheet overrides its height).
    const heights = await page.locator('[data-testid=sequence-rows] .sequence-activation').evaluateAll((els) => els.map((e) => [Number(e.getAttribute('height')), Math.round(e.getBoundingClientRect().height)]));
    expect(heights.every(([set, drawn]) => Math.abs(set! - drawn!) <= 1)).toBe(true);
    await workbench.screenshot('sequence-view');
    // The Trace view alone (the picture in docs/images/sequence-view.png).
    await page.getByTestId('trace-view').screenshot({ path: `${artifactsDir}/sequence-view-alone.png` });

    // Export: the diagram's Mermaid text, drawn by mermaid; SVG and PNG previews.
    await page.getByTestId('sequence-export').click();
    const dialog = page.getByTestId('sequence-export-dialog');
    await dialog.locator('[data-testid=mermaid-rendered]:not([data-state=loading])').waitFor();
    expect(await dialog.getByTestId('mermaid-rendered').getAttribute('data-state'), await dialog.getByTestId('mermaid-rendered').innerText()).toBe('ready');
    await dialog.locator('[data-testid=mermaid-rendered] svg').waitFor();
    expect(await dialog.getByTestId('sequence-export-text').textContent()).toMatch(/^sequenceDiagram\n/);
    expect(await dialog.getByTestId('sequence-export-scope').textContent()).toMatch(/^Rows \d+–\d+ of \d+/);
    await workbench.screenshot('sequence-export-mermaid');
    await dialog.getByTestId('sequence-export-svg').click();
    await dialog.locator('img[data-testid=sequence-export-svg]').waitFor();
    expect(await dialog.locator('img[data-testid=sequence-export-svg]').evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalHeight))).toBeGreaterThan(100);
    await dialog.getByTestId('sequence-export-png').click();
    await dialog.locator('img[data-testid=sequence-export-png]').waitFor();
    expect(await dialog.locator('img[data-testid=sequence-export-png]').evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth))).toBeGreaterThan(100);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // The topology's Mermaid export is drawn too.
    await page.getByTestId('view-design').click();
    await page.keyboard.press(process.platform === 'darwin' ? 'Meta+KeyE' : 'Control+KeyE');
    const exportDialog = page.getByTestId('export-dialog');
    await exportDialog.getByTestId('export-format-mermaid').click();
    await exportDialog.locator('[data-testid=mermaid-rendered][data-state=ready] svg').waitFor();
    expect(await exportDialog.locator('[data-testid=mermaid-rendered] svg').getAttribute('aria-roledescription')).toMatch(/flowchart/);
    await workbench.screenshot('topology-export-mermaid');
    await page.keyboard.press('Escape');

    await page.getByTestId('run-stop').click();
    await page.waitForFunction(() => !(document.querySelector('[data-testid=run-start]') as HTMLButtonElement).disabled);
    expect(pageErrors).toEqual([]);
  });
});
