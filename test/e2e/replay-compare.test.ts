// Replay, compare and fork in the workbench: the trio runs and stops; Replay from the runs list
// re-runs it with every model answer from its record, the notice says it followed the record, and
// "Compare with the original" shows the two runs the same (no difference to go to). A fork at the
// task coordinator's first decision (asking about Lyon instead of Paris; made with the cycle
// inspector's "Fork from here", the decision edited in Monaco) compares different: the first
// divergence — the coordinator's request to the weather bot — is selected with its content marked
// word by word, n / p move between differences, both records show in full, and "Show in trace"
// opens the fork's record in the Trace view. An imported NDJSON of the run compares the same too;
// one whose topology was edited replays to the divergence; two 40,000-record runs page by page.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceLibrary, traceRoot } from '../../main/host/trace/index.js';
import { writeLongRun } from '../helpers/trace-long-run.js';
import { runTrioExample, startReadyWorkbench } from '../helpers/trio-run.js';
import type { Workbench } from '../helpers/workbench.js';

describe('replay, compare and fork', () => {
  let workbench: Workbench;
  let page: Page;
  let original = '';
  /** Every run so far: a replay that ends is a new one. */
  const known: string[] = [];

  beforeAll(async () => {
    workbench = await startReadyWorkbench({ name: 'e2e-replay-compare' });
    page = workbench.page;
  });

  afterAll(async () => {
    await workbench?.close();
  });

  const grid = () => page.getByTestId('compare-grid');
  const statuses = () => grid().locator('[data-status]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
  const openRuns = async () => {
    await page.getByTestId('view-trace').click();
    await page.getByTestId('trace-runs-button').click();
    await page.getByTestId('runs-dialog').waitFor();
  };
  /**
   * Forks the original run at the task coordinator's first decision from the cycle inspector:
   * the Trace view shows the original (Compare's "Show in trace" on side A), Debug → Cycles → the
   * coordinator's run → turn 1's Decide → "Fork from here…", the decision typed into Monaco, "Run fork".
   */
  const forkFromCycles = async (decision: unknown) => {
    await page.getByTestId('view-debug').click();
    // The Compare tab's right half is under the centre view toggle: click its left edge, as a user would.
    await page.getByTestId('debug-tab-compare').click({ position: { x: 8, y: 8 } });
    await page.getByTestId('compare-pick-a').selectOption(original);
    await page.locator('[data-testid=compare-detail] [data-testid=compare-show-a]:enabled').click();
    await page.locator('[data-testid=trace-table] [aria-selected=true]').waitFor();
    await page.getByTestId('view-debug').click();
    await page.getByTestId('debug-tab-cycles').click();
    await page.locator('[data-testid=cycle-agent][data-agent=task_coordinator]').click();
    const run = page.locator('[data-testid=cycle-run][data-status=completed]').first();
    await run.locator('.cy-run-head').click();
    await run.locator('[data-testid=cycle-turn][data-turn="1"] [data-testid=cycle-phase-decide]').click();
    await page.getByTestId('cycle-fork-open').click();
    const editor = page.locator('[data-testid=cycle-fork] [data-testid=decision-editor] .monaco-editor');
    await editor.waitFor();
    await editor.click({ position: { x: 200, y: 60 } });
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText(JSON.stringify(decision));
    // Whatever Monaco closed by itself after the cursor goes.
    await page.keyboard.press('Shift+End');
    await page.keyboard.press('Delete');
    await page.getByTestId('cycle-fork-run').click();
  };
  /** Waits for the replay notice of a new run (not in `known`) to say it ended (Compare offered); returns that run's id. */
  const replayEnded = async () => {
    const notice = page.locator('[data-testid=replay-notice]:has([data-testid=replay-compare])');
    let runId: string | null = null;
    const isNew = async () => {
      runId = (await notice.count()) ? await notice.getAttribute('data-run-id') : null;
      return runId !== null && !known.includes(runId);
    };
    await expect.poll(isNew, { timeout: 60_000 }).toBe(true);
    known.push(runId!);
    return runId!;
  };

  it('replays a past run from the runs list: it follows the record and compares the same as the original', async () => {
    await runTrioExample(page);
    await page.getByTestId('run-stop').click();
    await page.getByTestId('run-start').and(page.locator(':enabled')).waitFor();

    await openRuns();
    const row = page.getByTestId('runs-row').first();
    original = (await row.getAttribute('data-run-id'))!;
    known.push(original);
    await workbench.screenshot('runs-replay-actions');
    await row.getByTestId('runs-replay').click();
    await page.getByTestId('runs-dialog').waitFor({ state: 'detached' });
    const replay = await replayEnded();
    const notice = page.getByTestId('replay-notice');
    expect(await notice.getAttribute('data-state')).toBe('followed');
    expect(await notice.innerText()).toContain(`Replay of ${original} → ${replay}: followed the record to its end`);
    await workbench.screenshot('replay-notice');
    // The Trace view followed the replay through its stop without an error (queries during the stop wait for it).
    await page.locator('[data-testid=trace-table] [data-seq]').first().waitFor();
    expect(await page.locator('.trace-error').count()).toBe(0);

    await page.getByTestId('replay-compare').click();
    await page.getByTestId('compare-view').waitFor();
    expect(await page.getByTestId('compare-pick-a').inputValue()).toBe(original);
    expect(await page.getByTestId('compare-pick-b').inputValue()).toBe(replay);
    await page.getByTestId('compare-verdict').filter({ hasText: '✓ Same conversation' }).waitFor();
    const summary = await page.getByTestId('compare-summary').innerText();
    expect(summary).toMatch(/^\d+ same · 0 changed · 0 only in A · 0 only in B$/);
    const same = Number(summary.split(' ')[0]);
    expect(same).toBeGreaterThanOrEqual(4);
    await expect.poll(statuses).toEqual(Array.from({ length: same }, () => 'same'));
    expect(await page.getByTestId('compare-next').isDisabled()).toBe(true);
    expect(await page.getByTestId('compare-first-divergence').count()).toBe(0);
    await workbench.screenshot('compare-same');

    // In the runs list the replay names its original and offers the comparison itself.
    await openRuns();
    const replayRow = page.locator(`[data-testid=runs-row][data-run-id="${replay}"]`);
    expect(await replayRow.getByTestId('runs-replay-of').textContent()).toBe('replay');
    expect(await replayRow.innerText()).toContain(`replay of ${original}`);
    await workbench.screenshot('runs-replay-row');
    await replayRow.getByTestId('runs-compare-original').click();
    await page.getByTestId('runs-dialog').waitFor({ state: 'detached' });
    expect(await page.getByTestId('compare-pick-a').inputValue()).toBe(original);
    expect(await page.getByTestId('compare-pick-b').inputValue()).toBe(replay);
  });

  it('forks the coordinator’s first decision and compares: the fork point is the first divergence, selected and marked', async () => {
    const decision = { text: '', toolCalls: [{ id: 'fork-1', name: 'request_agent', arguments: { agent: 'weather_bot', content: 'What is the weather in Lyon?' } }] };
    await forkFromCycles(decision);
    const fork = await replayEnded();
    expect(await page.getByTestId('replay-notice').innerText()).toContain(`Fork of ${original} at task_coordinator’s decision 1`);

    await page.getByTestId('replay-compare').click();
    await page.getByTestId('compare-verdict').filter({ hasText: '≠ The runs differ' }).waitFor();
    expect(await page.getByTestId('compare-pick-b').inputValue()).toBe(fork);
    // The first divergence is selected: the coordinator's request to the weather bot, its content changed.
    const selected = grid().locator('[aria-selected=true]');
    await selected.waitFor();
    const first = Number(await selected.getAttribute('data-index'));
    expect(await page.getByTestId('compare-first-divergence').innerText()).toBe(`First divergence: row ${first + 1} · task_coordinator → weather_bot request`);
    expect(await selected.getAttribute('data-status')).toBe('changed');
    expect(await selected.getAttribute('data-differs')).toContain('content');
    expect(await selected.locator('[data-side=a] [data-field=content]').innerText()).toBe("What's the weather in Paris?");
    expect(await selected.locator('[data-side=b] [data-field=content]').innerText()).toBe('What is the weather in Lyon?');
    expect(await selected.locator('[data-side=a] [data-field=content].compare-differs').count()).toBe(1);
    expect(await selected.locator('.compare-word-added').allInnerTexts()).toContain('Lyon?');
    // Everything before the fork point is the same.
    const before = await statuses();
    expect(before.slice(0, first).every((s) => s === 'same')).toBe(true);
    expect(first).toBeGreaterThan(0);
    // Both records in full, the differing field named.
    await page.getByTestId('compare-detail').and(page.locator(`[data-index="${first}"]`)).waitFor();
    expect(await page.getByTestId('compare-differs').innerText()).toContain('content');
    await page.getByTestId('compare-record-a').getByText('Paris').first().waitFor();
    await page.getByTestId('compare-record-b').getByText('Lyon').first().waitFor();
    await workbench.screenshot('compare-fork');

    // n goes to the next difference (the weather bot's answer about Lyon), p back to the first.
    await page.keyboard.press('n');
    await expect.poll(async () => Number(await selected.getAttribute('data-index'))).toBeGreaterThan(first);
    expect(await selected.getAttribute('data-status')).not.toBe('same');
    await page.keyboard.press('Shift+F7');
    await expect.poll(async () => Number(await selected.getAttribute('data-index'))).toBe(first);

    // Show in trace: the fork's record selected in the Trace view.
    const seq = await selected.locator('[data-side=b]').getAttribute('data-seq');
    await page.getByTestId('compare-show-b').click();
    await page.locator(`[data-testid=trace-table] [aria-selected=true][data-seq="${seq}"]`).waitFor();
  });

  it('forks the coordinator to ask the general assistant instead: rows only in A and only in B, each with an empty opposite cell', async () => {
    const decision = { text: '', toolCalls: [{ id: 'fork-2', name: 'request_agent', arguments: { agent: 'general_assistant', content: "What's the weather in Paris?" } }] };
    await forkFromCycles(decision);
    await replayEnded();
    await page.getByTestId('replay-compare').click();
    await page.getByTestId('compare-verdict').filter({ hasText: '≠ The runs differ' }).waitFor();
    await expect.poll(statuses).toContain('only-b');
    const all = await statuses();
    expect(all).toContain('only-a');
    expect(await page.getByTestId('compare-summary').innerText()).toMatch(/^\d+ same · \d+ changed · [1-9]\d* only in A · [1-9]\d* only in B$/);
    // Only in A: the weather bot's request and answer, with nothing beside them in B; only in B: the general assistant's.
    const onlyA = grid().locator('[data-status=only-a]').first();
    expect(await onlyA.locator('[data-side=a] [data-field=from-to]').innerText()).toMatch(/weather_bot/);
    expect(await onlyA.locator('[data-side=b].compare-cell-empty').count()).toBe(1);
    const onlyB = grid().locator('[data-status=only-b]').first();
    expect(await onlyB.locator('[data-side=b] [data-field=from-to]').innerText()).toMatch(/general_assistant/);
    expect(await onlyB.locator('[data-side=a].compare-cell-empty').count()).toBe(1);
    // The first divergence is selected; its missing side says so below.
    const selected = grid().locator('[aria-selected=true]');
    expect(Number(await selected.getAttribute('data-index'))).toBe(all.findIndex((s) => s !== 'same'));
    await workbench.screenshot('compare-fork-general');
    // The picture in the docs (docs/images/compare.png, copied from artifacts by hand): a taller window, the changed last answer selected (both records below).
    await page.setViewportSize({ width: 1600, height: 1000 });
    await grid().locator('[data-status=changed]').last().click();
    await page.getByTestId('compare-differs').waitFor();
    await workbench.screenshot('compare-docs');
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('compares an imported NDJSON export of the run with the run: the same', async () => {
    const exported = path.join(workbench.dataDir, 'original.ndjson');
    await new TraceLibrary(traceRoot(workbench.dataDir)).exportNdjson(original, exported);
    await openRuns();
    await page.getByTestId('runs-import-path').fill(exported);
    await page.getByTestId('runs-import').click();
    const imported = page.locator('[data-testid=runs-row][data-run-id^="import-"]');
    await imported.waitFor();
    const importedId = (await imported.getAttribute('data-run-id'))!;
    known.push(importedId);
    await imported.getByTestId('runs-compare').click();
    await imported.getByTestId('runs-compare-pick').selectOption(original);
    await page.getByTestId('runs-dialog').waitFor({ state: 'detached' });
    expect(await page.getByTestId('compare-pick-a').inputValue()).toBe(importedId);
    expect(await page.getByTestId('compare-pick-b').inputValue()).toBe(original);
    await page.getByTestId('compare-verdict').filter({ hasText: '✓ Same conversation' }).waitFor();
    expect(await page.getByTestId('compare-summary').innerText()).toMatch(/^\d+ same · 0 changed · 0 only in A · 0 only in B$/);
  });

  it('replays an imported run whose topology was edited: it stops at the divergence, says where, and compares different', async () => {
    const exported = path.join(workbench.dataDir, 'original.ndjson');
    const [header, ...rest] = readFileSync(exported, 'utf8').split('\n');
    const prompt = 'You are {{agent_name}}, a coordinator.';
    expect(header).toContain(prompt);
    const edited = path.join(workbench.dataDir, 'edited-prompt.ndjson');
    writeFileSync(edited, [header!.replace(prompt, 'You are {{agent_name}}, a careful coordinator.'), ...rest].join('\n'));
    await openRuns();
    await page.getByTestId('runs-import-path').fill(edited);
    await page.getByTestId('runs-import').click();
    await page.getByTestId('runs-notice').filter({ hasText: 'Imported edited-prompt.ndjson' }).waitFor();
    // The list is read again after the notice: the new import is the one run not known yet.
    const newImport = async () => (await page.getByTestId('runs-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id')))).find((id) => id?.startsWith('import-') && !known.includes(id));
    await expect.poll(newImport).toBeDefined();
    const importedId = (await newImport())!;
    known.push(importedId);
    await page.locator(`[data-testid=runs-row][data-run-id="${importedId}"]`).getByTestId('runs-replay').click();
    await replayEnded();
    const notice = page.getByTestId('replay-notice');
    expect(await notice.getAttribute('data-state')).toBe('diverged');
    expect(await page.getByTestId('replay-state').innerText()).toBe('diverged from the record');
    expect((await page.getByTestId('replay-divergence').innerText()).length).toBeGreaterThan(10);
    await workbench.screenshot('replay-diverged');
    await page.getByTestId('replay-compare').click();
    expect(await page.getByTestId('compare-pick-a').inputValue()).toBe(importedId);
    await page.getByTestId('compare-verdict').filter({ hasText: '≠ The runs differ' }).waitFor();
  });

  it('aligns two long runs page by page: End reaches the last row and only the rows in view are drawn', async () => {
    const library = new TraceLibrary(traceRoot(workbench.dataDir));
    await writeLongRun(library, 'long-a', 40_000);
    await writeLongRun(library, 'long-b', 40_000);
    await openRuns();
    const rowA = page.locator('[data-testid=runs-row][data-run-id=long-a]');
    await rowA.getByTestId('runs-compare').click();
    await rowA.getByTestId('runs-compare-pick').selectOption('long-b');
    await page.getByTestId('compare-verdict').filter({ hasText: '✓ Same conversation' }).waitFor({ timeout: 60_000 });
    const total = Number(await grid().getAttribute('data-total'));
    expect(total).toBeGreaterThan(30_000);
    expect(await page.getByTestId('compare-summary').innerText()).toBe(`${total.toLocaleString('en-US')} same · 0 changed · 0 only in A · 0 only in B`);
    await grid().focus();
    await page.keyboard.press('End');
    const selected = grid().locator('[aria-selected=true]');
    await expect.poll(async () => (await selected.count()) && Number(await selected.getAttribute('data-index'))).toBe(total - 1);
    expect(await selected.locator('[data-side=a] [data-field=content]').innerText()).toMatch(/^step \d+ of the plan$/);
    expect(await grid().locator('[role=row]').count()).toBeLessThan(80);
    await page.keyboard.press('Home');
    await expect.poll(async () => Number(await selected.getAttribute('data-index'))).toBe(0);
    expect(workbench.pageErrors).toEqual([]);
  });
});
