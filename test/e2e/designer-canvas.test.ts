// End to end: the designer canvas in headless Chromium against `switchboard serve`. A topology is
// built from scratch with the mouse and keyboard; templates are opened through the `?test` hook
// (the page installs it only when its URL asks). Screenshots go to test/e2e/artifacts/.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { Topology } from '../../agents/topology/schema.js';
// The page's `window.__switchboardTest` (installed with `?test`), for typing only.
import type {} from '../../renderer/src/design/test-hook.js';
import { startWorkbench, type Workbench } from '../helpers/workbench.js';

const mod = process.platform === 'darwin' ? 'Meta' : 'Control';

describe('the designer canvas', () => {
  let workbench: Workbench;
  let page: Page;
  let pageErrors: string[];

  const topology = () => page.evaluate(() => window.__switchboardTest!.topology()) as Promise<Topology>;
  const selection = () => page.evaluate(() => window.__switchboardTest!.selection());
  const canvas = () => page.getByTestId('designer-canvas');
  const node = (name: string) => page.locator(`.react-flow__node[data-id="${name}"]`);
  const handle = (name: string, type: 'source' | 'target') => node(name).locator(`.react-flow__handle.${type}`);

  /** Waits until the canvas has been redrawn at its current zoom (it is a layer scaled between redraws). */
  async function sharp(): Promise<void> {
    await page.waitForFunction(() => {
      const zoom = /scale\(([\d.]+)\)/.exec(document.querySelector<HTMLElement>('.react-flow__viewport')!.style.transform)?.[1];
      const drawn = document.querySelector<HTMLElement>('.designer-canvas')!.dataset['drawnZoom'];
      return zoom !== undefined && Math.abs(Number(zoom) - Number(drawn ?? 1)) < 1e-4;
    });
  }

  /** Drags a palette item onto the canvas at (x, y) from the canvas's top-left corner. */
  async function dropFromPalette(kind: string, x: number, y: number): Promise<void> {
    await page.getByTestId(`palette-${kind}`).dragTo(canvas(), { targetPosition: { x, y } });
  }

  /** Presses the mouse on `from` and releases it on `to`, moving in steps as a hand would. */
  async function drawLine(from: Locator, to: Locator): Promise<void> {
    const a = (await from.boundingBox())!;
    const b = (await to.boundingBox())!;
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2 + 20, { steps: 5 });
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
    await page.mouse.up();
  }

  beforeAll(async () => {
    workbench = await startWorkbench({ name: 'e2e-designer', testHook: true });
    ({ page, pageErrors } = workbench);
    await page.waitForFunction(() => window.__switchboardTest !== undefined);
  });

  afterAll(async () => {
    if (workbench) expect(await workbench.close()).toBe(0);
  });

  it('builds a topology from scratch by dragging from the palette and connecting handles', async () => {
    await dropFromPalette('agent', 120, 160);
    await dropFromPalette('agent', 480, 120);
    await dropFromPalette('tool', 820, 120);
    await dropFromPalette('blackboard', 480, 380);
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(4);
    let t = await topology();
    expect(t.spec.agents.map((a) => a.name)).toEqual(['agent_1', 'agent_2']);
    expect(t.spec.tools.map((x) => x.name)).toEqual(['tool_1']);
    // Dropped where the pointer let go, snapped to the grid.
    expect(t.layout.nodes['agent_1']!.x % 20).toBe(0);

    // Handle to handle: agents talk by request unless another kind is picked.
    await drawLine(handle('agent_1', 'source'), handle('agent_2', 'target'));
    await expect.poll(async () => (await topology()).spec.edges).toEqual([{ from: 'agent_1', to: 'agent_2', kind: 'request' }]);
    const popover = page.getByTestId('connect-popover');
    await popover.waitFor();
    expect(await popover.locator('button').allTextContents()).toEqual(['Request', 'Direct message', 'Handoff', 'Broadcast', 'Subscribe']);
    await popover.locator('button[data-kind=handoff]').click();
    await expect.poll(async () => (await topology()).spec.edges).toEqual([{ from: 'agent_1', to: 'agent_2', kind: 'handoff' }]);
    await page.keyboard.press('Escape');
    // Closed before the next line is drawn: an Escape handled during a drag would cancel that drag.
    await popover.waitFor({ state: 'detached' });

    // Dropped on a node's body (not its handle) it connects too; an agent → tool line grants the tool.
    await drawLine(handle('agent_2', 'source'), node('tool_1').locator('.dnode-name'));
    await expect.poll(async () => (await topology()).spec.agents[1]!.tools).toEqual(['tool_1']);
    await drawLine(handle('agent_1', 'source'), node('blackboard_1'));
    await expect.poll(async () => (await topology()).spec.agents[0]!.blackboards).toEqual(['blackboard_1']);

    // A line that means nothing is refused, and the canvas says why.
    await drawLine(handle('blackboard_1', 'source'), node('tool_1'));
    await expect.poll(() => page.getByTestId('canvas-notice').textContent()).toMatch(/Only agents this topology starts can watch a blackboard/);
    t = await topology();
    expect(t.spec.edges).toHaveLength(1);
    expect(await page.locator('.react-flow__edge').count()).toBe(3);
    expect(pageErrors).toEqual([]);
  });

  it('renames a node from the inspector, and its lines follow', async () => {
    await node('agent_1').click();
    const name = page.getByTestId('node-inspector').getByTestId('field-name').locator('input');
    await name.fill('planner');
    await name.press('Enter');
    await node('planner').waitFor();
    const t = await topology();
    expect(t.spec.edges[0]).toMatchObject({ from: 'planner', to: 'agent_2' });
    expect(t.layout.nodes).toHaveProperty('planner');
    // An invalid name is refused inline and changes nothing.
    await name.fill('no spaces');
    await expect.poll(() => page.getByTestId('field-name').locator('.field-error').textContent()).toMatch(/subject token/);
    await name.press('Escape');
    expect((await topology()).spec.agents[0]!.name).toBe('planner');
  });

  it('marks an invalid line on the canvas and lists it in Problems, which jumps to it', async () => {
    await dropFromPalette('external', 820, 300);
    await drawLine(handle('planner', 'source'), handle('external_agent_1', 'target'));
    await expect.poll(async () => (await topology()).spec.edges.at(-1)).toEqual({ from: 'planner', to: 'external_agent_1', kind: 'request' });
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('problem-count').count()).toBe(0);

    // The external agent stops answering requests: the request line to it is now an error.
    await node('external_agent_1').click();
    await page.getByTestId('node-inspector').getByTestId('field-answers').locator('input').uncheck();
    const invalid = page.locator('.react-flow__edge .line-invalid');
    await invalid.waitFor();
    expect(await invalid.getAttribute('data-kind')).toBe('request');
    expect(await page.getByTestId('problem-count').textContent()).toBe('1');

    await page.getByTestId('tab-problems').click();
    const row = page.getByTestId('problem-row');
    expect(await row.textContent()).toMatch(/External agent "external_agent_1" is declared as not answering requests/);
    await row.click();
    await expect.poll(selection).toEqual({ nodes: [], edges: ['request:planner->external_agent_1'] });
    await page.getByTestId('line-inspector').getByTestId('field-problem').waitFor();
    await workbench.screenshot('canvas-invalid-line');
  });

  it('undoes and redoes a sequence of edits made with the keyboard', async () => {
    const states: Topology[] = [await topology()];
    await node('tool_1').click();
    await page.keyboard.press('Delete');
    await expect.poll(async () => (await topology()).spec.tools).toEqual([]);
    // The tool went, and so did the agent's grant of it.
    expect((await topology()).spec.agents[1]!.tools).toEqual([]);
    states.push(await topology());

    await node('agent_2').click();
    await page.keyboard.press(`${mod}+d`);
    await expect.poll(async () => (await topology()).spec.agents.map((a) => a.name)).toEqual(['planner', 'agent_2', 'agent_3']);
    states.push(await topology());

    const before = (await topology()).layout.nodes['agent_3']!;
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('ArrowDown');
    await expect.poll(async () => (await topology()).layout.nodes['agent_3']).toEqual({ x: before.x + 20, y: before.y + 2 });
    states.push(await topology());

    for (const expected of [states[2], states[1], states[0]]) {
      await page.keyboard.press(`${mod}+z`);
      await expect.poll(topology).toEqual(expected);
    }
    await page.keyboard.press(`${mod}+Shift+z`);
    await expect.poll(topology).toEqual(states[1]);
    await page.keyboard.press(`${mod}+y`);
    await expect.poll(topology).toEqual(states[2]);
    await page.getByRole('button', { name: /^Redo/ }).click();
    await expect.poll(topology).toEqual(states[3]);
  });

  it('multi-selects with Shift (clicks and a box), then copies and pastes', async () => {
    const background = () => page.locator('.react-flow__pane').click({ position: { x: 300, y: 560 } });
    await background();
    await expect.poll(selection).toEqual({ nodes: [], edges: [] });
    await page.keyboard.down('Shift');
    await node('planner').click();
    await node('agent_2').click();
    await page.keyboard.up('Shift');
    await expect.poll(async () => (await selection()).nodes.sort()).toEqual(['agent_2', 'planner']);
    await page.getByTestId('selection-summary').waitFor();

    await page.keyboard.press(`${mod}+c`);
    await page.keyboard.press(`${mod}+v`);
    await expect.poll(async () => (await topology()).spec.agents.map((a) => a.name)).toEqual(['planner', 'agent_2', 'agent_3', 'planner_2', 'agent_4']);
    // The line between the copies came along; the pasted nodes are the selection.
    expect((await topology()).spec.edges).toContainEqual({ from: 'planner_2', to: 'agent_4', kind: 'handoff' });
    expect((await selection()).nodes.sort()).toEqual(['agent_4', 'planner_2']);
    await page.keyboard.press(`${mod}+z`);
    await expect.poll(async () => (await topology()).spec.agents).toHaveLength(3);

    // Shift and drag on the background draws a selection box.
    await background();
    const a = (await node('planner').boundingBox())!;
    const b = (await node('agent_2').boundingBox())!;
    await page.keyboard.down('Shift');
    await page.mouse.move(Math.min(a.x, b.x) - 15, Math.min(a.y, b.y) - 15);
    await page.mouse.down();
    await page.mouse.move(Math.max(a.x + a.width, b.x + b.width) + 15, Math.max(a.y + a.height, b.y + b.height) + 15, { steps: 8 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await expect.poll(async () => (await selection()).nodes).toEqual(expect.arrayContaining(['planner', 'agent_2']));
  });

  it('lays the graph out in a worker, as one undoable step', async () => {
    const positions = Object.values((await topology()).layout.nodes);
    await page.getByRole('button', { name: 'Auto-layout' }).click();
    await expect.poll(() => page.evaluate(() => window.__switchboardTest!.history().at(-1))).toBe('Auto-layout');
    const laidOut = (await topology()).layout.nodes;
    expect(Object.values(laidOut)).not.toEqual(positions);
    // No two nodes overlap once drawn.
    const boxes = await page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) expect(a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top).toBe(true);
    }
    await sharp();
    await workbench.screenshot('canvas-from-scratch');
  });

  it('runs commands from the palette (Mod+K)', async () => {
    await canvas().focus();
    await page.keyboard.press(`${mod}+k`);
    const palette = page.getByTestId('command-palette');
    await palette.waitFor();
    await page.keyboard.type('selall');
    expect(await palette.locator('.command-item-active .command-label').textContent()).toBe('Select all');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await selection()).nodes.length).toBe((await topology()).spec.agents.length + 2);
    expect(await palette.count()).toBe(0);
  });

  for (const name of ['coordinator', 'swarm']) {
    it(`shows the ${name} template`, async () => {
      const text = readFileSync(path.resolve('templates', `${name}.yaml`), 'utf8');
      const opened = await page.evaluate((t) => window.__switchboardTest!.open(t, 'template.yaml'), text);
      expect(opened.ok).toBe(true);
      const t = await topology();
      const count = t.spec.agents.length + t.spec.tools.length + t.spec.blackboards.length;
      await expect.poll(() => page.locator('.react-flow__node').count(), { message: pageErrors.join('\n') }).toBe(count);
      await expect.poll(() => page.locator('.react-flow__minimap-node').count()).toBe(count);
      expect(await page.locator('.react-flow__edge .line-invalid').count()).toBe(0);
      await page.mouse.move(5, 5);
      await sharp();
      await workbench.screenshot(`canvas-${name}`);
      expect(pageErrors).toEqual([]);
    });
  }
});
