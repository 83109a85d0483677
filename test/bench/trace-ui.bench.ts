/**
 * Issue #12's Trace view benchmark, in headless Chromium against `switchboard serve` on a data
 * directory holding a generated run of one million records (and a 2,000-record run, the raw
 * baseline: the same page and steps on a small run): time to first rows (opening the run, its
 * index rebuilt, and again once open), a wildcard + agent filter applied (each step timed once
 * the host has finished the last one's counts), the longest frame while
 * scrolling the table for 5 s (wheel steps and scrollbar jumps), the same for the sequence view
 * of a run of 10,000 messages (its table the baseline), and following a live bus at
 * 20,000 msg/s for 10 s (a raw NATS client publishing on serve's external nats-server while the trio runs) —
 * longest frame and the page's heap. Frames are requestAnimationFrame gaps measured in the page.
 * Bounded: every wait has a timeout; serve, the browser and the data directory go at the end.
 */
import { readFileSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import type { CDPSession, Page } from 'playwright-core';
import { TraceLibrary, traceRoot } from '../../main/host/trace/index.js';
// The page's `window.__switchboardTest` (installed with `?test`), for typing only.
import type {} from '../../renderer/src/design/test-hook.js';
import { launchChromium } from '../helpers/browser.js';
import { startServe } from '../helpers/cli.js';
import { startTestServer, type TestServer } from '../helpers/nats-server.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { writeLongRun } from '../helpers/trace-long-run.js';
import { longestFrameWhile } from './frames.js';
import { median, report } from './stats.js';

const BIG = 1_000_000;
const SMALL = 2_000;
/** Records of the sequence view's run: 9 in 10 are messages (1 in 20 an OODA phase, 1 in 20 hidden infrastructure), so 10,000 messages. */
const SEQUENCE_RECORDS = 11_110;
const SEQUENCE_MESSAGES = 10_000;
const FILTER = 'agents.request.* agent:agent_07';
const RUNS = 5;
const SCROLL_MS = 5_000;
const LIVE_RATE = 20_000;
const LIVE_MS = 10_000;
const WAIT_MS = 60_000;
/** Time for the host to finish what a step set going (counts beside the filter, other views' reads of a run opened) before the next is timed. */
const SETTLE_MS = 2_000;

/**
 * Runs `trigger` in the page and resolves with ms until the table shows `total` rows by position
 * and a first row is drawn whose subject passes `subjectPrefix` (checked each frame).
 */
function timeUntilRows(page: Page, trigger: { kind: 'run'; runId: string } | { kind: 'filter'; text: string }, total: number, subjectPrefix = ''): Promise<number> {
  return page.evaluate(
    ({ trigger, total, subjectPrefix, timeout }) =>
      new Promise<number>((resolve, reject) => {
        const started = performance.now();
        if (trigger.kind === 'run') {
          const select = document.querySelector<HTMLSelectElement>('[data-testid=trace-run-picker]')!;
          select.value = trigger.runId;
          select.dispatchEvent(new Event('change', { bubbles: true }));
        } else {
          const input = document.querySelector<HTMLInputElement>('[data-testid=trace-filter]')!;
          Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, trigger.text);
          input.dispatchEvent(new Event('input', { bubbles: true }));
        }
        const check = () => {
          const table = document.querySelector('[data-testid=trace-table]');
          const rows = Array.from(document.querySelectorAll('[data-testid=trace-table] [role=row][data-seq]'));
          if (table?.getAttribute('data-total') === String(total) && rows.length > 0 && rows.every((r) => (r.getAttribute('data-subject') ?? '').startsWith(subjectPrefix))) return resolve(performance.now() - started);
          if (performance.now() - started > timeout) return reject(new Error(`rows not shown within ${timeout} ms (${JSON.stringify(trigger)})`));
          requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }),
    { trigger, total, subjectPrefix, timeout: WAIT_MS },
  );
}

/** Scrolls the table (or another scroller: `testId`) for SCROLL_MS as a hand does (wheel steps) with a scrollbar jump every 600 ms; returns the longest frame. */
async function scrollLongestFrame(page: Page, testId = 'trace-table'): Promise<number> {
  const box = (await page.getByTestId(testId).boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  return longestFrameWhile(page, async () => {
    const began = Date.now();
    let jumps = 0;
    for (let i = 0; Date.now() - began < SCROLL_MS; i++) {
      if (Date.now() - began > (jumps + 1) * 600) {
        jumps++;
        // A drag of the scrollbar: somewhere far away in the result.
        await page.evaluate(
          ({ f, testId }) => {
            const el = document.querySelector(`[data-testid=${testId}]`)!;
            el.scrollTop = f * (el.scrollHeight - el.clientHeight);
          },
          { f: (jumps * 0.37) % 1, testId },
        );
      } else await page.mouse.wheel(0, i % 40 < 30 ? 480 : -720);
      await page.waitForTimeout(16);
    }
  });
}

/** The page's JS heap in MB, from the DevTools protocol. */
async function heapMb(cdp: CDPSession): Promise<number> {
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  return usedSize / 2 ** 20;
}

/** Publishes small AgentMessages on `bench.flood.*` at `rate` a second for `ms`, paced each millisecond. */
async function flood(url: string, rate: number, ms: number): Promise<number> {
  const nc = await connect({ servers: url, name: 'bench-trace-ui-flood' });
  const payload = new TextEncoder().encode(JSON.stringify({ message_type: 'broadcast', from_agent: 'outsider', to_agent: null, content: 'x'.repeat(60), metadata: {}, timestamp: '2026-01-01T00:00:00.000Z', message_id: 'm', in_reply_to: null, priority: 2 }));
  const started = performance.now();
  let sent = 0;
  while (performance.now() - started < ms) {
    const due = Math.floor(((performance.now() - started) * rate) / 1000);
    for (; sent < due; sent++) nc.publish(`bench.flood.${sent % 8}`, payload);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await nc.flush();
  await nc.close();
  return sent;
}

/** Runs the Trace view benchmarks and prints their lines. */
export async function runTraceUiBench(): Promise<void> {
  const dataDir = await makeTempDir('bench-trace-ui');
  let serve: Awaited<ReturnType<typeof startServe>> | null = null;
  let nats: TestServer | null = null;
  let chromium: Awaited<ReturnType<typeof launchChromium>> | null = null;
  try {
    const library = new TraceLibrary(traceRoot(dataDir));
    const t = performance.now();
    const filter = { subject: 'agents.request.*', agent: 'agent_07' }; // FILTER, as the bar reads it
    const big = await writeLongRun(library, 'bench-million', BIG, filter);
    const small = await writeLongRun(library, 'bench-small', SMALL, filter);
    const sequence = await writeLongRun(library, 'bench-sequence', SEQUENCE_RECORDS);
    console.log(`  generated ${BIG} + ${SMALL} + ${SEQUENCE_RECORDS} records in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    // An external server a raw client may publish on (the embedded one admits the workbench's own key only).
    nats = await startTestServer({ nkey: false });
    serve = await startServe(['--data-dir', dataDir, '--nats', nats.url]);
    chromium = await launchChromium();
    const page = await chromium.browser.newPage({ viewport: { width: 1440, height: 900 } });
    // tsx compiles with keepNames: functions sent to the page call its `__name` helper.
    await page.addInitScript({ content: 'window.__name = (fn) => fn;' });
    await page.goto(`${serve.url}&test`);
    await page.waitForFunction(() => window.__switchboardTest !== undefined, undefined, { timeout: WAIT_MS });
    await page.getByTestId('view-trace').click();
    await page.getByTestId('trace-view').waitFor({ timeout: WAIT_MS });
    await page.locator('[data-testid=trace-run-picker] option[value="bench-million"]').waitFor({ state: 'attached', timeout: WAIT_MS });

    // First rows: the small run (the baseline), the big one opened for the first time (its index
    // is rebuilt), then each again while the host has them open.
    const smallFirst: number[] = [];
    const bigFirst: number[] = [];
    await timeUntilRows(page, { kind: 'run', runId: 'bench-small' }, small.shown);
    const coldMs = await timeUntilRows(page, { kind: 'run', runId: 'bench-million' }, big.shown);
    await page.waitForTimeout(4 * SETTLE_MS); // other views read the newly opened run once
    for (let i = 0; i < RUNS; i++) {
      smallFirst.push(await timeUntilRows(page, { kind: 'run', runId: 'bench-small' }, small.shown));
      await page.waitForTimeout(SETTLE_MS);
      bigFirst.push(await timeUntilRows(page, { kind: 'run', runId: 'bench-million' }, big.shown));
      await page.waitForTimeout(SETTLE_MS);
    }
    const firstBaseline = { name: `the same with ${SMALL} records`, value: median(smallFirst) };
    report({ name: `trace-ui: first rows, 1M run, first open (index rebuilt)`, value: coldMs, unit: 'ms', runs: 1, baseline: firstBaseline, target: '< 1000 ms' });
    report({ name: `trace-ui: first rows, 1M run, open again`, value: median(bigFirst), unit: 'ms', runs: RUNS, baseline: firstBaseline, target: '< 1000 ms' });

    // A wildcard + agent filter, applied and shown; then cleared again.
    const filterRuns = async (runId: string, run: { shown: number; filtered: number }): Promise<number[]> => {
      await timeUntilRows(page, { kind: 'run', runId }, run.shown);
      await page.waitForTimeout(SETTLE_MS);
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        times.push(await timeUntilRows(page, { kind: 'filter', text: FILTER }, run.filtered, 'agents.request.'));
        await page.waitForTimeout(SETTLE_MS);
        await timeUntilRows(page, { kind: 'filter', text: '' }, run.shown);
        await page.waitForTimeout(SETTLE_MS);
      }
      return times;
    };
    const smallFilter = await filterRuns('bench-small', small);
    const bigFilter = await filterRuns('bench-million', big);
    report({ name: `trace-ui: filter "${FILTER}", 1M run`, value: median(bigFilter), unit: 'ms', runs: RUNS, baseline: { name: `the same with ${SMALL} records`, value: median(smallFilter) }, target: '< 300 ms' });

    // Scrolling the whole result for 5 s.
    await timeUntilRows(page, { kind: 'run', runId: 'bench-small' }, small.shown);
    await page.waitForTimeout(SETTLE_MS);
    const smallScroll = await scrollLongestFrame(page);
    await timeUntilRows(page, { kind: 'run', runId: 'bench-million' }, big.shown);
    await page.waitForTimeout(SETTLE_MS);
    const bigScroll = await scrollLongestFrame(page);
    const held = await page.locator('[data-testid=trace-table] [role=row]').count();
    report({ name: `trace-ui: longest frame, 5 s scroll of 1M rows`, value: bigScroll, unit: 'ms', runs: 1, baseline: { name: `scrolling ${SMALL} rows`, value: smallScroll }, target: '≤ 50 ms' });
    console.log(`    rows in the DOM after scrolling: ${held}`);

    // The sequence view of a run with 10,000 messages (20 lanes), scrolled for 5 s; the table of the same run is the baseline.
    await timeUntilRows(page, { kind: 'run', runId: 'bench-sequence' }, sequence.shown);
    await page.waitForTimeout(SETTLE_MS);
    const tableScroll = await scrollLongestFrame(page);
    await page.getByTestId('trace-mode-sequence').click();
    await page.locator('[data-testid=sequence-rows] .sequence-row').first().waitFor({ timeout: WAIT_MS });
    const sequenceScroll = await scrollLongestFrame(page, 'sequence-scroller');
    const drawnRows = await page.locator('[data-testid=sequence-rows] .sequence-row').count();
    await page.getByTestId('trace-mode-table').click();
    report({ name: `trace-ui: longest frame, 5 s scroll of the sequence view, ${SEQUENCE_MESSAGES} messages`, value: sequenceScroll, unit: 'ms', runs: 1, baseline: { name: 'the table of the same run', value: tableScroll }, target: '≤ 50 ms' });
    console.log(`    sequence rows in the DOM after scrolling: ${drawnRows}`);

    // Following a live bus: the trio runs, a raw client floods serve's server at 20,000 msg/s.
    const trio = readFileSync('templates/seed-000-trio.yaml', 'utf8');
    await page.getByTestId('view-design').click();
    await page.evaluate((text) => window.__switchboardTest!.open(text, 'seed-000-trio.yaml'), trio);
    await page.getByTestId('run-start').click();
    await page.getByTestId('run-state').filter({ hasText: 'running 3 agents' }).waitFor({ timeout: WAIT_MS });
    const natsUrl = (await page.getByTestId('server-address').innerText()).trim();
    await page.getByTestId('view-trace').click();
    // The view shows the past run the user picked: the live one is picked from the list (● first).
    const liveRun = await page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLOptionElement>('[data-testid=trace-run-picker] option')).find((o) => o.text.startsWith('●'))?.value, undefined, { timeout: WAIT_MS });
    await page.getByTestId('trace-run-picker').selectOption((await liveRun.jsonValue())!);
    await page.getByTestId('trace-run-badge').filter({ hasText: 'live' }).waitFor({ timeout: WAIT_MS });
    await page.getByTestId('trace-follow').filter({ hasText: 'Following' }).waitFor({ timeout: WAIT_MS });
    const cdp = await page.context().newCDPSession(page);
    const idleFrame = await longestFrameWhile(page, () => page.waitForTimeout(3_000));
    const idleHeap = await heapMb(cdp);
    let maxHeap = idleHeap;
    const sampler = setInterval(() => void heapMb(cdp).then((mb) => (maxHeap = Math.max(maxHeap, mb)), () => undefined), 500);
    let sent = 0;
    const liveFrame = await longestFrameWhile(page, async () => {
      sent = await flood(natsUrl, LIVE_RATE, LIVE_MS);
    });
    clearInterval(sampler);
    maxHeap = Math.max(maxHeap, await heapMb(cdp));
    const shownTotal = Number(await page.getByTestId('trace-table').getAttribute('data-total'));
    report({ name: `trace-ui: longest frame, following ${LIVE_RATE / 1000}k msg/s for ${LIVE_MS / 1000} s`, value: liveFrame, unit: 'ms', runs: 1, baseline: { name: 'the idle live view', value: idleFrame }, target: '≤ 100 ms' });
    report({ name: `trace-ui: page heap, following ${LIVE_RATE / 1000}k msg/s`, value: maxHeap, unit: 'MB', runs: 1, baseline: { name: 'before the flood', value: idleHeap }, target: '< 300 MB' });
    console.log(`    published ${sent}; the table's total afterwards ${shownTotal}`);
  } finally {
    await chromium?.close();
    await serve?.stop();
    await nats?.stop();
    await removeTempDir(dataDir);
  }
}
