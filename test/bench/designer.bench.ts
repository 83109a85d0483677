/**
 * Issue #7's benchmark: in headless Chromium against `switchboard serve`, the time from opening a
 * 500-agent, 1,000-edge topology to the canvas showing every node (and every line), and the
 * longest frame while panning it for 2 s. Baseline, same page and run: an empty document.
 * Bounded: every wait has a timeout, and serve and the browser are stopped at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { toYaml } from '../../agents/topology/save.js';
import { TopologySchema } from '../../agents/topology/schema.js';
// The page's `window.__switchboardTest` (installed with `?test`), for typing only.
import type {} from '../../renderer/src/design/test-hook.js';
import { launchChromium } from '../helpers/browser.js';
import { startServe } from '../helpers/cli.js';
import { longestFrameWhile } from './frames.js';
import { median, report } from './stats.js';

const AGENTS = 500;
const RUNS = 5;
const PAN_MS = 2000;
const WAIT_MS = 30_000;

/** A topology of `agents` agents on a grid, each requesting its next and its seventh neighbour. */
export function bigTopologyYaml(agents = AGENTS): string {
  const name = (i: number) => `agent_${i}`;
  const topology = TopologySchema.parse({
    apiVersion: 'switchboard.dev/v1',
    kind: 'Topology',
    metadata: { name: `bench-${agents}` },
    spec: {
      agents: Array.from({ length: agents }, (_, i) => ({ name: name(i), llm: 'offline', role: i % 10 === 0 ? 'coordinator' : 'specialist', capabilities: [`skill.${i % 7}`] })),
      edges: Array.from({ length: agents }, (_, i) => [
        { from: name(i), to: name((i + 1) % agents), kind: 'request' },
        { from: name(i), to: name((i + 7) % agents), kind: i % 2 ? 'broadcast' : 'request' },
      ]).flat(),
    },
    layout: { nodes: Object.fromEntries(Array.from({ length: agents }, (_, i) => [name(i), { x: (i % 25) * 300, y: Math.floor(i / 25) * 160 }])) },
  });
  return toYaml(topology);
}

/** Opens `text` through the test hook; resolves with ms until `nodes` nodes and `edges` lines are in the DOM (after a frame). */
function openAndTime(page: Page, text: string, nodes: number, edges: number): Promise<{ nodesMs: number; edgesMs: number }> {
  return page.evaluate(
    ({ text, nodes, edges, timeout }) =>
      new Promise<{ nodesMs: number; edgesMs: number }>((resolve, reject) => {
        const started = performance.now();
        window.__switchboardTest!.open(text, 'bench.yaml');
        let nodesMs = -1;
        const check = () => {
          const now = performance.now() - started;
          if (nodesMs < 0 && document.querySelectorAll('.react-flow__node').length === nodes) nodesMs = now;
          if (nodesMs >= 0 && document.querySelectorAll('.react-flow__edge').length === edges) return resolve({ nodesMs, edgesMs: now });
          if (now > timeout) return reject(new Error(`not shown within ${timeout} ms`));
          requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }),
    { text, nodes, edges, timeout: WAIT_MS },
  );
}

/** Drags the canvas background for `PAN_MS`; returns the longest gap between animation frames meanwhile. */
async function panLongestFrame(page: Page): Promise<number> {
  // Start the drag on the background, not on a node.
  const start = await page.evaluate(() => {
    const box = document.querySelector('.react-flow__pane')!.getBoundingClientRect();
    for (let y = box.top + 120; y < box.bottom - 170; y += 7) {
      for (let x = box.left + 60; x < box.right - 220; x += 7) {
        if (document.elementFromPoint(x, y)?.classList.contains('react-flow__pane')) return { x, y };
      }
    }
    return null;
  });
  if (!start) throw new Error('no empty spot on the canvas to pan from');
  return longestFrameWhile(page, async () => {
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    const began = Date.now();
    for (let i = 0; Date.now() - began < PAN_MS; i++) {
      // Back and forth across 300 px, a step every few ms, as a hand drags.
      const phase = (i % 120) / 60;
      await page.mouse.move(start.x + (phase < 1 ? phase : 2 - phase) * 300, start.y + (phase < 1 ? phase : 2 - phase) * 80);
    }
    await page.mouse.up();
  });
}

/** Selects `agent_0`, presses an arrow key, and returns ms from the key to the node drawn moved (median of `runs`). */
async function nudgeToMoved(page: Page, runs: number): Promise<number> {
  await page.locator('.react-flow__node[data-id="agent_0"]').click();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    await page.evaluate(() => {
      const w = window as unknown as { nudgeMs: number | null };
      w.nudgeMs = null;
      const el = document.querySelector('.react-flow__node[data-id="agent_0"]')!;
      let pressed = 0;
      // The event's own time stamp: listeners that ran before this one (the shortcut handler) count too.
      window.addEventListener('keydown', (event) => (pressed = event.timeStamp), { capture: true, once: true });
      new MutationObserver((_, observer) => {
        observer.disconnect();
        requestAnimationFrame(() => (w.nudgeMs = performance.now() - pressed));
      }).observe(el, { attributes: true, attributeFilter: ['style'] });
    });
    await page.keyboard.press(i % 2 ? 'ArrowLeft' : 'ArrowRight');
    await page.waitForFunction(() => (window as unknown as { nudgeMs: number | null }).nudgeMs !== null, undefined, { timeout: WAIT_MS });
    times.push(await page.evaluate(() => (window as unknown as { nudgeMs: number }).nudgeMs));
  }
  return median(times);
}

/** Runs the designer benchmarks and prints their lines. */
export async function runDesignerBench(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-designer-'));
  const serve = await startServe(['--data-dir', dataDir]);
  const browser = await launchChromium();
  try {
    const page = await browser.browser.newPage({ viewport: { width: 1440, height: 900 } });
    // tsx compiles with keepNames: functions sent to the page call its `__name` helper.
    await page.addInitScript({ content: 'window.__name = (fn) => fn;' });
    await page.goto(`${serve.url}&test`);
    await page.waitForFunction(() => window.__switchboardTest !== undefined, undefined, { timeout: WAIT_MS });
    const big = bigTopologyYaml();
    const empty = toYaml(TopologySchema.parse({ apiVersion: 'switchboard.dev/v1', kind: 'Topology', metadata: { name: 'empty' }, spec: {} }));

    const emptyRuns: number[] = [];
    const nodeRuns: number[] = [];
    const edgeRuns: number[] = [];
    await openAndTime(page, big, AGENTS, 2 * AGENTS); // warm the code paths once
    for (let i = 0; i < RUNS; i++) {
      // The baseline opens an empty document over an empty one (closing 500 nodes is not free).
      await openAndTime(page, empty, 0, 0);
      emptyRuns.push((await openAndTime(page, empty, 0, 0)).nodesMs);
      const shown = await openAndTime(page, big, AGENTS, 2 * AGENTS);
      nodeRuns.push(shown.nodesMs);
      edgeRuns.push(shown.edgesMs);
    }
    const baseline = { name: 'opening an empty document', value: median(emptyRuns) };
    report({ name: `designer: open ${AGENTS} agents → all nodes shown`, value: median(nodeRuns), unit: 'ms', runs: RUNS, baseline, target: '< 1000 ms' });
    report({ name: `designer: open ${AGENTS} agents → all ${2 * AGENTS} lines shown`, value: median(edgeRuns), unit: 'ms', runs: RUNS, baseline });

    const bigPan = await panLongestFrame(page);
    const bigNudge = await nudgeToMoved(page, RUNS);
    await openAndTime(page, empty, 0, 0);
    const emptyPan = await panLongestFrame(page);
    await openAndTime(page, bigTopologyYaml(8), 8, 16);
    const smallNudge = await nudgeToMoved(page, RUNS);
    report({ name: `designer: longest frame, 2 s pan of ${AGENTS} agents`, value: bigPan, unit: 'ms', runs: 1, baseline: { name: 'panning an empty canvas', value: emptyPan }, target: '< 50 ms' });
    report({ name: `designer: arrow-key nudge → moved, ${AGENTS} agents`, value: bigNudge, unit: 'ms', runs: RUNS, baseline: { name: 'the same with 8 agents', value: smallNudge } });
  } finally {
    await browser.close();
    await serve.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
