// The runs list: run the trio, send its example, stop; the run is listed; it opens read-only (the
// canvas shows the topology it ran with, not the user's, a banner says read-only, the table shows
// its records, deleting a node is refused) and "Back to my topology" gives the user's back; a
// valid NDJSON export imports and is listed; a broken one is refused with its line number and
// adds no run; a big import shows progress and is cancelled, leaving no run; a run is deleted
// (its files too); File → Open of an .ndjson imports it and shows it read-only.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceLibrary, traceRoot } from '../../main/host/trace/index.js';
import { runTrioExample, startReadyWorkbench } from '../helpers/trio-run.js';
import type { Workbench } from '../helpers/workbench.js';

const auction = readFileSync('templates/auction.yaml', 'utf8');

describe('the runs list', () => {
  let workbench: Workbench;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    workbench = await startReadyWorkbench({ name: 'e2e-runs' });
    ({ page, pageErrors } = workbench);
  });

  afterAll(async () => {
    await workbench?.close();
  });

  const rows = () => page.getByTestId('runs-row');
  const nodeNames = () => page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? '').sort());
  let runId = '';

  it('lists a finished run and opens it read-only without losing the open topology', async () => {
    await runTrioExample(page);
    await page.getByTestId('run-stop').click();
    await page.getByTestId('run-start').and(page.locator(':enabled')).waitFor();

    // The user moves on to another topology, with an unsaved edit.
    await page.evaluate((text) => window.__switchboardTest!.open(text, 'auction.yaml'), auction);
    await expect.poll(nodeNames).toEqual(['auctioneer', 'budget_translator', 'careful_translator', 'fast_translator']);

    // Trace view → Runs…: the run with its topology, records and size.
    await page.getByTestId('view-trace').click();
    await page.getByTestId('trace-runs-button').click();
    await page.getByTestId('runs-dialog').waitFor();
    await expect.poll(() => rows().count()).toBe(1);
    const row = rows().first();
    runId = (await row.getAttribute('data-run-id'))!;
    expect(await row.innerText()).toContain('seed-000-trio');
    expect(Number((await row.getByTestId('runs-records').innerText()).replace(/,/g, ''))).toBeGreaterThan(10);
    expect(await row.getAttribute('data-live')).toBe('false');
    await workbench.screenshot('runs-dialog');

    // Open: the canvas shows the trio it ran with, read-only, and the banner says so.
    await row.getByTestId('runs-open').click();
    await page.getByTestId('runs-dialog').waitFor({ state: 'detached' });
    const banner = page.getByTestId('run-view-banner');
    await banner.waitFor();
    expect(await banner.innerText()).toMatch(/Read-only: recorded run of seed-000-trio/);
    await expect.poll(nodeNames).toEqual(['general_assistant', 'get_current_weather', 'task_coordinator', 'weather_bot']);
    expect(await page.getByTestId('document-title').innerText()).toContain('read-only');
    // Editing is refused: select all, Delete, and everything is still there (no edit in the history).
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 200 } });
    await page.keyboard.press('Control+a');
    await expect.poll(() => page.evaluate(() => window.__switchboardTest!.selection().nodes.length)).toBeGreaterThan(0);
    await page.keyboard.press('Delete');
    expect(await page.evaluate(() => window.__switchboardTest!.history())).toEqual([]);
    await expect.poll(nodeNames).toEqual(['general_assistant', 'get_current_weather', 'task_coordinator', 'weather_bot']);
    await workbench.screenshot('runs-read-only-canvas');

    // Its records in the trace.
    await page.getByTestId('view-trace').click();
    expect(await page.getByTestId('trace-run-badge').innerText()).toMatch(/recorded/i);
    // Filtered to the request, so the row is in view however many records came before it (the Agents
    // panel's first listing may land in the run when the page connects while it starts).
    await page.getByTestId('trace-filter').fill('agents.request.weather_bot');
    await page.locator('[data-testid=trace-table] [data-col=from-to]', { hasText: 'task_coordinator → weather_bot' }).first().waitFor();
    await workbench.screenshot('runs-read-only-trace');
    await page.getByTestId('trace-filter').fill('');

    // Back: the user's topology again, nothing lost.
    await page.getByTestId('run-view-back').click();
    await banner.waitFor({ state: 'detached' });
    await page.getByTestId('view-design').click();
    await expect.poll(nodeNames).toEqual(['auctioneer', 'budget_translator', 'careful_translator', 'fast_translator']);
    expect(await page.getByTestId('document-title').innerText()).not.toContain('read-only');
  });

  it('imports a valid NDJSON export, refuses a broken one by its line, and deletes a run', async () => {
    const exported = path.join(workbench.dataDir, 'exported.ndjson');
    await new TraceLibrary(traceRoot(workbench.dataDir)).exportNdjson(runId, exported);
    const lines = readFileSync(exported, 'utf8').split('\n');
    const broken = path.join(workbench.dataDir, 'broken.ndjson');
    writeFileSync(broken, [...lines.slice(0, 4), '{"kind":"message","seq":4,', ...lines.slice(5)].join('\n'));

    await page.getByTestId('view-trace').click();
    await page.getByTestId('trace-runs-button').click();
    await page.getByTestId('runs-import-path').fill(exported);
    await page.getByTestId('runs-import').click();
    await expect.poll(() => rows().count()).toBe(2);
    expect(await page.getByTestId('runs-notice').innerText()).toMatch(/^Imported exported\.ndjson: [\d,]+ records\.$/);
    const importedId = (await page.locator(`[data-testid=runs-row]:not([data-run-id="${runId}"])`).getAttribute('data-run-id'))!;
    expect(importedId).toMatch(/^import-/);
    expect(await page.locator(`[data-run-id="${importedId}"] [data-testid=runs-records]`).innerText()).toBe(await page.locator(`[data-run-id="${runId}"] [data-testid=runs-records]`).innerText());

    await page.getByTestId('runs-import-path').fill(broken);
    await page.getByTestId('runs-import').click();
    await page.getByTestId('runs-error').filter({ hasText: 'broken.ndjson line 5: not JSON. Nothing was imported.' }).waitFor();
    expect(await rows().count()).toBe(2);
    await workbench.screenshot('runs-import-error');

    // Exports written to a folder on the host: the NDJSON is the run's export, byte for byte.
    await page.getByTestId('runs-export-dir').fill(workbench.dataDir);
    await page.locator(`[data-run-id="${runId}"] [data-testid=runs-export-ndjson]`).click();
    const written = path.join(workbench.dataDir, `${runId}.ndjson`);
    await page.getByTestId('runs-notice').filter({ hasText: `Wrote ${written}` }).waitFor();
    expect(readFileSync(written, 'utf8')).toBe(readFileSync(exported, 'utf8'));
    await page.locator(`[data-run-id="${runId}"] [data-testid=runs-export-mermaid]`).click();
    await page.getByTestId('runs-notice').filter({ hasText: `${runId}.mmd` }).waitFor();
    expect(readFileSync(path.join(workbench.dataDir, `${runId}.mmd`), 'utf8')).toMatch(/^sequenceDiagram\n/);

    // A big import shows its progress and is cancelled: no run is left.
    const big = path.join(workbench.dataDir, 'big.ndjson');
    const records = lines.slice(1).filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
    const bigLines = [lines[0]!];
    for (let seq = 1; seq <= 60_000; seq++) bigLines.push(JSON.stringify({ ...records[(seq - 1) % records.length], seq }));
    writeFileSync(big, `${bigLines.join('\n')}\n`);
    const before = readdirSync(traceRoot(workbench.dataDir)).sort();
    await page.getByTestId('runs-import-path').fill(big);
    await page.getByTestId('runs-import').click();
    await page.locator('[data-testid=runs-status][role=progressbar][aria-valuenow]').waitFor();
    expect(await page.getByTestId('runs-status').innerText()).toMatch(/Importing big\.ndjson…\s+\d+% of [\d.]+ MiB/);
    await workbench.screenshot('runs-progress');
    await page.getByTestId('runs-cancel').click();
    await page.getByTestId('runs-notice').filter({ hasText: 'Import cancelled: nothing was imported.' }).waitFor();
    expect(await rows().count()).toBe(2);
    expect(readdirSync(traceRoot(workbench.dataDir)).sort()).toEqual(before);

    // Delete asks first, then the run and its files are gone.
    const dir = path.join(traceRoot(workbench.dataDir), importedId);
    expect(existsSync(dir)).toBe(true);
    await page.locator(`[data-run-id="${importedId}"] [data-testid=runs-delete]`).click();
    await page.getByTestId('runs-confirm-delete').click();
    await expect.poll(() => rows().count()).toBe(1);
    expect(existsSync(dir)).toBe(false);
    expect(await rows().first().getAttribute('data-run-id')).toBe(runId);
    await page.getByTestId('runs-dialog').getByRole('button', { name: 'Close' }).click();
  });

  it('opens the runs list from the command palette', async () => {
    await page.getByTestId('open-command-palette').click();
    await page.getByTestId('command-palette').waitFor();
    await page.keyboard.type('recorded runs');
    await page.keyboard.press('Enter');
    await page.getByTestId('runs-dialog').waitFor();
    expect(await rows().count()).toBe(1);
    await page.getByTestId('runs-dialog').getByRole('button', { name: 'Close' }).click();
  });

  it('opens an .ndjson with File → Open: imported, then shown read-only', async () => {
    const exported = path.join(workbench.dataDir, 'exported.ndjson');
    await page.getByTestId('menu-file').click();
    await page.locator('[data-command="file.open"]').click();
    await page.getByTestId('open-path').fill(exported);
    await page.getByTestId('open-dialog').getByRole('button', { name: 'Open', exact: true }).click();
    const banner = page.getByTestId('run-view-banner');
    await banner.waitFor();
    expect(await banner.innerText()).toMatch(/Read-only: recorded run of seed-000-trio/);
    await expect.poll(nodeNames).toEqual(['general_assistant', 'get_current_weather', 'task_coordinator', 'weather_bot']);
    expect(await page.getByTestId('document-title').innerText()).toMatch(/^seed-000-trio\s*read-only$/);
    await page.getByTestId('run-view-back').click();
    await expect.poll(nodeNames).toEqual(['auctioneer', 'budget_translator', 'careful_translator', 'fast_translator']);
    expect(pageErrors).toEqual([]);
  });
});
