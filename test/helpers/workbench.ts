/**
 * The e2e fixture: `switchboard serve` on its own data directory, headless Chromium with one
 * context, and a page on the workbench that records its errors. Screenshots go to
 * test/e2e/artifacts/ (git-ignored). Every e2e file starts its own, so files run alone or in any order.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { startServe, type ServeProcess } from './cli.js';
import { repoRoot } from './nats-binary.js';
import { makeTempDir, removeTempDir } from './temp-dir.js';
import type { SwitchboardTestHook } from '../../renderer/src/design/test-hook.js';

// The renderer's test hook on `window` (opt in with `testHook: true`), typed for page.evaluate.
declare global {
  interface Window {
    __switchboardTest?: SwitchboardTestHook;
  }
}

/** Where e2e screenshots go. */
export const artifactsDir = path.join(repoRoot, 'test', 'e2e', 'artifacts');

/** Options of {@link startWorkbench}. */
export interface WorkbenchOptions {
  /** Names the data directory (`switchboard-<name>-…`), for finding it in /proc or /tmp. */
  name: string;
  /** Open pages with `?test`, which installs `window.__switchboardTest` (default false). */
  testHook?: boolean;
  /** Browser-context setup before the first page opens (permissions, request listeners). */
  prepare?: (context: BrowserContext, origin: string) => Promise<void> | void;
  /** More `serve` flags (e.g. `--nats URL` for an external server). */
  serveArgs?: string[];
  /** Called with every page the fixture opens, before it loads anything (listeners). */
  onPage?: (page: Page) => void;
}

/** A running workbench: the serve process, the browser and the first page. */
export interface Workbench {
  readonly dataDir: string;
  readonly serve: ServeProcess;
  /** The serve URL, with its token (and `test` when asked for). */
  readonly url: string;
  readonly origin: string;
  readonly browser: Browser;
  readonly context: BrowserContext;
  /** The first page, already on the workbench. */
  readonly page: Page;
  /** Uncaught errors of every page this fixture opened. */
  readonly pageErrors: string[];
  /** A new page of the context, recording its errors; on the workbench unless `goto` is false. */
  newPage(options?: { goto?: boolean }): Promise<Page>;
  /** Saves a screenshot of `page` (default: the first) as artifacts/NAME.png. */
  screenshot(name: string, page?: Page): Promise<void>;
  /** Closes the browser and stops serve (SIGTERM and wait); resolves with serve's exit code. */
  close(): Promise<number | null>;
}

/** Starts serve and Chromium and opens the first page; cleans up what started if a step fails. */
export async function startWorkbench(options: WorkbenchOptions): Promise<Workbench> {
  mkdirSync(artifactsDir, { recursive: true });
  const dataDir = await makeTempDir(options.name);
  const started: { serve?: ServeProcess; close?: () => Promise<void> } = {};
  try {
    const serve = (started.serve = await startServe(['--data-dir', dataDir, ...(options.serveArgs ?? [])]));
    const chromium = await launchChromium();
    started.close = chromium.close;
    const url = new URL(serve.url);
    if (options.testHook) url.searchParams.set('test', '');
    const context = await chromium.browser.newContext({ viewport: { width: 1440, height: 900 } });
    await options.prepare?.(context, url.origin);
    const pageErrors: string[] = [];
    const newPage = async ({ goto = true } = {}) => {
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      options.onPage?.(page);
      if (goto) await page.goto(url.toString());
      return page;
    };
    const page = await newPage();
    return {
      dataDir,
      serve,
      url: url.toString(),
      origin: url.origin,
      browser: chromium.browser,
      context,
      page,
      pageErrors,
      newPage,
      screenshot: async (name, target = page) => void (await target.screenshot({ path: path.join(artifactsDir, `${name}.png`) })),
      close: async () => {
        await chromium.close();
        const code = await serve.stop();
        await removeTempDir(dataDir);
        return code;
      },
    };
  } catch (error) {
    await started.close?.();
    await started.serve?.stop();
    await removeTempDir(dataDir);
    throw error;
  }
}
