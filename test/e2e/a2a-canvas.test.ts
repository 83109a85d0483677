// A2A agents in the designer, against real A2A peers built with the official SDK: a card URL typed
// into the palette's "A2A agent" section is fetched through the host (`peer.getCard`) and shown
// (name, endpoint, skills) before it is added; added, it is an external A2A agent whose node shows
// its skills; the same card again selects it; a URL that is not a card says why and adds nothing.
// The inspector edits its credential by reference and refreshes its skills.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startA2aServers, type A2aTestServers } from '../helpers/a2a-servers.js';
import { startReadyWorkbench, trioTemplate } from '../helpers/trio-run.js';
import type { Workbench } from '../helpers/workbench.js';

describe('A2A agents on the canvas', () => {
  let peers: A2aTestServers;
  let workbench: Workbench;
  let page: Page;

  beforeAll(async () => {
    peers = await startA2aServers();
    workbench = await startReadyWorkbench({ name: 'e2e-a2a' });
    page = workbench.page;
    expect(await page.evaluate((text) => window.__switchboardTest!.open(text, 'seed-000-trio.yaml').ok, trioTemplate)).toBe(true);
  });

  afterAll(async () => {
    await workbench?.close();
    await peers?.close();
  });

  const topology = () => page.evaluate(() => window.__switchboardTest!.topology());
  const panel = () => page.getByTestId('a2a-card-panel');
  const fetchCard = async (url: string) => {
    await panel().getByTestId('a2a-card-url').fill(url);
    await panel().getByTestId('a2a-card-fetch').click();
    await panel().locator('[data-testid=a2a-card], [data-testid=a2a-card-error]').first().waitFor();
  };

  it('says why a URL is not an agent card, and adds nothing', async () => {
    const before = (await topology())!.spec.externalAgents.length;
    await fetchCard(`${peers.base}/html`);
    expect(await panel().getByTestId('a2a-card-error').innerText()).toMatch(/web page|not JSON|HTML/i);
    expect(await panel().getByTestId('a2a-card-add').count()).toBe(0);
    expect((await topology())!.spec.externalAgents.length).toBe(before);
  });

  it('shows a card before adding it, adds it with its skills, and selects it when added again', async () => {
    await fetchCard(peers.url('echo'));
    const card = panel().getByTestId('a2a-card');
    const text = await card.innerText();
    expect(text).toContain('echo');
    expect(text).toContain(`${peers.base}/echo/rpc`);
    const skills = await card.getByTestId('a2a-card-skills').innerText();
    expect(skills.length).toBeGreaterThan(0);
    await workbench.screenshot('s7-ui-a2a-card');

    await card.getByTestId('a2a-card-add').click();
    await page.waitForFunction(() => window.__switchboardTest!.topology()?.spec.externalAgents.some((e) => e.a2a));
    const external = (await topology())!.spec.externalAgents.find((e) => e.a2a)!;
    expect(external.a2a!.card).toMatch(new RegExp(`^${peers.url('echo')}`));
    expect(external.a2a!.skills.length).toBeGreaterThan(0);
    expect(external.capabilities).toEqual(external.a2a!.skills.map((s) => s.id));
    const node = page.locator(`.react-flow__node[data-id="${external.name}"]`);
    expect(await node.innerText()).toContain('A2A');
    expect(await node.innerText()).toContain(external.a2a!.skills[0]!.name);

    // The same card again: the node that is it is selected, nothing is added.
    await fetchCard(peers.url('echo'));
    expect(await panel().getByTestId('a2a-card-add').innerText()).toBe(`On the canvas: ${external.name}`);
    await panel().getByTestId('a2a-card-add').click();
    expect((await topology())!.spec.externalAgents.filter((e) => e.a2a).length).toBe(1);
    await page.getByTestId('node-inspector').waitFor();
    expect(await page.getByTestId('node-inspector').getAttribute('aria-label')).toBe(`external agent ${external.name}`);
  });

  it('edits the credential by the NAME of a variable, and refreshes the skills from the card', async () => {
    const inspector = page.getByTestId('node-inspector');
    const a2a = inspector.getByTestId('field-a2a');
    // An A2A agent shows no Synadia identity fields: it speaks one protocol.
    expect(await inspector.getByTestId('field-synadia').count()).toBe(0);
    expect(await a2a.getByTestId('a2a-auth').inputValue()).toBe('none');
    await a2a.getByTestId('a2a-auth').selectOption('header');
    await a2a.getByTestId('a2a-secret').fill('sk-live-123');
    expect(await a2a.locator('.field-error').first().innerText()).toMatch(/NAME of an environment variable/);
    expect((await topology())!.spec.externalAgents.find((e) => e.a2a)!.a2a!.credential).toBeUndefined();
    await a2a.getByTestId('a2a-secret').fill('ECHO_TOKEN');
    await page.waitForFunction(() => window.__switchboardTest!.topology()?.spec.externalAgents.find((e) => e.a2a)?.a2a?.credential?.secret === 'ECHO_TOKEN');
    expect((await topology())!.spec.externalAgents.find((e) => e.a2a)!.a2a!.credential).toEqual({ header: 'Authorization', scheme: 'Bearer', secret: 'ECHO_TOKEN' });
    expect(await a2a.innerText()).toContain('Authorization: Bearer $ECHO_TOKEN');
    await a2a.scrollIntoViewIfNeeded();
    await workbench.screenshot('s7-ui-a2a-inspector');

    // OAuth2 client credentials instead: kept as a draft until the token URL, client id and secret variable are valid.
    await a2a.getByTestId('a2a-auth').selectOption('oauth2');
    await page.waitForFunction(() => window.__switchboardTest!.topology()?.spec.externalAgents.find((e) => e.a2a)?.a2a?.credential === undefined);
    await a2a.getByTestId('a2a-oauth2-tokenUrl').fill('https://auth.example.com/oauth/token');
    await a2a.getByTestId('a2a-oauth2-clientId').fill('switchboard');
    expect(await a2a.locator('.field-error').first().innerText()).toMatch(/^clientSecret: /);
    expect((await topology())!.spec.externalAgents.find((e) => e.a2a)!.a2a!.oauth2).toBeUndefined();
    await a2a.getByTestId('a2a-oauth2-clientSecret').fill('PARTNER_CLIENT_SECRET');
    await a2a.getByTestId('a2a-oauth2-scopes').fill('agents.call, travel.read');
    await page.waitForFunction(() => window.__switchboardTest!.topology()?.spec.externalAgents.find((e) => e.a2a)?.a2a?.oauth2?.scopes.length === 2);
    expect((await topology())!.spec.externalAgents.find((e) => e.a2a)!.a2a!.oauth2).toEqual({ tokenUrl: 'https://auth.example.com/oauth/token', clientId: 'switchboard', clientSecret: 'PARTNER_CLIENT_SECRET', scopes: ['agents.call', 'travel.read'] });
    expect(await a2a.locator('.field-error').count()).toBe(0);
    await a2a.scrollIntoViewIfNeeded();
    await workbench.screenshot('s8-ui-a2a-oauth2');
    await a2a.getByTestId('a2a-auth').selectOption('none');
    await page.waitForFunction(() => window.__switchboardTest!.topology()?.spec.externalAgents.find((e) => e.a2a)?.a2a?.oauth2 === undefined);

    await a2a.getByTestId('a2a-refresh').click();
    await a2a.getByTestId('a2a-refresh').filter({ hasText: 'Refresh card' }).waitFor();
    expect(await a2a.locator('[role=alert]').count()).toBe(0);
    expect(await a2a.getByTestId('a2a-skills').innerText()).toContain((await topology())!.spec.externalAgents.find((e) => e.a2a)!.a2a!.skills[0]!.name);
    expect(workbench.pageErrors).toEqual([]);
  });
});
