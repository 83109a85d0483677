// How Synadia Agent Protocol traffic reads in the trace: the synadia-bridge template runs offline
// against a stand-in reviewer built with the protocol's own agent SDK; the desk's prompt to it,
// the streamed response chunks and the end of the stream are labelled in the Trace view's table
// and detail.
import { readFileSync } from 'node:fs';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentService } from '../fixtures/synadia-sdk/agent/src/index.js';
import { startTestServer, type TestServer } from '../helpers/nats-server.js';
import { startReadyWorkbench } from '../helpers/trio-run.js';
import type { Workbench } from '../helpers/workbench.js';

const bridge = readFileSync('templates/synadia-bridge.yaml', 'utf8');
const PROMPT_SUBJECT = 'agents.prompt.claude-code.acme.reviewer';

describe('Synadia traffic in the trace', () => {
  let nats: TestServer;
  let workbench: Workbench;
  let page: Page;
  let nc: NatsConnection | undefined;
  let reviewer: AgentService | undefined;

  beforeAll(async () => {
    nats = await startTestServer({ nkey: false });
    workbench = await startReadyWorkbench({ name: 'e2e-synadia-trace', serveArgs: ['--nats', nats.url] });
    page = workbench.page;
    nc = await connect({ servers: nats.url, name: 'stand-in-reviewer' });
    reviewer = new AgentService({ nc, agent: 'claude-code', owner: 'acme', name: 'reviewer', description: 'stand-in reviewer' });
    reviewer.onPrompt(async (_envelope, response) => {
      for (const part of ['fetch.ts: the retry loop ', 'never gives up; ', 'cap it at 5 attempts.']) await response.send(part);
    });
    await reviewer.start();
  });

  afterAll(async () => {
    await reviewer?.stop().catch(() => undefined);
    await nc?.close();
    await workbench?.close();
    await nats?.stop();
  });

  it('labels the prompt, the response chunks and the end of the stream', async () => {
    expect(await page.evaluate((text) => window.__switchboardTest!.open(text, 'synadia-bridge.yaml').ok, bridge)).toBe(true);
    await page.getByTestId('run-start').click();
    await page.getByTestId('run-state').filter({ hasText: /running/ }).waitFor();
    await page.getByTestId('send-button').click();
    await page.getByTestId('send-reply').filter({ hasText: 'cap it at 5 attempts.' }).waitFor({ timeout: 30_000 });
    // The live canvas: the reviewer's prompt travelled its request line; nothing of the protocol reads as undeclared.
    await page.waitForFunction(() => Number(document.querySelector('.line[data-id="request:desk->reviewer"]')?.getAttribute('data-count')) >= 1);
    expect(await page.locator('[data-testid=finding][data-kind=undeclared-subject]').count()).toBe(0);
    expect(await page.locator('[data-testid=finding][data-kind=undeclared-flow]').count()).toBe(0);
    await workbench.screenshot('s6-ui-bridge-canvas');

    await page.getByTestId('view-trace').click();
    await page.getByTestId('trace-filter').fill(PROMPT_SUBJECT);
    const prompt = page.locator(`[data-testid=trace-table] [data-subject="${PROMPT_SUBJECT}"]`).first();
    expect(await prompt.locator('[data-col=type]').innerText()).toBe('Synadia prompt');
    expect(await prompt.locator('[data-col=from-to]').innerText()).toBe('desk → reviewer');
    await prompt.click();
    const detail = page.getByTestId('trace-detail');
    const section = detail.getByTestId('detail-synadia');
    await section.waitFor();
    expect(await section.innerText()).toMatch(/Synadia Agent Protocol · Synadia prompt[\s\S]*claude-code · owner acme · reviewer/i);
    expect(await section.getByTestId('synadia-text').innerText()).toBe('Review the retry loop in fetch.ts');
    expect(await detail.getByTestId('not-agent-message').count()).toBe(0);
    await workbench.screenshot('s6-ui-trace-synadia-prompt');

    // On the desk's inboxes: the reviewer's three response chunks and the end of its stream.
    await page.getByTestId('trace-filter').fill('_INBOX_desk.*');
    const types = page.locator('[data-testid=trace-table] [data-col=type]');
    await types.filter({ hasText: 'end of stream' }).waitFor();
    expect(await types.filter({ hasText: 'response chunk' }).count()).toBe(3);
    const chunk = page.locator('[data-testid=trace-table] [role=row]', { has: page.locator('[data-col=type]', { hasText: 'response chunk' }) }).first();
    expect(await chunk.locator('[data-col=from-to]').innerText()).toBe('reviewer → desk');
    await chunk.click();
    expect(await section.getByTestId('synadia-text').innerText()).toBe('fetch.ts: the retry loop ');
    await workbench.screenshot('s6-ui-trace-synadia');
    await page.getByTestId('run-stop').click();
    await page.getByTestId('run-state').waitFor({ state: 'detached' });
  });

  it('marks a request that timed out, in the table and the detail', async () => {
    // The docs agent stops before deciding, and the desk waits 1.5 s for each sub-task.
    const slow = bridge.replace('subtaskTimeoutMs: 20000', 'subtaskTimeoutMs: 1500').replace('    - name: docs_agent\n', '    - name: docs_agent\n      breakpoints: [decide]\n');
    expect(slow).toContain('breakpoints: [decide]');
    await page.getByTestId('view-design').click();
    expect(await page.evaluate((text) => window.__switchboardTest!.open(text, 'synadia-bridge.yaml').ok, slow)).toBe(true);
    await page.getByTestId('run-start').click();
    await page.getByTestId('run-state').filter({ hasText: /running/ }).waitFor();
    await page.getByTestId('send-button').click();
    await page.locator('[data-testid=paused-run][data-agent=docs_agent]').waitFor();
    await page.getByTestId('view-trace').click();
    await page.getByTestId('trace-filter').fill('agents.request.docs_agent');
    const request = page.locator('[data-testid=trace-table] [data-subject="agents.request.docs_agent"]').first();
    // Once the desk's 1.5 s are up (the trace goes on: the desk answers without the docs).
    await request.locator('[data-col=status][data-status=timed_out]').waitFor({ timeout: 20_000 });
    expect(await request.locator('[data-col=status]').innerText()).toBe('timed out');
    await request.click();
    const detail = page.getByTestId('trace-detail');
    // Said at the top of the detail, where the table's chip has no room for the reason.
    expect(await detail.getByTestId('detail-status').innerText()).toMatch(/^timed out after 1500 ms: no reply on _INBOX_desk\./);
    await workbench.screenshot('s6-ui-trace-timed-out');
  });
});
