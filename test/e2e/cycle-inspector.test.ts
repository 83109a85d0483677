// The cycle inspector: run the trio, open Debug → Cycles, pick the coordinator, its run, turn 1,
// Decide: the model request (the user's question) and response (the delegation) show; "Show in
// trace" selects that llm.call record in the trace explorer, and the explorer's "Show in cycle
// inspector" comes back to the same turn and phase. Then a fork from that decision starts a new run
// the Trace view follows.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrioExample, startReadyWorkbench } from '../helpers/trio-run.js';
import type { Workbench } from '../helpers/workbench.js';

describe('the cycle inspector', () => {
  let workbench: Workbench;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    workbench = await startReadyWorkbench({ name: 'e2e-cycles' });
    ({ page, pageErrors } = workbench);
  });

  afterAll(async () => {
    await workbench?.close();
  });

  const coordinatorRun = () => page.locator('[data-testid=cycle-run][data-status=completed]').first();

  it('shows a turn’s model call and links both ways with the trace explorer', async () => {
    await runTrioExample(page);
    await page.getByTestId('view-debug').click();
    await page.getByTestId('debug-tab-cycles').click();
    await page.getByTestId('cycle-inspector').waitFor();

    // Agents with their run counts: the coordinator and the weather bot ran; the general assistant did not.
    await page.locator('[data-testid=cycle-agent][data-agent=weather_bot]').waitFor();
    await page.locator('[data-testid=cycle-agent][data-agent=task_coordinator]').click();
    expect(await page.locator('[data-testid=cycle-agent][data-agent=task_coordinator] .cy-count').innerText()).toBe('1');
    // The run, once its reply is recorded (the inspector polls while the run records): from the workbench, two turns.
    await coordinatorRun().waitFor();
    expect(await coordinatorRun().innerText()).toContain("What's the weather in Paris?");
    await coordinatorRun().locator('.cy-run-head').click();
    const turns = coordinatorRun().getByTestId('cycle-turn');
    expect(await turns.count()).toBe(2);
    const turn1 = coordinatorRun().locator('[data-testid=cycle-turn][data-turn="1"]');
    expect(await turn1.getByTestId('cycle-phase-decide').getAttribute('title')).toMatch(/^decide: .*ms · model call$/);

    // Decide of turn 1: the request as a chat with the question, the response delegating to the weather bot.
    await turn1.getByTestId('cycle-phase-decide').click();
    const detail = page.getByTestId('cycle-detail');
    expect(await detail.getAttribute('data-phase')).toBe('decide');
    const request = page.getByTestId('cycle-decide-request');
    await request.locator('[data-role=user]', { hasText: "What's the weather in Paris?" }).waitFor();
    await request.locator('.pi-msg-system').waitFor();
    const response = page.getByTestId('cycle-decide-response');
    await response.getByTestId('paused-tool-call').first().waitFor();
    expect(await page.getByTestId('cycle-tokens').innerText()).toMatch(/^\d+ in · \d+ out$/);
    await workbench.screenshot('cycle-inspector-decide');
    // On a wide screen the three columns stand side by side.
    await page.setViewportSize({ width: 1920, height: 1080 });
    await workbench.screenshot('cycle-inspector-wide');
    await turn1.getByTestId('cycle-phase-observe').click();
    await page.getByTestId('cycle-observe-message').filter({ hasText: "What's the weather in Paris?" }).filter({ hasText: 'agents.request.task_coordinator' }).waitFor();
    expect(await page.getByTestId('cycle-memory').innerText()).toBe('empty: a new conversation');
    await workbench.screenshot('cycle-inspector-observe');
    await turn1.getByTestId('cycle-phase-orient').click();
    await page.getByTestId('cycle-orient-chat').locator('[data-role=user]').waitFor();
    await workbench.screenshot('cycle-inspector-orient');
    await page.setViewportSize({ width: 1440, height: 900 });

    // Act of turn 1: the tool call with its result, and the request it sent.
    await turn1.getByTestId('cycle-phase-act').click();
    await page.getByTestId('cycle-tool-result').first().waitFor();
    const tool = page.getByTestId('cycle-tool-result').first();
    expect(await tool.innerText()).toContain('request_agent');
    expect(await tool.innerText()).toContain('Weather-Bot: It is 18°C and partly cloudy in Paris.');
    await page.getByTestId('cycle-sent').first().waitFor();
    await workbench.screenshot('cycle-inspector-act');

    // Back to Decide, then "Show in trace" on the model call: the trace explorer selects that llm.call.
    await turn1.getByTestId('cycle-phase-decide').click();
    const link = page.getByTestId('cycle-decide-call').getByTestId('cycle-show-in-trace');
    const seq = Number(await link.getAttribute('data-seq'));
    expect(seq).toBeGreaterThan(0);
    await link.click();
    await page.getByTestId('trace-view').waitFor();
    expect(await page.getByTestId('view-trace').getAttribute('aria-selected')).toBe('true');
    const title = page.locator('[data-testid=trace-detail] .detail-title');
    await title.filter({ hasText: `#${seq} llm.call` }).waitFor();
    expect(await page.locator('[data-testid=trace-detail] [data-testid=detail-event]').innerText()).toContain('task_coordinator');
    await page.locator(`[data-testid=trace-table] [role=row][data-seq="${seq}"][aria-selected=true]`).waitFor();

    // And back: the explorer's "Show in cycle inspector" opens the same turn's Decide.
    await page.getByTestId('show-in-cycles').click();
    expect(await page.getByTestId('view-debug').getAttribute('aria-selected')).toBe('true');
    await page.locator('[data-testid=cycle-detail][data-phase=decide]').waitFor();
    await page.locator('.cy-turn-here[data-turn="1"] [data-testid=cycle-phase-decide][aria-pressed=true]').waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('forks from a decision: the edited decision runs as a new run the Trace view follows', async () => {
    await page.getByTestId('run-stop').click();
    await page.getByTestId('run-start').waitFor();
    await page.getByTestId('view-debug').click();
    const turn1 = coordinatorRun().locator('[data-testid=cycle-turn][data-turn="1"]');
    await turn1.getByTestId('cycle-phase-decide').click();
    const original = await page.locator('.cy-run-id').innerText();

    await page.getByTestId('cycle-fork-open').click();
    await page.getByTestId('cycle-fork').getByTestId('decision-editor').locator('.monaco-editor').waitFor();
    await workbench.screenshot('cycle-inspector-fork');
    // The recorded decision delegates; the fork answers at once instead.
    await page.locator('[data-testid=cycle-fork] [data-testid=decision-editor] .monaco-editor').click({ position: { x: 200, y: 60 } });
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText('{"text": "Forked: no weather today.", "toolCalls": []}');
    // Whatever Monaco closed by itself after the cursor goes.
    await page.keyboard.press('Shift+End');
    await page.keyboard.press('Delete');
    await page.getByTestId('cycle-fork-run').click();

    // The new run takes over the Trace view's run; the inspector follows it and offers the comparison.
    await page.waitForFunction((before) => {
      const id = document.querySelector('.cy-run-id')?.textContent;
      return Boolean(document.querySelector('[data-testid=cycle-fork-error]')) || (id !== undefined && id !== null && id !== before);
    }, original);
    if (await page.getByTestId('cycle-fork-error').isVisible()) expect.fail(`fork refused: ${await page.getByTestId('cycle-fork-error').innerText()}`);
    await page.locator('[data-testid=cycle-agent][data-agent=task_coordinator]').click();
    await page.locator('[data-testid=cycle-run]').first().locator('.cy-run-head').click();
    await page.locator('[data-testid=cycle-turn][data-turn="1"] [data-testid=cycle-phase-decide]').click();
    await page.getByTestId('cycle-decide-response').filter({ hasText: 'Forked: no weather today.' }).waitFor();
    await workbench.screenshot('cycle-inspector-forked');
    expect(pageErrors).toEqual([]);
  });
});
