// End to end: `switchboard serve FILE` opens FILE in the page (the same hand-over a double-click on
// a .switchboard file uses in the app: host.requestOpen, file.takeOpenRequest, the files store's
// open; taken once: test/unit/files-open-request.test.ts). A missing FILE stops serve at once with why.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { startWorkbench, type Workbench } from '../helpers/workbench.js';

describe('serve FILE', () => {
  let workDir: string;
  let file: string;
  let workbench: Workbench;

  beforeAll(async () => {
    workDir = await makeTempDir('open-file');
    // Its own extension with YAML inside (the page starts with no document: its nodes are FILE's).
    file = path.join(workDir, 'desk.switchboard');
    writeFileSync(file, readFileSync('templates/coordinator.yaml', 'utf8'));
    workbench = await startWorkbench({ name: 'open-file', serveArgs: [file] });
  });

  afterAll(async () => {
    await workbench?.close();
    await removeTempDir(workDir);
  });

  it("shows FILE's topology when the page loads, as an opened (saved) file", async () => {
    const { page } = workbench;
    const title = page.getByTestId('document-title');
    await expect.poll(() => title.getAttribute('title')).toBe(file);
    await expect.poll(() => title.getAttribute('data-dirty')).toBe('false');
    await expect.poll(() => title.textContent()).toContain('desk.switchboard');
    await page.locator('.react-flow__node[data-id="coordinator"]').waitFor();
    await workbench.screenshot('open-file-serve');
    expect(workbench.pageErrors).toEqual([]);
  });

  it('stops with exit 2 and the reason when FILE cannot be read', async () => {
    const missing = path.join(workDir, 'nope.switchboard');
    const outcome = await runCli(['serve', '--data-dir', path.join(workDir, 'data'), missing]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(`switchboard serve: cannot open ${missing}: no such file.`);
    const twoFiles = await runCli(['serve', '--data-dir', path.join(workDir, 'data'), file, file]);
    expect(twoFiles.code).toBe(2);
    expect(twoFiles.stderr).toMatch(/one FILE at most/);
  });
});
