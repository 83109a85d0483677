// The Content-Security-Policy the host sends, checked where it matters: every view of the workbench
// (the Design canvas, Source in Monaco, the Trace table, its sequence diagram and Mermaid export, the
// Metrics charts, the four Debug tabs, the topology's Mermaid export) is driven in Chromium under the
// policy `serve` sends, and the page must report no `securitypolicyviolation` and no console error.
// A library that starts injecting something the policy refuses fails here, not in a user's window.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrioExample, startReadyWorkbench } from '../helpers/trio-run.js';
import type { Workbench } from '../helpers/workbench.js';

/** One CSP violation as the page saw it. */
interface Violation {
  directive: string;
  blocked: string;
  sample: string;
  source: string;
}

declare global {
  interface Window {
    __cspViolations?: Violation[];
  }
}

describe('the content security policy', () => {
  let workbench: Workbench;
  let page: Page;
  const consoleErrors: string[] = [];
  let policy = '';

  beforeAll(async () => {
    workbench = await startReadyWorkbench({
      name: 'e2e-csp',
      onPage: (next) => {
        // Registered before any of the page's own scripts, so nothing it does goes unseen.
        void next.addInitScript(() => {
          window.__cspViolations = [];
          document.addEventListener('securitypolicyviolation', (e) => {
            window.__cspViolations!.push({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample, source: `${e.sourceFile}:${e.lineNumber}` });
          });
        });
        next.on('console', (message) => {
          if (message.type() === 'error') consoleErrors.push(message.text());
        });
        next.on('response', (response) => {
          const header = response.headers()['content-security-policy'];
          if (header && response.request().resourceType() === 'document') policy = header;
        });
      },
    });
    ({ page } = workbench);
  });

  afterAll(async () => {
    await workbench?.close();
  });

  /** What the page reported since the last call, as `step: directive blocked (sample) at source` lines. */
  const taken: string[] = [];
  const take = async (step: string) => {
    const violations = await page.evaluate(() => window.__cspViolations!.splice(0));
    taken.push(...violations.map((v) => `${step}: ${v.directive} blocked ${v.blocked || 'inline'} (${v.sample.slice(0, 60)}) at ${v.source}`));
    taken.push(...consoleErrors.splice(0).map((text) => `${step}: console error: ${text.slice(0, 200)}`));
  };

  it('is strict for scripts and objects', async () => {
    await take('load');
    expect(policy).toContain("script-src 'self'");
    const scripts = /script-src ([^;]*)/.exec(policy)?.[1] ?? '';
    expect(scripts).not.toMatch(/unsafe-inline|unsafe-eval|\*|data:|blob:/);
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("frame-ancestors 'none'");
  });

  it('is not violated by any view', async () => {
    await runTrioExample(page);
    await page.locator('.react-flow__node').first().waitFor();
    await take('design canvas');
    await workbench.screenshot('csp-design');

    await page.getByTestId('view-source').click();
    await page.locator('[data-testid=source-view] .monaco-editor .view-line').first().waitFor();
    await take('source (Monaco)');
    await workbench.screenshot('csp-source');

    await page.getByTestId('view-trace').click();
    await page.getByTestId('trace-view').waitFor();
    await page.locator('[data-testid=trace-table] [role=row]').first().waitFor();
    await take('trace table');
    await page.getByTestId('trace-mode-sequence').click();
    await page.locator('[data-testid=sequence-rows] .sequence-row').first().waitFor();
    await take('trace sequence');
    await workbench.screenshot('csp-sequence');
    await page.getByTestId('sequence-export').click();
    const sequenceExport = page.getByTestId('sequence-export-dialog');
    await sequenceExport.locator('[data-testid=mermaid-rendered][data-state=ready] svg').waitFor();
    await take('sequence export (mermaid)');
    await workbench.screenshot('csp-sequence-export');
    await page.keyboard.press('Escape');
    await sequenceExport.waitFor({ state: 'detached' });

    await page.getByTestId('view-metrics').click();
    await page.getByTestId('metrics-view').locator('.uplot canvas').first().waitFor();
    await take('metrics (uPlot)');
    await workbench.screenshot('csp-metrics');

    await page.getByTestId('view-debug').click();
    await page.getByTestId('debug-view').waitFor();
    for (const tab of ['paused', 'cycles', 'timeline', 'compare']) {
      await page.getByTestId(`debug-tab-${tab}`).click();
      await page.locator(`[data-testid=debug-tab-${tab}][aria-selected=true]`).waitFor();
      await take(`debug ${tab}`);
    }
    await workbench.screenshot('csp-debug');

    await page.getByTestId('view-design').click();
    await page.keyboard.press(process.platform === 'darwin' ? 'Meta+KeyE' : 'Control+KeyE');
    const exportDialog = page.getByTestId('export-dialog');
    await exportDialog.getByTestId('export-format-mermaid').click();
    await exportDialog.locator('[data-testid=mermaid-rendered][data-state=ready] svg').waitFor();
    await take('topology export (mermaid)');
    await workbench.screenshot('csp-topology-export');
    await page.keyboard.press('Escape');
    // Violation events are queued tasks and console messages come over CDP: let both arrive before the last look.
    await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
    await take('after the last view');

    expect(taken).toEqual([]);
    expect(workbench.pageErrors).toEqual([]);
  });
});
