// The detail pane, end to end: run the trio, send its example, select the request to weather_bot;
// its conversation is threaded (the reply under the request it answers); Copy as nats req gives a
// line the shell reads back as subject and payload; Edit & republish refuses a non-AgentMessage and a wildcard subject with the reason, publishes the
// edited request, weather_bot answers it (a new reply about Lyon), and the injected record is
// marked in table and detail; with the run stopped, publishing says nothing runs.
import { execFileSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrioExample, startReadyWorkbench } from '../helpers/trio-run.js';
import type { Workbench } from '../helpers/workbench.js';

/** The words bash makes of a command line (NUL-separated, so newlines in a word survive). */
function shellWords(line: string): string[] {
  return execFileSync('bash', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' }).split('\0').slice(0, -1);
}

describe('the detail pane: thread, copy as nats req, edit & republish', () => {
  let workbench: Workbench;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    workbench = await startReadyWorkbench({ name: 'e2e-republish', prepare: (context, origin) => context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin }) });
    ({ page, pageErrors } = workbench);
  });

  afterAll(async () => {
    await workbench?.close();
  });

  const detail = () => page.getByTestId('trace-detail');
  const dialog = () => page.getByTestId('republish-dialog');
  /** Replaces the republish editor's text: pasted over a select-all (typing auto-closes brackets and indents), or typed. */
  const setEditorText = async (text: string, { typed = false } = {}) => {
    // Low in the editor: clear of a suggestion list open near the top.
    await dialog().locator('.monaco-editor').click({ position: { x: 400, y: 380 } });
    await page.keyboard.press('ControlOrMeta+A');
    if (typed) return page.keyboard.insertText(text);
    await page.evaluate((t) => navigator.clipboard.writeText(t), text);
    await page.keyboard.press('ControlOrMeta+V');
  };

  it('threads the conversation, copies nats req, republishes an edited request that the agent answers', async () => {
    await runTrioExample(page);

    await page.getByTestId('view-trace').click();
    await page.getByTestId('trace-filter').fill('agent:weather_bot kind:message');
    const request = page.locator('[data-testid=trace-table] [role=row][data-subject="agents.request.weather_bot"]').first();
    await request.waitFor();
    await request.click();

    // The conversation, threaded: the delegated request, and weather_bot's reply under it.
    const thread = detail().getByTestId('conversation-thread');
    await thread.getByTestId('thread-entry').nth(1).waitFor();
    const entries = await thread.getByTestId('thread-entry').evaluateAll((els) => els.map((e) => ({ seq: Number(e.getAttribute('data-seq')), depth: Number(e.getAttribute('data-depth')), text: e.textContent ?? '' })));
    const selectedSeq = Number(await request.getAttribute('data-seq'));
    const replySeq = Number(await detail().getByTestId('jump-reply').getAttribute('data-seq'));
    expect(entries).toEqual([
      { seq: selectedSeq, depth: 0, text: expect.stringContaining("task_coordinator → weather_botWhat's the weather in Paris?") },
      { seq: replySeq, depth: 1, text: expect.stringContaining('weather_bot → task_coordinatorWeather-Bot: It is 18°C and partly cloudy in Paris.') },
    ]);
    expect(await thread.locator('[aria-current=true]').getAttribute('data-seq')).toBe(String(selectedSeq));
    await workbench.screenshot('detail-thread');

    // Copy as nats req: the server, then the subject and the payload exactly as captured.
    await detail().getByTestId('payload-text').click();
    const payload = await detail().locator('[data-testid=payload-body] .detail-text').innerText();
    await detail().getByTestId('copy-nats-req').click();
    const line = await detail().getByTestId('copied-command').innerText();
    expect(line).toMatch(/^nats req -s nats:\/\/127\.0\.0\.1:\d+ agents\.request\.weather_bot '\{/);
    expect(shellWords(line.replace(/^nats req /, '')).slice(-2)).toEqual(['agents.request.weather_bot', payload]);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(line);
    expect(await detail().getByTestId('copy-status').innerText()).toContain('per-launch key');

    // Edit & republish: Monaco with the captured message (a new id), checked as you type.
    await detail().getByTestId('republish-open').click();
    await dialog().locator('.monaco-editor').waitFor();
    const captured = JSON.parse(payload) as Record<string, unknown>;
    await dialog().getByTestId('republish-checks').filter({ hasText: 'A valid AgentMessage: request from task_coordinator to weather_bot' }).waitFor();
    expect(await dialog().innerText()).toContain(`captured id ${String(captured['message_id'])}`);
    // The schema completes: message_type's values are offered.
    await setEditorText('{ "message_type": ', { typed: true });
    await page.keyboard.press('Control+Space');
    await dialog().locator('.suggest-widget .monaco-list-row', { hasText: 'handoff' }).first().waitFor();
    await workbench.screenshot('detail-republish-completion');
    // A payload that is not an AgentMessage is refused with the reason; "Publish anyway" is offered.
    await setEditorText(JSON.stringify({ ...captured, message_type: 'shout' }, null, 2));
    await dialog().getByTestId('republish-invalid').filter({ hasText: 'message_type' }).waitFor();
    expect(await dialog().getByTestId('republish-publish').isDisabled()).toBe(true);
    await dialog().getByTestId('republish-anyway').waitFor();
    // Monaco marks the field the schema refuses (the AgentMessage JSON Schema is registered for the editor).
    await dialog().locator('.monaco-editor .squiggly-error').first().waitFor();
    await workbench.screenshot('detail-republish-invalid');
    // A wildcard subject is refused with the reason.
    await dialog().getByTestId('republish-subject').fill('agents.request.*');
    await dialog().getByTestId('republish-checks').filter({ hasText: 'has a wildcard' }).waitFor();
    await dialog().getByTestId('republish-subject').fill('agents.request.weather_bot');

    // The edited request: another city, a known id.
    const edited = { ...captured, content: "What's the weather in Lyon?", message_id: 'e2e-republished-1', timestamp: new Date().toISOString() };
    await setEditorText(JSON.stringify(edited, null, 2));
    await dialog().getByTestId('republish-checks').filter({ hasText: 'A valid AgentMessage' }).waitFor();
    expect(await dialog().getByTestId('republish-request').isChecked()).toBe(true);
    await workbench.screenshot('detail-republish-editor');
    await dialog().getByTestId('republish-publish').click();
    const done = await dialog().getByTestId('republish-done').innerText();
    expect(done).toMatch(/^Published \d+ B on agents\.request\.weather_bot \(reply inbox _INBOX_switchboard_workbench\.\w+\)/);

    // Following the live trace: the injected request, marked, and weather_bot's answer about Lyon.
    await dialog().getByTestId('republish-follow').click();
    await dialog().waitFor({ state: 'detached' });
    const injectedRow = page.locator('[data-testid=trace-table] [role=row]', { has: page.getByTestId('injected-badge') });
    await injectedRow.first().waitFor();
    expect(await injectedRow.count()).toBe(1);
    expect(await injectedRow.getAttribute('data-subject')).toBe('agents.request.weather_bot');
    await injectedRow.click();
    await detail().locator('.detail-header').getByTestId('injected-badge').waitFor();
    await detail().getByTestId('detail-agent-message').filter({ hasText: "What's the weather in Lyon?" }).waitFor();
    expect(await detail().getByTestId('detail-agent-message').innerText()).toContain('e2e-republished-1');
    await detail().getByTestId('jump-reply').waitFor();
    await detail().getByTestId('detail-agent-message').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await workbench.screenshot('detail-injected');
    await detail().getByTestId('jump-reply').click();
    const reply = detail().getByTestId('detail-agent-message');
    await reply.filter({ hasText: 'Weather-Bot: It is 18°C and partly cloudy in Lyon.' }).waitFor();
    expect(await reply.innerText()).toContain('e2e-republished-1'); // in_reply_to
    expect(await detail().locator('.detail-title').innerText()).toMatch(/_INBOX_switchboard_workbench\./);
    await workbench.screenshot('detail-republish-answered');

    // With the run stopped, publishing says why it cannot.
    await page.getByTestId('run-stop').click();
    await page.waitForFunction(() => !(document.querySelector('[data-testid=run-start]') as HTMLButtonElement).disabled);
    await detail().getByTestId('jump-request').click();
    await detail().getByTestId('republish-open').click();
    await dialog().getByTestId('republish-checks').filter({ hasText: 'A valid AgentMessage' }).waitFor();
    await dialog().getByTestId('republish-publish').click();
    await dialog().getByTestId('republish-error').filter({ hasText: 'Nothing is running: start a topology, then republish on its bus.' }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
