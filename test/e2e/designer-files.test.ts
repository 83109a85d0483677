// End to end: the designer's files, editors and export in headless Chromium against
// `switchboard serve` (its own data dir). New from the gallery, a prompt typed into Monaco, Save
// As, reload, open from the recent list; the YAML source and the canvas editing each other; every
// export format; a recovery copy after a page closed unsaved; a save refused over a file changed
// on disk. Screenshots go to test/e2e/artifacts/ (git-ignored).
import { readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { startWorkbench, type Workbench } from '../helpers/workbench.js';

const mod = process.platform === 'darwin' ? 'Meta' : 'Control';

describe('designer: files, editors and export', () => {
  let workbench: Workbench;
  let dataDir: string;
  let workDir: string;
  let page: Page;
  let origin: string;
  let pageErrors: string[];
  const requests: string[] = [];
  const sockets: string[] = [];
  const consoleProblems: string[] = [];
  let savedPath: string;

  /** A page of the shared context, recording errors. */
  const openPage = async () => {
    const next = await workbench.newPage();
    await next.getByTestId('menu-file').waitFor();
    return next;
  };
  const shot = (name: string, target: Page = page) => workbench.screenshot(`designer-${name}`, target);
  const runMenu = async (menu: string, command: string, target: Page = page) => {
    await target.getByTestId(`menu-${menu}`).click();
    await target.locator(`[data-command="${command}"]`).click();
  };
  const sourceEditor = (target: Page = page) => target.locator('[data-testid=source-view] .monaco-editor');
  /** Counts matches of `text` in the source editor with Monaco's own find widget (the model, not just the visible lines). */
  const countInSource = async (text: string, target: Page = page): Promise<number> => {
    await target.getByTestId('source-editor').click({ position: { x: 120, y: 80 } });
    await target.keyboard.press(`${mod}+KeyF`);
    const input = sourceEditor(target).locator('.find-widget textarea[aria-label=Find]');
    await input.fill(text);
    const counter = sourceEditor(target).locator('.find-widget .matchesCount');
    await expect.poll(async () => (await counter.textContent()) ?? '').toMatch(/No results|of \d+/);
    const label = (await counter.textContent()) ?? '';
    await target.keyboard.press('Escape');
    return /No results/.test(label) ? 0 : Number(/of (\d+)/.exec(label)?.[1] ?? 0);
  };
  /** Puts the source editor's cursor at the end of the first match of `text`. */
  const cursorAfter = async (text: string, target: Page = page) => {
    await target.getByTestId('source-editor').click({ position: { x: 120, y: 80 } });
    await target.keyboard.press(`${mod}+KeyF`);
    await sourceEditor(target).locator('.find-widget textarea[aria-label=Find]').fill(text);
    await target.keyboard.press('Enter');
    await target.keyboard.press('Escape'); // back in the text, the match selected
    await target.keyboard.press('ArrowRight'); // collapse to its end
  };
  const showSource = async (target: Page = page) => {
    await target.getByTestId('view-source').click();
    await sourceEditor(target).waitFor();
  };
  const titleOf = (target: Page = page) => target.getByTestId('document-title');
  const node = (name: string, target: Page = page): Locator => target.locator('.react-flow__node', { has: target.locator('.dnode-name', { hasText: new RegExp(`^${name}$`) }) });

  beforeAll(async () => {
    workDir = await makeTempDir('e2e-work');
    workbench = await startWorkbench({
      name: 'e2e-designer-files',
      prepare: async (context, pageOrigin) => {
        await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: pageOrigin });
        context.on('request', (request) => requests.push(request.url()));
      },
      onPage: (next) => {
        next.on('websocket', (ws) => sockets.push(ws.url()));
        next.on('console', (message) => ['error', 'warning'].includes(message.type()) && consoleProblems.push(message.text()));
      },
    });
    ({ dataDir, origin, pageErrors } = workbench);
    page = workbench.page;
    await page.getByTestId('menu-file').waitFor();
  });

  afterAll(async () => {
    if (workbench) expect(await workbench.close()).toBe(0);
    await removeTempDir(workDir);
  });

  it('creates a topology from the gallery, takes a prompt typed into Monaco, saves it, and opens it again after a reload', async () => {
    await expect.poll(() => page.title()).toBe('Switchboard');
    await runMenu('file', 'file.new');
    const gallery = page.getByTestId('new-dialog');
    await gallery.getByTestId('template-coordinator').locator('svg rect').first().waitFor();
    // Each template has its picture: one box per node of its layout.
    expect(await gallery.getByTestId('template-coordinator').locator('svg rect').count()).toBe(5);
    expect(await gallery.getByTestId('template-swarm').locator('svg rect').count()).toBe(6);
    await shot('new-gallery');
    await gallery.getByTestId('template-coordinator').click();
    await expect.poll(() => titleOf().textContent()).toBe('coordinator (untitled)');
    for (const name of ['coordinator', 'product_agent', 'order_agent', 'search_catalog', 'get_order_status']) await node(name).waitFor();

    // The coordinator's prompt, in the inspector's Monaco: completion after {{, then typing.
    await node('coordinator').click();
    const prompt = page.getByTestId('prompt-editor');
    await prompt.locator('.monaco-editor').waitFor();
    await prompt.locator('.view-lines').click();
    await page.keyboard.press(`${mod}+End`);
    await page.keyboard.type(' Answer in English. {{');
    const suggestions = page.locator('.suggest-widget .monaco-list-row');
    await suggestions.first().waitFor();
    const labels = await suggestions.allTextContents();
    expect(labels.join(' ')).toContain('agent_name');
    expect(labels.join(' ')).toContain('peers');
    await shot('prompt-completion');
    await page.keyboard.type('dat');
    await page.keyboard.press('Enter'); // completes {{date}}
    await page.keyboard.type(' {{nosuch}}');
    // An unknown variable is marked (it would render empty).
    await prompt.locator('.squiggly-warning').first().waitFor();
    await shot('prompt-unknown-variable');
    await expect.poll(() => titleOf().getAttribute('data-dirty')).toBe('true');
    await expect.poll(() => page.title()).toBe('● coordinator (untitled) — Switchboard');

    // Mod+S on an untitled document asks where to save it.
    // Mod+S from inside Monaco: app shortcuts are caught before the editor's own keys.
    await page.keyboard.press(`${mod}+KeyS`);
    savedPath = path.join(workDir, 'support', 'coordinator.yaml');
    await page.getByTestId('save-as-path').fill(savedPath);
    await shot('save-as');
    await page.getByTestId('save-as-dialog').getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByTestId('notice').filter({ hasText: `Saved ${savedPath}` }).waitFor();
    await expect.poll(() => page.title()).toBe('coordinator.yaml — Switchboard');
    const onDisk = readFileSync(savedPath, 'utf8');
    expect(onDisk).toContain('Answer in English. {{date}} {{nosuch}}');
    // Saved: the recovery copy is gone.
    await expect.poll(() => recoveryFiles().length).toBe(0);

    await page.reload();
    await page.getByTestId('menu-file').waitFor();
    await expect.poll(() => titleOf().textContent()).toBe('No topology open');
    await page.getByTestId('menu-file').click();
    await shot('file-menu-recent');
    await page.getByTestId('recent-file').filter({ hasText: 'coordinator.yaml' }).click();
    await expect.poll(() => titleOf().textContent()).toBe('coordinator.yaml');
    for (const name of ['coordinator', 'product_agent', 'order_agent', 'search_catalog', 'get_order_status']) await node(name).waitFor();
    expect(await page.locator('.react-flow__edge').count()).toBeGreaterThanOrEqual(2);
    await node('coordinator').click();
    // The end of the prompt, scrolled into the inspector's editor.
    await page.getByTestId('prompt-editor').locator('.view-lines').click();
    await page.keyboard.press(`${mod}+End`);
    await page.getByTestId('prompt-editor').locator('.view-lines').filter({ hasText: /Answer\s+in\s+English\./ }).waitFor();
    await showSource();
    expect(await countInSource('Answer in English. {{date}} {{nosuch}}')).toBe(1);
    expect(pageErrors).toEqual([]);
  });

  it('shows YAML edits on the canvas, and canvas edits in the YAML without moving the cursor', async () => {
    await showSource();
    // Source → canvas: two replicas become three, typed with the help of completion (words of
    // the file, computed in Monaco's editor worker).
    await cursorAfter('replicas: 2');
    await page.keyboard.press('Shift+Home');
    await page.keyboard.type('repl');
    await page.keyboard.press('Control+Space');
    await sourceEditor().locator('.suggest-widget .monaco-list-row', { hasText: 'replicas' }).first().waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.type('icas: 3');
    await page.getByTestId('view-design').click();
    await node('product_agent').locator('.replicas', { hasText: '×3' }).waitFor();

    // An invalid edit: marked in the editor and counted, the canvas keeps the last valid state.
    await showSource();
    await cursorAfter('replicas: 3');
    await page.keyboard.type('x');
    await page.getByTestId('source-status').getByText(/1 error/).waitFor();
    await sourceEditor().locator('.squiggly-error').first().waitFor();
    await shot('source-invalid');
    await page.keyboard.press('Backspace');
    await expect.poll(() => page.getByTestId('source-status').getByText(/error/).count()).toBe(0);

    // Canvas → source: the cursor sits below the edited place; a nudge on the canvas changes the
    // coordinator's x above it, and typing afterwards lands where the cursor was.
    expect(await countInSource('x: 80')).toBe(1);
    await cursorAfter('get_order_status:');
    await page.getByTestId('view-design').click();
    await node('coordinator').click();
    await page.keyboard.press('ArrowRight');
    await showSource(); // focuses the editor, its cursor where it was
    await page.keyboard.type(' # kept');
    expect(await countInSource('x: 80')).toBe(0);
    expect(await countInSource('get_order_status: # kept')).toBe(1);
    await shot('source-after-canvas-edit');
    // The editor's own undo history survived the canvas edit.
    await page.keyboard.press(`${mod}+KeyZ`);
    expect(await countInSource('# kept')).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('exports every format with a preview, copies, and writes nats-conf to a folder with private seeds', async () => {
    await page.getByTestId('view-design').click();
    await page.keyboard.press(`${mod}+KeyE`);
    const dialog = page.getByTestId('export-dialog');
    const content = dialog.getByTestId('export-content');
    const expected: Record<string, RegExp[]> = {
      yaml: [/^apiVersion: switchboard\.dev\/v1/, /name: coordinator/],
      json: [/"apiVersion": "switchboard\.dev\/v1"/, /"name": "product_agent"/],
      mermaid: [/^(flowchart|graph) /, /product_agent/],
      'nats-conf': [/authorization/, /nkey: "U[A-Z0-9]{55}"/],
      compose: [/services:/, /nats/],
    };
    for (const [format, patterns] of Object.entries(expected)) {
      await dialog.getByTestId(`export-format-${format}`).click();
      await dialog.locator(`[data-testid=export-preview][data-state=ready]`).waitFor();
      const text = (await content.textContent()) ?? '';
      for (const pattern of patterns) expect(text, format).toMatch(pattern);
      if (format === 'nats-conf') {
        // Seeds are listed but never shown.
        const secret = dialog.getByTestId('export-file').filter({ hasText: 'coordinator.nk' });
        await secret.click();
        await dialog.getByTestId('export-secret').waitFor();
        expect(await dialog.getByTestId('export-copy').isDisabled()).toBe(true);
        await shot('export-nats-conf-secret');
        await dialog.getByTestId('export-file').first().click();
      }
    }
    await dialog.getByTestId('export-format-yaml').click();
    await dialog.getByTestId('export-copy').click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await content.textContent());

    await dialog.getByTestId('export-format-nats-conf').click();
    await dialog.locator(`[data-testid=export-preview][data-state=ready]`).waitFor();
    await shot('export-nats-conf');
    const folder = path.join(workDir, 'nats');
    await dialog.getByTestId('export-folder').fill(folder);
    await dialog.getByTestId('export-write').click();
    await dialog.getByTestId('export-written').filter({ hasText: `to ${folder}` }).waitFor();
    const written = readdirSync(folder).sort();
    expect(written).toEqual(['coordinator.nk', 'nats-server.conf', 'order_agent.nk', 'product_agent.nk', 'switchboard.nk']);
    for (const file of written.filter((f) => f.endsWith('.nk'))) {
      expect(statSync(path.join(folder, file)).mode & 0o777).toBe(0o600);
      expect(readFileSync(path.join(folder, file), 'utf8')).toMatch(/^SU[A-Z0-9]+/);
    }
    expect(readFileSync(path.join(folder, 'nats-server.conf'), 'utf8')).toContain('authorization');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(pageErrors).toEqual([]);
  });

  it('refuses to save over a file changed on disk, and offers reload or save as', async () => {
    // The document has unsaved edits (replicas: 3, the nudge); the file changes behind its back.
    await expect.poll(() => titleOf().getAttribute('data-dirty')).toBe('true');
    const changed = readFileSync(savedPath, 'utf8').replace('name: coordinator\n', 'name: changed-on-disk\n');
    writeFileSync(savedPath, changed);
    const later = new Date(Date.now() + 5000);
    utimesSync(savedPath, later, later);

    await page.keyboard.press(`${mod}+KeyS`);
    const dialog = page.getByTestId('conflict-dialog');
    await dialog.getByTestId('conflict-message').filter({ hasText: 'changed on disk' }).waitFor();
    await shot('save-conflict');
    expect(readFileSync(savedPath, 'utf8')).toBe(changed);
    // Save As offers the same path; writing over an existing file asks first.
    await dialog.getByTestId('conflict-save-as').click();
    expect(await page.getByTestId('save-as-path').inputValue()).toBe(savedPath);
    await page.getByTestId('save-as-dialog').getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByTestId('replace-dialog').getByText('already exists').waitFor();
    expect(readFileSync(savedPath, 'utf8')).toBe(changed);
    await page.getByTestId('replace-dialog').getByRole('button', { name: 'Choose another path' }).click();
    await page.getByTestId('save-as-dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press(`${mod}+KeyS`);
    await page.getByTestId('conflict-reload').click();
    await expect.poll(() => titleOf().getAttribute('data-dirty')).toBe('false');
    await showSource();
    expect(await countInSource('name: changed-on-disk')).toBe(1);
    expect(pageErrors).toEqual([]);
  });

  it('shows a file from a newer Switchboard read-only, with Save off', async () => {
    const newer = path.join(workDir, 'newer.yaml');
    writeFileSync(newer, readFileSync(savedPath, 'utf8').replace('apiVersion: switchboard.dev/v1', 'apiVersion: switchboard.dev/v2'));
    await runMenu('file', 'file.open');
    await page.getByTestId('open-path').fill(newer);
    await shot('open-dialog');
    await page.getByTestId('open-dialog').getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByTestId('readonly-banner').waitFor();
    await page.getByTestId('menu-file').click();
    expect(await page.locator('[data-command="file.save"]').isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    // Mod+S does nothing (and the browser's own "Save page" does not open either).
    await page.keyboard.press(`${mod}+KeyS`);
    expect(await page.getByTestId('save-as-dialog').count()).toBe(0);
    await shot('read-only');
    expect(readFileSync(newer, 'utf8')).toContain('switchboard.dev/v2');
  });

  it("opens a file from the browser's file picker as an untitled document", async () => {
    await runMenu('file', 'file.open');
    await page.getByTestId('open-picker').setInputFiles(savedPath);
    await expect.poll(() => titleOf().textContent()).toBe('●changed-on-disk (untitled)');
    expect(await page.getByTestId('readonly-banner').count()).toBe(0);
    // Untitled: Save asks for a path.
    await page.keyboard.press(`${mod}+KeyS`);
    await page.getByTestId('save-as-dialog').waitFor();
    await page.keyboard.press('Escape');
  });

  it('offers the recovery copy of a page closed without saving', async () => {
    // A page left unsaved by an earlier test autosaves a moment after its last edit, and a new page
    // offers that copy too: let it land first, so the offer on the new page is certain, then put it off.
    if ((await page.title()).startsWith('●')) await expect.poll(() => recoveryFiles().length, { timeout: 10_000 }).toBeGreaterThan(0);
    const offeredAtStart = recoveryFiles().length > 0;
    const first = await openPage();
    if (offeredAtStart) await first.getByTestId('recovery-dialog').getByRole('button', { name: 'Later' }).click();
    await first.getByTestId('menu-file').click();
    await first.locator('[data-command="file.new"]').click();
    // The previous page's document is unsaved here only if it was dirty; this page starts empty.
    await first.getByTestId('template-seed-000-trio').click();
    await showSource(first);
    await cursorAfter('name: seed-000-trio', first);
    await first.keyboard.type('-recovered');
    await expect.poll(() => first.title()).toBe('● seed-000-trio-recovered (untitled) — Switchboard');
    // Autosave writes the copy a moment after the last edit.
    await expect.poll(() => recoveryTexts().some((t) => t.includes('seed-000-trio-recovered')), { timeout: 10_000 }).toBe(true);
    await first.close(); // no beforeunload, no save: like a crash

    const second = await openPage();
    const offer = second.getByTestId('recovery-dialog');
    const item = offer.getByTestId('recovery-item').filter({ hasText: 'seed-000-trio-recovered (untitled)' });
    await item.waitFor();
    await shot('recovery-offer', second);
    await item.getByTestId('recovery-restore').click();
    await expect.poll(() => titleOf(second).textContent()).toBe('●seed-000-trio-recovered (untitled)');
    await expect.poll(() => second.title()).toBe('● seed-000-trio-recovered (untitled) — Switchboard');
    await second.close();
    expect(pageErrors).toEqual([]);
  });

  it('loads everything from the serving origin: no request leaves 127.0.0.1', () => {
    expect(requests.length).toBeGreaterThan(5);
    const foreign = requests.filter((url) => new URL(url).origin !== origin);
    expect(foreign).toEqual([]);
    const wsOrigin = origin.replace(/^http/, 'ws');
    expect(sockets.filter((url) => !url.startsWith(`${wsOrigin}/`))).toEqual([]);
    // Monaco and its editor worker came from the app itself, and the worker started (no fallback
    // to the main thread, which Monaco reports on the console).
    expect(requests.some((url) => /\/assets\/editor\.worker-[^/]*\.js$/.test(url))).toBe(true);
    expect(consoleProblems.filter((text) => /worker|Content Security Policy/i.test(text))).toEqual([]);
  });

  function recoveryFiles(): string[] {
    try {
      return readdirSync(path.join(dataDir, 'recovery')).filter((f) => f.endsWith('.json'));
    } catch {
      return [];
    }
  }
  function recoveryTexts(): string[] {
    return recoveryFiles().map((f) => readFileSync(path.join(dataDir, 'recovery', f), 'utf8'));
  }
});
