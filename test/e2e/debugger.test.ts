// The OODA debugger, end to end: the trio runs; a click on weather_bot's gutter dot breaks it before
// Decide; the example stops there (badge on the canvas, "1 paused" in the run controls) while the
// general assistant answers another window's request; F10 steps to Act; the decision opens in
// Monaco, an invalid edit is refused with the host's reason and the run stays paused, a valid one is
// acted on and its reply comes back. A conditional breakpoint on a tool call stops only when that
// tool is about to be called; switched off it does not stop; edited into a message condition it
// stops before Observe; removed, the run goes on. Pause all, step over, continue, continue all by key.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startReadyWorkbench, trioTemplate } from '../helpers/trio-run.js';
import type { Workbench } from '../helpers/workbench.js';

const EDITED = 'Edited in the debugger: bring an umbrella.';

describe('the debugger', () => {
  let workbench: Workbench;
  let page: Page;
  let pageErrors: string[];

  /** The recovery of the last test's unsaved trio is offered on load: not what these tests are about. */
  const skipRecovery = (p: Page) => p.addLocatorHandler(p.getByTestId('recovery-dialog'), () => p.keyboard.press('Escape'));

  beforeAll(async () => {
    workbench = await startReadyWorkbench({ name: 'e2e-debugger', prepare: (context, origin) => context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin }) });
    ({ page, pageErrors } = workbench);
    await skipRecovery(page);
  });

  beforeEach(async () => {
    await page.goto(workbench.url);
    await page.waitForFunction(() => window.__switchboardTest !== undefined);
    await page.locator('[data-testid=server-card] [data-state=running]').waitFor();
  });

  afterEach(async () => {
    // The host's run outlives the page: stop it for the next test (after letting a run still paused, after a failure, go).
    for (let i = 0; i < 20 && (await page.getByTestId('run-stop').isDisabled()) && (await page.getByTestId('run-state').count()) > 0; i++) {
      await page.keyboard.press('Shift+F8');
      await page.waitForTimeout(200);
    }
    if (await page.getByTestId('run-stop').isEnabled()) await page.getByTestId('run-stop').click();
    await page.getByTestId('run-state').waitFor({ state: 'detached' });
  });

  afterAll(async () => {
    await workbench?.close();
  });

  const dot = (agent: string) => page.locator(`[data-testid=breakpoint-dot][data-agent=${agent}]`);
  const detail = () => page.getByTestId('paused-detail');
  const reply = (p: Page, text: string) => p.getByTestId('send-reply').filter({ hasText: text });

  /** Opens the trio and runs it. */
  async function runTrio(): Promise<void> {
    await page.evaluate((text) => window.__switchboardTest!.open(text, 'seed-000-trio.yaml'), trioTemplate);
    await page.getByTestId('run-start').click();
    await page.getByTestId('run-state').filter({ hasText: 'running 3 agents' }).waitFor();
  }

  /** Sends `input` to `to` from the bottom panel's Trace tab of `p`. */
  async function send(p: Page, to: string, input: string): Promise<void> {
    await p.getByTestId('tab-trace').click();
    await p.getByTestId('send-to').selectOption(to);
    await p.getByTestId('send-input').fill(input);
    await p.getByTestId('send-button').click();
  }

  /** Replaces the decision editor's text: typed key by key (Monaco closes brackets and quotes as a user sees it), or pasted. */
  async function setDecision(text: string, { typed = false } = {}): Promise<void> {
    await page.locator('[data-testid=decision-editor] .monaco-editor').click({ position: { x: 300, y: 150 } });
    await page.keyboard.press('ControlOrMeta+A');
    if (typed) return page.keyboard.type(text);
    await page.evaluate((t) => navigator.clipboard.writeText(t), text);
    await page.keyboard.press('ControlOrMeta+V');
  }
  const editorText = () => page.locator('[data-testid=decision-editor] .view-lines').innerText();

  it('breaks before Decide from the gutter dot while another agent answers, steps to Act with F10, and acts on a decision edited in Monaco', async () => {
    await runTrio();
    expect(await dot('weather_bot').getAttribute('data-state')).toBe('none');
    await dot('weather_bot').click();
    await dot('weather_bot').and(page.locator('[data-state=plain]')).waitFor();
    expect(await page.evaluate(() => window.__switchboardTest!.topology()!.spec.agents.find((a) => a.name === 'weather_bot')!.breakpoints)).toEqual(['decide']);

    // The example: the coordinator asks the weather bot, which stops before Decide.
    await send(page, 'task_coordinator', "What's the weather in Paris?");
    const badge = page.locator('[data-testid=paused-badge][data-agent=weather_bot]');
    await badge.and(page.locator('[data-phase=decide]')).waitFor();
    await page.locator('[data-testid=paused-count][data-count="1"]').waitFor();
    expect(await badge.innerText()).toMatch(/decide\s·\s\d+ s/);
    await workbench.screenshot('debugger-canvas-paused');

    // Meanwhile the general assistant answers a request from another window.
    const other = await workbench.newPage();
    await skipRecovery(other);
    await other.getByTestId('run-state').filter({ hasText: 'running 3 agents' }).waitFor();
    await send(other, 'general_assistant', 'hello there');
    await reply(other, 'General-Assistant: Hello!').waitFor();
    await other.close();
    expect(await badge.count()).toBe(1); // still waiting

    // The run in the Paused tab: the prompt it is about to send, as a chat.
    await page.getByTestId('paused-count').click();
    await page.getByTestId('paused-view').waitFor();
    await detail().and(page.locator('[data-phase=decide]')).waitFor();
    expect(await detail().locator('.pi-msg-user').innerText()).toContain("What's the weather in Paris?");
    expect(await detail().locator('.pi-msg-system').first().innerText()).toContain('weather specialist');
    await workbench.screenshot('debugger-decide');
    const toolbar = page.getByTestId('paused-view').getByRole('toolbar');
    expect(await toolbar.getByTestId('resume-step').getAttribute('title')).toContain('(F10)');
    expect(await toolbar.getByTestId('resume-continue').getAttribute('title')).toContain('(F8)');
    expect(await toolbar.getByTestId('resume-step-over').getAttribute('title')).toContain('(Shift+F10)');

    // F10: the same run stops before Act, its decision (a tool call) in Monaco.
    await page.keyboard.press('F10');
    await detail().and(page.locator('[data-phase=act]')).waitFor();
    await page.locator('[data-testid=decision-editor] .view-lines', { hasText: 'get_current_weather' }).waitFor();
    await workbench.screenshot('debugger-act');

    // An invalid edit (no toolCalls): the schema marks it, the host refuses it with its reason, the run stays paused.
    // Typed: the closing quote and brace come from Monaco's auto-close.
    await setDecision('{"text": "no tool calls field', { typed: true });
    // Monaco draws its lines a frame after the last keystroke: wait for the drawing, not the first read.
    await expect.poll(async () => (await editorText()).replace(/\u00a0/g, ' ')).toBe('{"text": "no tool calls field"}');
    await page.locator('[data-testid=decision-editor] .squiggly-error').first().waitFor();
    await page.getByTestId('resume-edited').click();
    const refusal = page.getByTestId('decision-error');
    await refusal.waitFor();
    expect(await refusal.innerText()).toMatch(/still paused[\s\S]*toolCalls/i);
    expect(await detail().getAttribute('data-phase')).toBe('act');
    await page.locator('[data-testid=paused-count][data-count="1"]').waitFor();
    // Pasted over the whole decision: a tool call of the wrong shape is refused too, with where.
    await setDecision(JSON.stringify({ text: 'Checking the forecast first.', toolCalls: [{ id: 'call_1_0', name: 'get_current_weather', arguments: 'Paris' }] }, null, 2));
    await page.getByTestId('resume-edited').click();
    await page.getByTestId('decision-error').filter({ hasText: 'arguments' }).waitFor();
    await page.locator('[data-testid=decision-editor] .squiggly-error').first().waitFor();
    await page.locator('[data-testid=paused-count][data-count="1"]').waitFor();
    await page.mouse.move(0, 0);
    await workbench.screenshot('debugger-refused');

    // Reset brings the model's decision back; then a valid edit is acted on.
    await page.getByTestId('decision-reset').click();
    await page.locator('[data-testid=decision-editor] .view-lines', { hasText: 'get_current_weather' }).waitFor();
    await setDecision(JSON.stringify({ text: EDITED, toolCalls: [] }, null, 2));
    await page.getByTestId('resume-edited').click();
    await page.getByTestId('paused-count').waitFor({ state: 'detached' });
    await page.getByTestId('tab-trace').click();
    await reply(page, EDITED).waitFor();
    expect(await badge.count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('a conditional breakpoint on a tool call stops only when that tool is about to be called', async () => {
    await runTrio();
    // Set from the gutter's popover: break weather_bot when it is about to call get_current_weather.
    await page.locator('.react-flow__node', { hasText: 'weather_bot' }).hover();
    await page.locator('[data-testid=breakpoint-more]').and(page.locator('[aria-label="Edit weather_bot\'s breakpoints"]')).click();
    const popover = page.getByTestId('breakpoint-popover');
    await popover.getByTestId('breakpoint-add-condition').click();
    await popover.getByTestId('bp-tool').fill('get_current_weather');
    await popover.getByTestId('bp-save').click();
    await dot('weather_bot').and(page.locator('[data-state=conditional]')).waitFor();
    expect(await page.evaluate(() => window.__switchboardTest!.topology()!.spec.agents.find((a) => a.name === 'weather_bot')!.breakpoints)).toEqual([{ phase: 'act', condition: { kind: 'tool', name: 'get_current_weather' } }]);
    await workbench.screenshot('debugger-canvas-conditional');
    // The same breakpoint in weather_bot's inspector.
    await popover.getByRole('button', { name: 'Close' }).click();
    await page.locator('.react-flow__node', { hasText: 'weather_bot' }).locator('.dnode-name').click();
    await page.locator('[data-testid=node-inspector] [data-testid=agent-breakpoints] [data-testid=breakpoint-row][data-condition=tool]').waitFor();
    await page.locator('[data-testid=node-inspector] [data-testid=field-breakpoints]').scrollIntoViewIfNeeded();
    await workbench.screenshot('debugger-inspector');

    // A question with no city: weather_bot acts without calling the tool, and does not stop.
    await send(page, 'weather_bot', 'hello');
    await reply(page, 'Weather-Bot: which city?').waitFor();
    expect(await page.getByTestId('paused-count').count()).toBe(0);

    // The example: it stops before Act, about to call the tool.
    await send(page, 'task_coordinator', "What's the weather in Paris?");
    await page.locator('[data-testid=paused-badge][data-agent=weather_bot][data-phase=act]').waitFor();
    await page.getByTestId('tab-debugger').click();
    const row = page.locator('[data-testid=paused-run][data-agent=weather_bot]');
    expect(await row.getAttribute('data-phase')).toBe('act');
    expect(await row.innerText()).toMatch(/condition/);
    await page.getByTestId('open-debug-view').click();
    await page.locator('[data-testid=decision-editor] .view-lines', { hasText: 'get_current_weather' }).waitFor();
    await page.locator('[data-testid=breakpoint-list] [data-testid=breakpoint-row][data-condition=tool]').waitFor();

    // F8: on to the end; its next Act (the reply, no tool call) does not stop.
    await page.keyboard.press('F8');
    await page.getByTestId('tab-trace').click();
    await reply(page, 'Weather-Bot: It is 18°C and partly cloudy in Paris.').waitFor();
    expect(await page.getByTestId('paused-count').count()).toBe(0);

    // Switched off in the Breakpoints list: the same question no longer stops.
    await page.locator('[data-testid=breakpoint-list] [data-testid=breakpoint-row][data-condition=tool] [data-testid=breakpoint-enabled]').uncheck();
    await dot('weather_bot').and(page.locator('[data-state=disabled]')).waitFor({ state: 'attached' }); // the canvas is behind the Debug view
    await send(page, 'task_coordinator', "What's the weather in Lyon?");
    await reply(page, 'Weather-Bot: It is 18°C and partly cloudy in Lyon.').waitFor();
    expect(await page.getByTestId('paused-count').count()).toBe(0);

    // Edited in the list into a message condition: a request mentioning Berlin stops weather_bot before Observe.
    const listed = page.locator('[data-testid=breakpoint-list] [data-testid=breakpoint-row]');
    await listed.getByTestId('breakpoint-edit').click();
    const form = page.locator('[data-testid=breakpoint-list] [data-testid=breakpoint-condition-form]');
    await form.getByTestId('bp-kind').selectOption('message');
    await form.getByTestId('bp-text').fill('berlin');
    await form.getByTestId('bp-save').click();
    await listed.and(page.locator('[data-condition=message][data-phase=observe][data-enabled=true]')).waitFor();
    await send(page, 'task_coordinator', "What's the weather in Berlin?");
    await detail().and(page.locator('[data-agent=weather_bot][data-phase=observe]')).waitFor();
    expect(await detail().locator('.pi-fields').innerText()).toContain("What's the weather in Berlin?");
    expect(await detail().innerText()).toMatch(/condition hit/);

    // Removed, and continued: no more stops, the answer comes back.
    await listed.getByTestId('breakpoint-remove').click();
    await page.locator('[data-testid=breakpoint-list]').waitFor({ state: 'detached' });
    expect(await page.evaluate(() => window.__switchboardTest!.topology()!.spec.agents.find((a) => a.name === 'weather_bot')!.breakpoints)).toEqual([]);
    await page.getByTestId('paused-view').getByTestId('resume-continue').click();
    await page.getByTestId('tab-trace').click();
    await reply(page, 'Weather-Bot: It is 18°C and partly cloudy in Berlin.').waitFor();
    expect(await page.getByTestId('paused-count').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('Pause all (F6), Step over (Shift+F10) to the cycle\'s next Observe, Continue (F8) the selected run, Continue all (Shift+F8)', async () => {
    await runTrio();
    const row = (agent: string) => page.locator(`[data-testid=paused-run][data-agent=${agent}]`);
    await page.locator('body').click({ position: { x: 5, y: 500 } }); // keys go to the app, not a text field
    await page.keyboard.press('F6');
    await send(page, 'task_coordinator', "What's the weather in Paris?");
    await row('task_coordinator').and(page.locator('[data-phase=observe]')).waitFor();
    expect(await row('task_coordinator').innerText()).toContain('paused');

    // Step over the coordinator's cycle: it asks the weather bot, which was paused too and stops before its Observe.
    await page.locator('body').click({ position: { x: 5, y: 500 } });
    await page.keyboard.press('Shift+F10');
    await row('weather_bot').and(page.locator('[data-phase=observe]')).waitFor();

    // Continue (F8) the weather bot, selected in the list: it answers, and the coordinator's step over ends at the next Observe of its run.
    await row('weather_bot').click();
    await page.keyboard.press('F8');
    await row('task_coordinator').and(page.locator('[data-phase=observe]')).filter({ hasText: 'turn 2' }).waitFor();
    expect(await row('task_coordinator').innerText()).toContain('step');
    expect(await row('weather_bot').count()).toBe(0);

    // Continue all (Shift+F8): the reply comes back.
    await page.keyboard.press('Shift+F8');
    await page.getByTestId('tab-trace').click();
    await reply(page, 'Weather-Bot: It is 18°C and partly cloudy in Paris.').waitFor();
    expect(await page.getByTestId('paused-count').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
