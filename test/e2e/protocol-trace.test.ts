// Other protocols' traffic in the Trace view. A Switchboard agent delegates to an A2A peer built
// with the official SDK: the gateway's protocol.a2a.request/response read at a glance (peer, what
// was stripped — by kind and count; the e-mail itself nowhere in what left) and the detail ties the
// call to the bus request it served. Then the seed-002 template: its task and result travel on
// seed 002's subjects and pair as request and reply.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startA2aServers, type A2aTestServers } from '../helpers/a2a-servers.js';
import { startReadyWorkbench } from '../helpers/trio-run.js';
import type { Workbench } from '../helpers/workbench.js';

const EMAIL = 'grace.hopper@example.com';
const ops = readFileSync('templates/seed-002-ops.yaml', 'utf8');

const delegating = (peers: A2aTestServers) => `apiVersion: switchboard.dev/v1
kind: Topology
metadata:
  name: a2a-delegation
  example: { to: desk, input: "ask echo: book a room for ${EMAIL}" }
spec:
  llms: { offline: { provider: scripted } }
  agents:
    - name: desk
      llm: offline
      tools: [request_agent]
      script:
        rules:
          - matches: "^ask (\\\\w+): (.+)"
            tool_calls: [{ name: request_agent, arguments: { agent: "{{match.1}}", content: "{{match.2}}", timeout_ms: 10000 } }]
          - after_tool: request_agent
            reply: "{{tool_result}}"
  externalAgents:
    - { name: echo, a2a: { card: "${peers.url('echo')}" } }
  edges:
    - { from: desk, to: echo, kind: request }
`;

describe('other protocols in the trace', () => {
  let peers: A2aTestServers;
  let workbench: Workbench;
  let page: Page;

  beforeAll(async () => {
    peers = await startA2aServers();
    workbench = await startReadyWorkbench({ name: 'e2e-protocol-trace' });
    page = workbench.page;
  });

  afterAll(async () => {
    await workbench?.close();
    await peers?.close();
  });

  const rowsOf = (type: string) => page.locator('[data-testid=trace-table] [role=row]', { has: page.locator('[data-col=type]', { hasText: type }) });
  const runExample = async (text: string, file: string, reply: RegExp) => {
    expect(await page.evaluate(([t, f]) => window.__switchboardTest!.open(t!, f!).ok, [text, file])).toBe(true);
    await page.getByTestId('run-start').click();
    await page.getByTestId('run-state').filter({ hasText: /running/ }).waitFor();
    await page.getByTestId('send-button').click();
    await page.getByTestId('send-reply').filter({ hasText: reply }).waitFor({ timeout: 30_000 });
  };
  const stop = async () => {
    await page.getByTestId('run-stop').click();
    await page.getByTestId('run-state').waitFor({ state: 'detached' });
    await page.getByTestId('view-design').click();
  };

  it('shows an A2A delegation through the protocol gateway: the peer, what was stripped, the answer, never the value', async () => {
    await runExample(delegating(peers), 'a2a-delegation.yaml', /echo:/);
    expect(await page.getByTestId('send-reply').innerText()).not.toContain(EMAIL);
    expect(peers.received.map((r) => r.text).join('\n')).not.toContain(EMAIL);

    await page.getByTestId('view-trace').click();
    await page.getByTestId('trace-filter').fill('kind:event agent:desk');
    const request = rowsOf('protocol.a2a.request').first();
    await request.waitFor();
    expect(await request.locator('[data-col=subject]').innerText()).toBe('→ echo · stripped 1 e-mail');
    const response = rowsOf('protocol.a2a.response').first();
    expect(await response.locator('[data-col=subject]').innerText()).toMatch(/^echo: completed · \d+ ms$/);
    await request.click();
    const detail = page.getByTestId('trace-detail');
    await detail.getByText('stripped 1 e-mail').first().waitFor();
    expect(await detail.innerText()).toMatch(/call\s+A2A desk → echo/);
    expect(await detail.innerText()).toMatch(/for request\s+\S+/);
    // What left for the peer, as the gateway records it: stripped (the user's own request on the bus still has it).
    expect(await detail.innerText()).not.toContain(EMAIL);
    expect(await detail.innerText()).toContain('[email removed]');
    await workbench.screenshot('s7-ui-trace-a2a');
    // The event is neither a request nor a reply: no "Request ↔ reply" section claims otherwise.
    await detail.getByText('Looking for its request').waitFor({ state: 'detached' });
    expect(await detail.getByTestId('detail-related').count()).toBe(0);
    // Every record of the call: the bus request it served, the gateway's request and response.
    await detail.getByTestId('show-exchange').click();
    expect(await page.getByTestId('trace-filter').inputValue()).toMatch(/^"[0-9a-f-]{36}"$/);
    await page.locator('[data-testid=trace-table] [data-subject="protocol.a2a.request.echo.desk"]').first().waitFor();
    expect(await rowsOf('protocol.a2a.request').count()).toBe(1);
    expect(await rowsOf('protocol.a2a.response').count()).toBe(1);
    await workbench.screenshot('s7-ui-trace-a2a-exchange');

    // The bus request the call served: desk → echo on the gateway's subject, answered.
    await page.getByTestId('trace-filter').fill('protocol.a2a.request.echo.desk');
    const onBus = page.locator('[data-testid=trace-table] [data-subject="protocol.a2a.request.echo.desk"]').first();
    await onBus.waitFor();
    expect(await onBus.locator('[data-col=from-to]').innerText()).toBe('desk → echo');
    expect(await onBus.locator('[data-col=status]').innerText()).toBe('');
    await stop();
  });

  it('says where a served agent\'s A2A card is, and that card reads back in the A2A panel', async () => {
    const served = `apiVersion: switchboard.dev/v1
kind: Topology
metadata: { name: a2a-served, example: { to: desk, input: hello } }
spec:
  llms: { offline: { provider: scripted } }
  agents:
    - { name: desk, description: Answers A2A clients, capabilities: [triage], llm: offline, a2a: true, script: { fallback: "desk: {{input}}" } }
`;
    await runExample(served, 'a2a-served.yaml', /desk: hello/);
    const list = page.getByTestId('run-served');
    expect(await list.locator('summary').innerText()).toBe('served: 1 over A2A');
    await list.locator('summary').click();
    const card = await list.locator('code').innerText();
    expect(card).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/a2a\/desk\/\.well-known\/agent-card\.json$/);
    await workbench.screenshot('s7-ui-run-served');
    await list.locator('summary').click();
    await page.getByTestId('a2a-card-url').fill(card);
    await page.getByTestId('a2a-card-fetch').click();
    const shown = page.getByTestId('a2a-card');
    await shown.waitFor();
    expect(await shown.innerText()).toMatch(/desk[\s\S]*Answers A2A clients[\s\S]*triage/);
    await stop();
  });

  it('pairs a seed-002 task with its result on seed 002 subjects', async () => {
    await runExample(ops, 'seed-002-ops.yaml', /.+/);
    await page.getByTestId('view-trace').click();
    await page.getByTestId('trace-filter').fill('agents.prod.task.>');
    const task = page.locator('[data-testid=trace-table] [role=row][data-subject^="agents.prod.task."]').first();
    await task.waitFor();
    expect(await task.locator('[data-col=type]').innerText()).toBe('request');
    // Paired with its result (by correlationId): the row gets the latency once the result is in.
    await task.locator('[data-col=latency]').filter({ hasText: /\d/ }).waitFor();
    expect(await task.locator('[data-col=from-to]').innerText()).toBe('switchboard_app → ops_desk');
    // ops_desk routes by capability: a task on agents.prod.task.network.any, answered by one network agent.
    const routed = page.locator('[data-testid=trace-table] [role=row][data-subject="agents.prod.task.network.any"]').first();
    await routed.locator('[data-col=latency]').filter({ hasText: /\d/ }).waitFor();
    await task.click();
    const detail = page.getByTestId('trace-detail');
    expect(await detail.innerText()).toContain('seed002_type');
    await workbench.screenshot('s7-ui-trace-seed-002');
    expect(workbench.pageErrors).toEqual([]);
    await stop();
  });
});
