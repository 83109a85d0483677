// End to end: File → Open of files that cannot be topologies, in headless Chromium against
// `switchboard serve`. 10 MB of noise by path and a binary file from the browser's picker are
// refused in the dialog with a short FILE[:LINE:COL] error; the open document stays as it was and
// the files on disk are untouched. Screenshots go to test/e2e/artifacts/ (git-ignored).
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { startWorkbench, type Workbench } from '../helpers/workbench.js';

describe('File → Open of a bad file', () => {
  let workbench: Workbench;
  let workDir: string;
  let page: Page;

  const fingerprint = (file: string) => `${createHash('sha256').update(readFileSync(file)).digest('hex')} ${statSync(file).mtimeMs}`;
  const title = () => page.getByTestId('document-title').textContent();
  const openDialog = async () => {
    await page.getByTestId('menu-file').click();
    await page.locator('[data-command="file.open"]').click();
    await page.getByTestId('open-dialog').waitFor();
  };

  beforeAll(async () => {
    workDir = await makeTempDir('e2e-bad-open');
    workbench = await startWorkbench({ name: 'e2e-bad-open' });
    page = workbench.page;
    await page.getByTestId('menu-file').waitFor();
  });

  afterAll(async () => {
    try {
      if (workbench) expect(await workbench.close()).toBe(0);
    } finally {
      await removeTempDir(workDir); // 10 MB of noise: removed even when serve did not exit cleanly
    }
  });

  it('refuses 10 MB of noise by path with a short error, and keeps the open document', async () => {
    // A document to keep: the trio from the gallery.
    await page.getByTestId('menu-file').click();
    await page.locator('[data-command="file.new"]').click();
    await page.getByTestId('template-seed-000-trio').click();
    await expect.poll(title).toBe('seed-000-trio (untitled)');
    const noise = path.join(workDir, 'noise.yaml');
    writeFileSync(noise, randomBytes(10 * 1024 * 1024));
    const before = fingerprint(noise);
    await openDialog();
    await page.getByTestId('open-path').fill(noise);
    await page.getByTestId('open-dialog').getByRole('button', { name: 'Open', exact: true }).click();
    const error = page.getByTestId('open-error');
    await error.waitFor();
    const text = (await error.textContent()) ?? '';
    expect(text).toBe(`${noise}: error: The file is 10 MiB, too big for a topology (at most 5 MiB): it was not read.`);
    await workbench.screenshot('open-bad-file-noise');
    await page.keyboard.press('Escape');
    expect(await title()).toBe('seed-000-trio (untitled)');
    expect(await page.locator('.react-flow__node').count()).toBeGreaterThanOrEqual(3);
    expect(fingerprint(noise)).toBe(before);
  });

  it('refuses a binary file by path and from the picker with its line and column, and keeps the open document', async () => {
    const binary = path.join(workDir, 'binary.yaml');
    writeFileSync(binary, Buffer.concat([Buffer.from('apiVersion: switchboard.dev/v1\nkind: '), randomBytes(64 * 1024), Buffer.from([0])]));
    const before = fingerprint(binary);
    await openDialog();
    await page.getByTestId('open-path').fill(binary);
    await page.getByTestId('open-dialog').getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(async () => (await page.getByTestId('open-error').textContent()) ?? '').toMatch(new RegExp(`^${binary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: error: Not (a text file|UTF-8 text)`));
    await page.keyboard.press('Escape');

    const nul = path.join(workDir, 'nul.yaml');
    writeFileSync(nul, 'apiVersion: switchboard.dev/v1\nkind: Topo\u0000logy\n');
    await openDialog();
    await page.getByTestId('open-picker').setInputFiles(nul);
    await expect.poll(async () => (await page.getByTestId('open-error').textContent()) ?? '').toBe('nul.yaml:2:11: error: Not a text file: it holds a NUL byte (binary data?), so it cannot be a topology.');
    await workbench.screenshot('open-bad-file-picked');
    await page.keyboard.press('Escape');
    expect(await title()).toBe('seed-000-trio (untitled)');
    expect(fingerprint(binary)).toBe(before);
    expect(workbench.pageErrors).toEqual([]);
  });
});
