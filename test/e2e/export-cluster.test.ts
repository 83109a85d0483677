// End to end: the Export dialog's "Cluster nodes" choice. For nats-conf and compose the preview
// becomes a config per node (and the shared users file; the route credentials listed as a secret,
// never shown), "Write files" writes the cluster with its secrets 0600, and formats that do not
// run nats-server offer no choice. Screenshots go to test/e2e/artifacts/ (and the notes' shots).
import { copyFileSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { artifactsDir, startWorkbench, type Workbench } from '../helpers/workbench.js';

const mod = process.platform === 'darwin' ? 'Meta' : 'Control';
/** Where the session's notes keep screenshots for review, when that folder exists. */
const notesShots = '/work/notes/shots';

describe('export dialog: cluster nodes', () => {
  let workDir: string;
  let workbench: Workbench;

  const shot = async (name: string) => {
    await workbench.screenshot(`export-cluster-${name}`);
    if (statSync('/work/notes', { throwIfNoEntry: false })?.isDirectory()) {
      mkdirSync(notesShots, { recursive: true });
      copyFileSync(path.join(artifactsDir, `export-cluster-${name}.png`), path.join(notesShots, `s5-export-${name}.png`));
    }
  };

  beforeAll(async () => {
    workDir = await makeTempDir('export-cluster');
    const file = path.join(workDir, 'desk.yaml');
    writeFileSync(file, readFileSync('templates/coordinator.yaml', 'utf8'));
    workbench = await startWorkbench({ name: 'export-cluster', serveArgs: [file] });
  });

  afterAll(async () => {
    await workbench?.close();
    await removeTempDir(workDir);
  });

  it('previews and writes a 3-node nats-conf and compose', async () => {
    const { page } = workbench;
    await page.locator('.react-flow__node[data-id="coordinator"]').waitFor();
    await page.keyboard.press(`${mod}+KeyE`);
    const dialog = page.getByTestId('export-dialog');
    const nodes = dialog.getByTestId('export-cluster-nodes');
    const ready = dialog.locator('[data-testid=export-preview][data-state=ready]');
    const fileNames = async () => (await dialog.getByTestId('export-file').allTextContents()).map((t) => t.trim());

    // YAML does not run a server: no choice.
    await ready.waitFor();
    expect(await nodes.count()).toBe(0);

    await dialog.getByTestId('export-format-nats-conf').click();
    expect(await nodes.inputValue()).toBe('1');
    await ready.waitFor();
    expect(await fileNames()).toContain('nats-server.conf');
    await nodes.selectOption('3');
    await expect.poll(fileNames).toEqual(expect.arrayContaining(['nats-1.conf', 'nats-2.conf', 'nats-3.conf', 'nats-users.conf', 'nats-routes.conf']));
    expect(await fileNames()).not.toContain('nats-server.conf');
    const content = dialog.getByTestId('export-content');
    expect(await content.textContent()).toContain('server_name: "nats-1"');
    await shot('nats-conf');
    // The route password is a secret: listed, never shown.
    await dialog.getByTestId('export-file').filter({ hasText: 'nats-routes.conf' }).click();
    await dialog.getByTestId('export-secret').waitFor();

    const folder = path.join(workDir, 'cluster');
    await dialog.getByTestId('export-folder').fill(folder);
    await dialog.getByTestId('export-write').click();
    await dialog.getByTestId('export-written').filter({ hasText: `to ${folder}` }).waitFor();
    const written = readdirSync(folder).sort();
    expect(written).toEqual(expect.arrayContaining(['nats-1.conf', 'nats-2.conf', 'nats-3.conf', 'nats-users.conf', 'nats-routes.conf', 'coordinator.nk', 'switchboard.nk']));
    expect(statSync(path.join(folder, 'nats-routes.conf')).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(folder, 'nats-routes.conf'), 'utf8')).toMatch(/password: "[A-Za-z0-9_-]{32}"/);

    // The choice stays for compose: a service per node.
    await dialog.getByTestId('export-format-compose').click();
    expect(await nodes.inputValue()).toBe('3');
    await expect.poll(async () => (await content.textContent()) ?? '').toContain('nats-3:');
    await shot('compose');
    await nodes.selectOption('1');
    await expect.poll(fileNames).toContain('nats-server.conf');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(workbench.pageErrors).toEqual([]);
  });
});
