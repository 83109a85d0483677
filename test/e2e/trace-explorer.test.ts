// The trace explorer: run the trio, send its example, open the Trace view; the table shows the
// request and the replies; a subject wildcard and an agent filter narrow it (in the host); a row's
// detail shows its AgentMessage and its payload as JSON, text and hex; the arrows move the selection.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceLibrary, traceRoot } from '../../main/host/trace/index.js';
import { longRunSeqAt, writeLongRun } from '../helpers/trace-long-run.js';
import { runTrioExample, startReadyWorkbench } from '../helpers/trio-run.js';
import type { Workbench } from '../helpers/workbench.js';

describe('the trace explorer', () => {
  let workbench: Workbench;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    workbench = await startReadyWorkbench({ name: 'e2e-trace', prepare: (context, origin) => context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin }) });
    ({ page, pageErrors } = workbench);
  });

  afterAll(async () => {
    await workbench?.close();
  });

  const rows = () => page.locator('[data-testid=trace-table] [role=row]');
  /** The subjects of the rows drawn now. */
  const subjects = () => rows().evaluateAll((els) => els.map((e) => e.getAttribute('data-subject') ?? ''));
  /** The from → to cells of the rows drawn now. */
  const fromTo = () => page.locator('[data-testid=trace-table] [data-col=from-to]').allInnerTexts();

  it('shows the live run, filters it in the host, and details the selected record', async () => {
    await runTrioExample(page);

    // The Trace view, following the live run: the request in and the replies out.
    await page.getByTestId('view-trace').click();
    await page.getByTestId('trace-view').waitFor();
    expect(await page.getByTestId('trace-follow').innerText()).toContain('Following');
    // Following, the newest rows are in view: the final reply and the runtime's events before it.
    await page.locator('[data-testid=trace-table] [data-col=from-to]', { hasText: 'task_coordinator → switchboard_app' }).waitFor();
    const types = await page.locator('[data-testid=trace-table] [data-col=type]').allInnerTexts();
    expect(types).toContain('response');
    expect(types).toContain('llm.call');
    // Rows are in seq order.
    const seqs = (await page.locator('[data-testid=trace-table] [data-col=seq]').allInnerTexts()).map(Number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // Counts per agent beside the filter.
    await page.locator('[data-testid=counts-agent] [data-name=weather_bot]').waitFor();
    // NATS internals are hidden by default, with their count; one switch shows them.
    await page.getByTestId('hide-infrastructure').locator('..').filter({ hasText: /Hide NATS internals \(\d+\)/ }).waitFor();
    await page.locator('[data-testid=counts-subject] [data-name="agents.request.weather_bot"]').waitFor();
    const listed = await page.locator('[data-testid=counts-subject] [data-name]').evaluateAll((els) => els.map((e) => e.getAttribute('data-name') ?? ''));
    expect(listed.filter((name) => /^\$(JS|KV|SYS)\./.test(name))).toEqual([]);
    await workbench.screenshot('trace-explorer-live');
    await page.getByTestId('hide-infrastructure').uncheck();
    await page.locator('[data-testid=counts-subject] [data-name^="$JS."]').first().waitFor();
    await page.getByTestId('hide-infrastructure').check();
    await page.locator('[data-testid=counts-subject] [data-name^="$JS."]').first().waitFor({ state: 'detached' });
    // Errors only, decided by the host: no row left has an ok status (the trio answered without one).
    await page.getByTestId('errors-only').check();
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-testid=trace-table] [data-col=status]')).every((c) => c.getAttribute('data-status') !== 'ok'));
    await page.getByTestId('errors-only').uncheck();
    await page.locator('[data-testid=trace-table] [data-col=status][data-status=ok]').first().waitFor({ state: 'attached' });

    // Free text and a kind, evaluated by the host: the request, the delegation and both replies.
    await page.getByTestId('trace-filter').fill('Paris kind:message');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=trace-table] [role=row]').length === 4);
    expect(await fromTo()).toEqual(['switchboard_app → task_coordinator', 'task_coordinator → weather_bot', 'weather_bot → task_coordinator', 'task_coordinator → switchboard_app']);
    expect(await page.locator('[data-testid=trace-table] [data-col=type]').allInnerTexts()).toEqual(['request', 'request', 'response', 'response']);

    // A subject wildcard, evaluated by the host: only the two requests to agents.
    await page.getByTestId('trace-filter').fill('agents.request.*');
    await page.waitForFunction(() => {
      const found = Array.from(document.querySelectorAll('[data-testid=trace-table] [role=row]'));
      return found.length >= 2 && found.every((r) => r.getAttribute('data-subject')?.startsWith('agents.request.'));
    });
    const requested = await subjects();
    expect(requested.length).toBeGreaterThanOrEqual(2);
    expect(new Set(requested)).toEqual(new Set(['agents.request.task_coordinator', 'agents.request.weather_bot']));

    // An agent filter narrows it further (a click on the agent's count adds `agent:`).
    await page.locator('[data-testid=counts-agent] [data-name=weather_bot]').click();
    expect(await page.getByTestId('trace-filter').inputValue()).toBe('agents.request.* agent:weather_bot');
    await page.waitForFunction(() => {
      const found = Array.from(document.querySelectorAll('[data-testid=trace-table] [role=row]')).map((r) => r.getAttribute('data-subject'));
      return found.length > 0 && found.every((s) => s === 'agents.request.weather_bot');
    });
    expect(await fromTo()).toEqual(['task_coordinator → weather_bot']);

    // A filter the bar cannot read says why, and leaves the table as it was.
    await page.getByTestId('trace-filter').fill('agents.request.* colour:blue');
    await page.getByTestId('trace-filter-error').filter({ hasText: 'unknown filter "colour:"' }).waitFor();
    expect(await rows().count()).toBe(1);

    // Selecting the request shows its AgentMessage, and its payload as JSON, text and hex.
    await page.getByTestId('trace-filter').fill('agent:weather_bot kind:message');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-testid=trace-table] [role=row]')).length >= 2);
    await page.locator('[data-testid=trace-table] [data-subject="agents.request.weather_bot"]').first().click();
    const detail = page.getByTestId('trace-detail');
    await detail.getByTestId('detail-agent-message').filter({ hasText: 'task_coordinator' }).waitFor();
    expect(await detail.getByTestId('detail-agent-message').innerText()).toContain('weather_bot');
    await detail.getByTestId('json-tree').filter({ hasText: 'message_type' }).first().waitFor();
    expect(await detail.getByTestId('payload-body').getAttribute('data-tab')).toBe('json');
    await detail.getByTestId('payload-text').click();
    expect(await detail.getByTestId('payload-body').innerText()).toContain('"from_agent":');
    await detail.getByTestId('payload-hex').click();
    const hex = await detail.getByTestId('hex-dump').innerText();
    expect(hex).toMatch(/^00000000\s+7b 22/); // `{"` at offset 0
    expect(hex).toContain('00000010');
    await workbench.screenshot('trace-explorer-detail');

    // The request's latency and its reply: one click jumps to the reply, which links back.
    const request = page.locator('[data-testid=trace-table] [role=row][aria-selected=true]');
    expect(await request.locator('[data-col=latency]').innerText()).toMatch(/\d ms$/);
    const replyLink = detail.getByTestId('jump-reply');
    const replySeq = await replyLink.getAttribute('data-seq');
    await replyLink.click();
    await page.locator(`[data-testid=trace-table] [role=row][data-seq="${replySeq}"][aria-selected=true]`).waitFor();
    await detail.getByTestId('jump-request').waitFor();
    expect(await detail.locator('.detail-title').innerText()).toContain(`#${replySeq}`);
    await detail.getByTestId('jump-request').click();
    await detail.getByTestId('jump-reply').waitFor();

    // Copy as JSON puts the whole record on the clipboard.
    await detail.getByTestId('copy-json').click();
    await detail.getByText('Copied').waitFor();
    const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText())) as { seq: number; subject: string };
    expect(copied.subject).toBe('agents.request.weather_bot');

    // The detail pane is as wide as it is dragged, and keeps that width (localStorage).
    const paneWidth = () => detail.evaluate((el) => el.getBoundingClientRect().width);
    const before = await paneWidth();
    const handle = (await page.getByTestId('splitter-detail').boundingBox())!;
    await page.mouse.move(handle.x + 2, handle.y + 100);
    await page.mouse.down();
    await page.mouse.move(handle.x - 98, handle.y + 100, { steps: 5 });
    await page.mouse.up();
    expect(Math.round((await paneWidth()) - before)).toBe(100);
    const saved = JSON.parse((await page.evaluate(() => localStorage.getItem('switchboard.trace.layout')))!) as { detail: number };
    expect(saved.detail).toBe(Math.round(await paneWidth()));

    // The arrows move the selection, and the detail follows (the table has the focus again).
    await page.locator('[data-testid=trace-table] [role=row][aria-selected=true]').click();
    const selected = () => page.locator('[data-testid=trace-table] [role=row][aria-selected=true]').getAttribute('data-seq');
    const first = Number(await selected());
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction((seq) => Number(document.querySelector('[data-testid=trace-table] [aria-selected=true]')?.getAttribute('data-seq')) > seq, first);
    const second = Number(await selected());
    expect(await detail.locator('.detail-title').innerText()).toContain(`#${second}`);
    await page.keyboard.press('ArrowUp');
    await page.waitForFunction((seq) => document.querySelector('[data-testid=trace-table] [aria-selected=true]')?.getAttribute('data-seq') === String(seq), first);
    // Esc closes the detail, Enter opens it again; `/` focuses the filter, Esc there clears it.
    await page.keyboard.press('Escape');
    await page.getByTestId('trace-detail').waitFor({ state: 'detached' });
    await page.keyboard.press('Enter');
    await page.getByTestId('trace-detail').waitFor();
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('trace-filter');
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('trace-filter').inputValue()).toBe('');
    // Without the filter the selected request stays in view among all records; reading it paused following.
    await page.waitForFunction(() => document.querySelector('[data-testid=trace-table] [data-kind=event]') !== null);
    await page.locator(`[data-testid=trace-table] [role=row][data-seq="${first}"][aria-selected=true]`).waitFor();
    expect(await page.getByTestId('trace-follow').innerText()).toContain('Follow live');
    await workbench.screenshot('trace-explorer-all');

    // One click resumes following: the newest record is in view.
    await page.getByTestId('trace-follow').click();
    expect(await page.getByTestId('trace-follow').innerText()).toContain('Following');
    const newest = await page.evaluate(() => Math.max(...Array.from(document.querySelectorAll('[data-testid=trace-table] [role=row]')).map((r) => Number(r.getAttribute('data-seq')))));
    expect(await page.locator(`[data-testid=trace-table] [data-seq="${newest}"]`).isVisible()).toBe(true);

    // The time column switches to the wall clock.
    await page.getByTestId('time-absolute').click();
    expect(await page.locator('[data-testid=trace-table] [data-col=time]').first().innerText()).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/);

    // Stopped, the run stays on screen as a recorded one.
    const firstRun = await page.getByTestId('trace-run-picker').inputValue();
    await page.getByTestId('run-stop').click();
    await page.waitForFunction(() => !(document.querySelector('[data-testid=run-start]') as HTMLButtonElement).disabled);
    await page.getByTestId('trace-run-badge').filter({ hasText: 'recorded' }).waitFor();

    // A new run takes the view over, live; the first one opens from the picker, recorded, from its start.
    await page.getByTestId('run-start').click();
    await page.getByTestId('run-state').filter({ hasText: 'running 3 agents' }).waitFor();
    await page.waitForFunction((old) => (document.querySelector('[data-testid=trace-run-picker]') as HTMLSelectElement).value !== old, firstRun);
    await page.getByTestId('trace-run-badge').filter({ hasText: 'live' }).waitFor();
    expect(await page.locator('[data-testid=trace-table] [data-subject="agents.request.weather_bot"]').count()).toBe(0);
    await page.getByTestId('trace-run-picker').selectOption(firstRun);
    await page.getByTestId('trace-run-badge').filter({ hasText: 'recorded' }).waitFor();
    // From its start: nothing before the first row, scrolled to the top.
    await page.locator('[data-testid=trace-table][data-has-before=false] [role=row]').first().waitFor();
    expect(await page.getByTestId('trace-table').evaluate((el) => el.scrollTop)).toBe(0);
    // Filters work the same on it.
    await page.getByTestId('trace-filter').fill('agents.request.weather_bot');
    await page.waitForFunction(() => {
      const found = Array.from(document.querySelectorAll('[data-testid=trace-table] [role=row]'));
      return found.length === 1 && found[0]!.getAttribute('data-subject') === 'agents.request.weather_bot';
    });
    await workbench.screenshot('trace-explorer-recorded');

    await page.getByTestId('run-stop').click();
    await page.waitForFunction(() => !(document.querySelector('[data-testid=run-start]') as HTMLButtonElement).disabled);
    expect(pageErrors).toEqual([]);
  });

  it('scrolls a long run end to end in the virtualized table, holding a screenful of rows', async () => {
    // 700,000 records, 665,000 shown with NATS internals hidden: taller than the table draws 1:1.
    const { shown } = await writeLongRun(new TraceLibrary(traceRoot(workbench.dataDir)), 'long-run', 700_000);
    expect(shown).toBe(665_000);
    await page.getByTestId('trace-filter').fill('');
    await page.getByTestId('trace-run-picker').focus(); // the picker lists runs when it gets the focus
    await page.locator('[data-testid=trace-run-picker] option[value="long-run"]').waitFor({ state: 'attached' });
    await page.getByTestId('trace-run-picker').selectOption('long-run');
    const table = page.getByTestId('trace-table');
    await page.locator(`[data-testid=trace-table][data-total="${shown}"] [role=row][data-seq="1"]`).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('trace-row-count').innerText()).toContain('665,000 records match');

    /** The rows drawn now: each at its position, with the seq the run has there, and no more than a screenful. */
    const drawnRight = async () => {
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=trace-table] [aria-busy=true]').length === 0);
      const drawn = await page.locator('[data-testid=trace-table] [role=row]').evaluateAll((els) => els.map((e) => [Number(e.getAttribute('data-position')), Number(e.getAttribute('data-seq'))] as const));
      for (const [position, seq] of drawn) expect(seq, `row at ${position}`).toBe(longRunSeqAt(position));
      const screenful = await table.evaluate((el) => Math.ceil(el.clientHeight / 24));
      expect(drawn.length).toBeGreaterThanOrEqual(screenful);
      expect(drawn.length).toBeLessThanOrEqual(screenful + 14); // a few rows of overscan each side
      return drawn.map(([position]) => position);
    };
    expect((await drawnRight())[0]).toBe(0);

    // End: the last row, selected, in view; its detail is record 700,000.
    await table.focus();
    await page.keyboard.press('End');
    await page.locator(`[data-testid=trace-table] [role=row][data-position="${shown - 1}"][aria-selected=true]`).waitFor();
    expect(await page.locator(`[data-testid=trace-table] [data-position="${shown - 1}"]`).getAttribute('data-seq')).toBe('700000');
    expect(Math.max(...(await drawnRight()))).toBe(shown - 1);
    await page.getByTestId('trace-detail').locator('.detail-title').filter({ hasText: '#700000' }).waitFor();

    // The middle, as a drag of the scrollbar does it: the rows there, loaded in blocks.
    await table.evaluate((el) => (el.scrollTop = (el.scrollHeight - el.clientHeight) / 2));
    await page.waitForFunction((mid) => {
      const first = Number(document.querySelector('[data-testid=trace-table]')?.getAttribute('data-first-visible'));
      return Math.abs(first - mid) < 100;
    }, shown / 2);
    const middle = await drawnRight();
    expect(middle.some((p) => Math.abs(p - shown / 2) < 40)).toBe(true);
    // A click selects a row there; PageDown moves a page further, over rows not loaded before.
    const clicked = middle[Math.floor(middle.length / 2)]!;
    await page.locator(`[data-testid=trace-table] [data-position="${clicked}"]`).click();
    await page.getByTestId('trace-detail').locator('.detail-title').filter({ hasText: `#${longRunSeqAt(clicked)}` }).waitFor();
    await workbench.screenshot('trace-table-long-run');

    // A time range from the selected row: the chip says so, the table counts from that row on.
    await page.getByTestId('time-range-toggle').click();
    await page.getByTestId('time-range-from-selected').click();
    await page.getByTestId('time-range-chip').waitFor();
    await page.locator(`[data-testid=trace-table][data-total="${shown - clicked}"]`).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=trace-table] [aria-busy=true]').length === 0);
    expect(await page.getByTestId('trace-filter').inputValue()).toMatch(/^from:2026-01-01T\d\d:\d\d:\d\d\.\d{3}Z$/);
    await workbench.screenshot('trace-table-time-range');
    await page.getByTestId('time-range-clear').click();
    await page.locator(`[data-testid=trace-table][data-total="${shown}"]`).waitFor();

    // Home: back to the first record.
    await table.focus();
    await page.keyboard.press('Home');
    await page.locator('[data-testid=trace-table] [role=row][data-position="0"][aria-selected=true][data-seq="1"]').waitFor();
    expect(Math.min(...(await drawnRight()))).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
