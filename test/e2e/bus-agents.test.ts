// The Agents on the bus panel against real discovery: on an empty bus it says what to do; with a
// Synadia Agent Protocol agent started by the test (the protocol's own agent SDK) and the trio
// running, it lists both kinds with their status; dragging the Synadia agent onto the canvas and
// pressing "Add to canvas" make external agents (the Synadia one with its identity), the same
// agent twice selects the first, and the trio's own agent is refused, never overwritten. The
// inspector edits the new settings: an agent served as a Synadia agent, an external agent's
// identity, the topology's JetStream replicas (blank = automatic) and Synadia exposure.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentService } from '../fixtures/synadia-sdk/agent/src/index.js';
import { startTestServer, type TestServer } from '../helpers/nats-server.js';
import { startReadyWorkbench, trioTemplate } from '../helpers/trio-run.js';
import type { Workbench } from '../helpers/workbench.js';

describe('agents on the bus', () => {
  let nats: TestServer;
  let workbench: Workbench;
  let page: Page;
  let nc: NatsConnection | undefined;
  let synadia: AgentService | undefined;

  beforeAll(async () => {
    // An external server the test's agent may join: the embedded one admits the workbench's own key only.
    nats = await startTestServer({ nkey: false });
    workbench = await startReadyWorkbench({ name: 'e2e-bus', serveArgs: ['--nats', nats.url] });
    page = workbench.page;
  });

  afterAll(async () => {
    await synadia?.stop().catch(() => undefined);
    await nc?.close();
    await workbench?.close();
    await nats?.stop();
  });

  const card = (protocol: string, name: string) => page.locator(`[data-testid=bus-agent][data-protocol="${protocol}"][data-name="${name}"]`);
  const topology = () => page.evaluate(() => window.__switchboardTest!.topology());

  it('says what to do on an empty bus, then lists a Synadia agent and a running seed-000 topology', async () => {
    const panel = page.getByTestId('bus-agents');
    await panel.getByTestId('bus-empty').waitFor();
    expect(await panel.getByTestId('bus-empty').innerText()).toContain(`Nothing answered on ${nats.url}: start a run, or point the workbench at your cluster`);
    await workbench.screenshot('s6-ui-agents-empty');

    nc = await connect({ servers: nats.url, name: 'synadia-echo' });
    synadia = new AgentService({ nc, agent: 'echoer', owner: 'acme', name: 'echo', description: 'Echoes what it is told', heartbeatIntervalS: 30 });
    synadia.onPrompt((envelope, response) => response.send(envelope.prompt));
    await synadia.start();

    expect(await page.evaluate((text) => window.__switchboardTest!.open(text, 'seed-000-trio.yaml').ok, trioTemplate)).toBe(true);
    await page.getByTestId('run-start').click();
    await page.getByTestId('run-state').filter({ hasText: 'running 3 agents' }).waitFor();
    // Listed again on Refresh (the trio's agents announce themselves as they start).
    const listed = () => card('seed-000', 'weather_bot').isVisible();
    for (let i = 0; i < 10 && !((await listed()) && (await card('synadia', 'echo').isVisible())); i++) {
      await page.getByTestId('bus-refresh').filter({ hasText: 'Refresh' }).click();
      await page.getByTestId('bus-refresh').filter({ hasText: 'Refresh' }).waitFor();
    }
    const echo = card('synadia', 'echo');
    await echo.waitFor();
    expect(await echo.getAttribute('data-status')).toBe('available');
    expect(await echo.innerText()).toMatch(/available[\s\S]*Synadia[\s\S]*echo[\s\S]*agent echoer · owner acme[\s\S]*endpoints: .*prompt[\s\S]*seen (just now|\d+ s ago)/);
    const weather = card('seed-000', 'weather_bot');
    expect(await weather.getAttribute('data-status')).toMatch(/available|busy/);
    expect(await weather.getByTestId('bus-offers').innerText()).toContain('weather');
    expect(await page.getByTestId('bus-error').count()).toBe(0);
    // Refresh shows that it is listening while it does.
    await page.getByTestId('bus-refresh').click();
    await page.getByTestId('bus-refresh').filter({ hasText: 'Listening…' }).waitFor();
    await page.getByTestId('bus-refresh').filter({ hasText: 'Refresh' }).waitFor();
    await workbench.screenshot('s6-ui-agents-listed');
  });

  it('drops the Synadia agent onto the canvas as an external agent with its identity; never twice, never over a node', async () => {
    await card('synadia', 'echo').dragTo(page.getByTestId('designer-canvas'), { targetPosition: { x: 300, y: 420 } });
    await page.waitForFunction(() => window.__switchboardTest!.topology()?.spec.externalAgents.some((e) => e.name === 'echo'));
    const external = (await topology())!.spec.externalAgents.find((e) => e.name === 'echo');
    expect(external).toEqual({ name: 'echo', description: 'Echoes what it is told', capabilities: [], answers: true, synadia: { agent: 'echoer', owner: 'acme', name: 'echo' } });
    expect((await topology())!.layout.nodes['echo']).toBeDefined();
    expect(await page.evaluate(() => window.__switchboardTest!.selection().nodes)).toEqual(['echo']);
    await page.locator('.react-flow__node[data-id="echo"]').waitFor();
    await workbench.screenshot('s6-ui-agents-added');

    // Its button now says where it is; pressing it selects it rather than adding a copy.
    const add = card('synadia', 'echo').getByTestId('bus-add');
    expect(await add.innerText()).toBe('On the canvas: echo');
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 300 } });
    await add.click();
    await page.getByTestId('canvas-notice').filter({ hasText: 'echo is on the canvas already, as "echo".' }).waitFor();
    expect(await page.evaluate(() => window.__switchboardTest!.selection().nodes)).toEqual(['echo']);
    expect((await topology())!.spec.externalAgents.filter((e) => e.synadia)).toHaveLength(1);

    // The trio's own weather bot is an agent of this topology: its button says so; pressed, it is refused, said, untouched.
    const before = (await topology())!.spec.agents.find((a) => a.name === 'weather_bot');
    expect(await card('seed-000', 'weather_bot').getByTestId('bus-add').innerText()).toBe('On the canvas: weather_bot');
    await card('seed-000', 'weather_bot').getByTestId('bus-add').click();
    await page.getByTestId('canvas-notice').filter({ hasText: '"weather_bot" is already an agent of this topology' }).waitFor();
    expect((await topology())!.spec.agents.find((a) => a.name === 'weather_bot')).toEqual(before);
    expect((await topology())!.spec.externalAgents.map((e) => e.name)).toEqual(['echo']);

    // A Synadia agent whose name a node has: "Add to canvas" (the keyboard's way) gives it a suffix.
    const wx = new AgentService({ nc: nc!, agent: 'wx', owner: 'acme', name: 'weather_bot', description: 'Weather from elsewhere', heartbeatIntervalS: 30 });
    wx.onPrompt((_envelope, response) => response.send('sunny'));
    await wx.start();
    try {
      await page.getByTestId('bus-refresh').click();
      await card('synadia', 'weather_bot').waitFor();
      await card('synadia', 'weather_bot').getByTestId('bus-add').focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('canvas-notice').filter({ hasText: 'Added as "weather_bot_2": "weather_bot" already names another node.' }).waitFor();
      expect((await topology())!.spec.externalAgents.find((e) => e.name === 'weather_bot_2')?.synadia).toEqual({ agent: 'wx', owner: 'acme', name: 'weather_bot' });
    } finally {
      await wx.stop();
    }
  });

  it('edits the new settings in the inspector', async () => {
    const inspector = page.getByLabel('Inspector');
    // The external agent's Synadia identity: all three parts, or none.
    await page.locator('.react-flow__node[data-id="echo"]').click();
    const identity = inspector.getByTestId('field-synadia');
    expect(await identity.getByTestId('synadia-agent').inputValue()).toBe('echoer');
    expect(await identity.getByTestId('synadia-owner').inputValue()).toBe('acme');
    await identity.getByTestId('synadia-owner').fill('elsewhere');
    await page.waitForFunction(() => window.__switchboardTest!.topology()?.spec.externalAgents.find((e) => e.name === 'echo')?.synadia?.owner === 'elsewhere');
    expect(await identity.innerText()).toContain('agents.prompt.echoer.elsewhere.echo');
    await identity.getByTestId('synadia-agent').fill('');
    await identity.getByText('Fill in all three (or none).').waitFor();
    expect((await topology())!.spec.externalAgents.find((e) => e.name === 'echo')?.synadia).toEqual({ agent: 'echoer', owner: 'elsewhere', name: 'echo' });
    await identity.getByTestId('synadia-agent').fill('echoer');
    await workbench.screenshot('s6-ui-inspector-external');

    // An agent served as a Synadia agent, or as the topology says.
    await page.locator('.react-flow__node[data-id="weather_bot"]').click();
    const serve = inspector.getByTestId('field-synadia');
    expect(await serve.locator('select option:checked').innerText()).toBe('As the topology says (not served)');
    await serve.locator('select').selectOption('true');
    await page.waitForFunction(() => window.__switchboardTest!.topology()?.spec.agents.find((a) => a.name === 'weather_bot')?.synadia === true);
    expect(await serve.innerText()).toContain('agents.prompt.switchboard.switchboard.weather_bot');
    await serve.scrollIntoViewIfNeeded();
    await workbench.screenshot('s6-ui-inspector-agent');

    // Nothing selected: the topology's JetStream replicas (blank = automatic) and Synadia exposure.
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 300 } });
    const replicas = inspector.getByTestId('field-jetstream').locator('input');
    expect(await replicas.getAttribute('placeholder')).toBe('automatic');
    await replicas.fill('3');
    await page.waitForFunction(() => window.__switchboardTest!.topology()?.spec.jetstream?.replicas === 3);
    await replicas.fill('9');
    await inspector.getByTestId('field-jetstream').locator('.field-error').waitFor();
    expect((await topology())!.spec.jetstream).toEqual({ replicas: 3 });
    await replicas.fill('');
    await page.waitForFunction(() => window.__switchboardTest!.topology()?.spec.jetstream === undefined);
    const exposure = inspector.getByTestId('field-synadia-exposure');
    await exposure.getByLabel('Serve every agent as a Synadia agent').check();
    await page.waitForFunction(() => window.__switchboardTest!.topology()?.spec.synadia?.exposeAll === true);
    expect((await topology())!.spec.synadia).toEqual({ owner: 'switchboard', exposeAll: true, heartbeatS: 30 });
    await inspector.getByTestId('field-jetstream').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await workbench.screenshot('s6-ui-inspector-topology');
    expect(workbench.pageErrors).toEqual([]);
  });
});
