// The Debug view's Timeline: run the trio and send its example, open Debug → Timeline; a lane per
// agent, phase bars on the coordinator and the weather bot with the model and tool calls inside,
// an arrow from the coordinator to the weather bot (and the dashed reply back); a second question
// is drawn as it happens; zoom (button, wheel, a range dragged on the axis) narrows the range, Fit
// shows the run; a click on a bar selects it and "Show in trace" selects its record in the explorer.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrioExample, startReadyWorkbench } from '../helpers/trio-run.js';
import type { Workbench } from '../helpers/workbench.js';

/** What the canvas lists on its element (renderer/src/debugger/timeline-draw.ts DrawnItem, the fields read here). */
type DrawnItem =
  | { kind: 'span'; span: { lane: string; kind: string; seq: number }; x: number; y: number; w: number; h: number }
  | { kind: 'message'; message: { from: string; to: string; reply: boolean; seq: number }; x1: number; y1: number; x2: number; y2: number };

/** What the canvas says it drew, without the span and message objects' bulk. */
type Drawn = { kind: 'span'; lane: string; what: string; seq: number; x: number; y: number; w: number; h: number } | { kind: 'message'; from: string; to: string; reply: boolean; seq: number; x1: number; y1: number; x2: number; y2: number };

describe('the timeline', () => {
  let workbench: Workbench;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    workbench = await startReadyWorkbench({ name: 'e2e-timeline' });
    ({ page, pageErrors } = workbench);
  });

  afterAll(async () => {
    await workbench?.close();
  });

  const canvas = () => page.getByTestId('timeline-canvas');
  const drawn = (): Promise<Drawn[]> =>
    canvas().evaluate((el) =>
      ((el as HTMLCanvasElement & { timelineItems?: DrawnItem[] }).timelineItems ?? []).map((item): Drawn =>
        item.kind === 'span'
          ? { kind: 'span', lane: item.span.lane, what: item.span.kind, seq: item.span.seq, x: item.x, y: item.y, w: item.w, h: item.h }
          : { kind: 'message', from: item.message.from, to: item.message.to, reply: item.message.reply, seq: item.message.seq, x1: item.x1, y1: item.y1, x2: item.x2, y2: item.y2 },
      ),
    );
  const shown = async () => {
    const [from, to] = await Promise.all([canvas().getAttribute('data-from'), canvas().getAttribute('data-to')]);
    return { from: Number(from), to: Number(to) };
  };

  it('draws lanes, phases, calls and messages; zooms; a clicked bar shows its record in the trace', async () => {
    await runTrioExample(page);
    await page.getByTestId('view-debug').click();
    await page.getByTestId('debug-tab-timeline').click();
    await canvas().waitFor();
    // The last phase of the run (the coordinator's act after the weather bot's answer) is in.
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-testid=timeline-canvas]') as (HTMLCanvasElement & { timelineItems?: { kind: string; span?: { lane: string; kind: string } }[] }) | null;
      return (el?.timelineItems ?? []).filter((i) => i.kind === 'span' && i.span!.lane === 'task_coordinator' && i.span!.kind === 'act').length >= 2;
    });

    // A lane per agent in topology order, then the workbench outside.
    expect((await canvas().getAttribute('data-lanes'))!.split(',')).toEqual(['task_coordinator', 'weather_bot', 'general_assistant', 'outside']);
    const items = await drawn();
    const spans = items.filter((i) => i.kind === 'span');
    const kindsOf = (lane: string) => new Set(spans.filter((s) => s.lane === lane).map((s) => s.what));
    expect(kindsOf('task_coordinator')).toEqual(new Set(['observe', 'orient', 'decide', 'act', 'llm', 'tool']));
    expect(kindsOf('weather_bot')).toEqual(new Set(['observe', 'orient', 'decide', 'act', 'llm', 'tool']));
    expect(kindsOf('general_assistant')).toEqual(new Set());
    // Each bar on its own lane's row, model and tool calls thinner than phases.
    const rowOf = (lane: string) => spans.filter((s) => s.lane === lane).map((s) => s.y);
    expect(Math.min(...rowOf('weather_bot'))).toBeGreaterThan(Math.max(...rowOf('task_coordinator')));
    const height = (what: string) => spans.find((s) => s.what === what)!.h;
    expect(height('llm')).toBeLessThan(height('decide'));
    // The delegation: an arrow down from the coordinator to the weather bot, and the reply back up, dashed.
    const messages = items.filter((i) => i.kind === 'message');
    const ask = messages.find((m) => m.from === 'task_coordinator' && m.to === 'weather_bot');
    const answer = messages.find((m) => m.from === 'weather_bot' && m.to === 'task_coordinator');
    expect(ask).toMatchObject({ reply: false });
    expect(ask!.y2).toBeGreaterThan(ask!.y1);
    expect(answer).toMatchObject({ reply: true });
    expect(answer!.y2).toBeLessThan(answer!.y1);
    expect(messages.some((m) => m.from === 'outside' && m.to === 'task_coordinator')).toBe(true);

    // Hovering a bar says what it is.
    const box = (await canvas().boundingBox())!;
    const decide = spans.filter((s) => s.lane === 'weather_bot' && s.what === 'decide').sort((a, b) => b.w - a.w)[0]!;
    await page.mouse.move(box.x + decide.x + decide.w / 2, box.y + decide.y + 3);
    await page.getByTestId('timeline-tip').filter({ hasText: 'decide · turn' }).waitFor();
    expect(await page.getByTestId('timeline-tip').innerText()).toContain('agent weather_bot');
    await workbench.screenshot('timeline');

    // Zoom in (the button, then the wheel over the lanes): the range narrows about its middle.
    const before = await shown();
    await page.getByTestId('timeline-zoom-in').click();
    await page.waitForFunction((width) => {
      const el = document.querySelector('[data-testid=timeline-canvas]')!;
      return Number(el.getAttribute('data-to')) - Number(el.getAttribute('data-from')) < width * 0.6;
    }, before.to - before.from);
    const zoomed = await shown();
    expect(zoomed.from).toBeGreaterThan(before.from);
    expect(zoomed.to).toBeLessThan(before.to);
    await page.mouse.move(box.x + box.width * 0.6, box.y + 60);
    await page.mouse.wheel(0, -300);
    await page.waitForFunction((width) => {
      const el = document.querySelector('[data-testid=timeline-canvas]')!;
      return Number(el.getAttribute('data-to')) - Number(el.getAttribute('data-from')) < width * 0.9;
    }, zoomed.to - zoomed.from);
    // Fit shows the whole run again.
    await page.getByTestId('timeline-fit').click();
    await page.waitForFunction((width) => {
      const el = document.querySelector('[data-testid=timeline-canvas]')!;
      return Math.abs(Number(el.getAttribute('data-to')) - Number(el.getAttribute('data-from')) - width) < width * 0.01;
    }, before.to - before.from);

    // Drag on the time axis from the coordinator's first phase to past the weather bot's last: zoomed to that range.
    const fitted = await drawn();
    const whole = await shown();
    const barsOf = (lane: string) => fitted.filter((i): i is Extract<Drawn, { kind: 'span' }> => i.kind === 'span' && i.lane === lane);
    const left = Math.min(...barsOf('task_coordinator').map((s) => s.x)) - 8;
    const right = Math.max(...barsOf('weather_bot').map((s) => s.x + s.w)) + 12;
    await page.mouse.move(box.x + left, box.y + 15);
    await page.mouse.down();
    await page.mouse.move(box.x + (left + right) / 2, box.y + 15, { steps: 4 });
    await page.mouse.move(box.x + right, box.y + 15, { steps: 4 });
    await page.mouse.up();
    await page.waitForFunction((width) => {
      const el = document.querySelector('[data-testid=timeline-canvas]')!;
      return Number(el.getAttribute('data-to')) - Number(el.getAttribute('data-from')) < width * 0.9;
    }, before.to - before.from);
    // The selected stretch fills the plot: its ends at the plot's ends.
    const labelWidth = Number(await canvas().getAttribute('data-plot-left'));
    const plotWidth = box.width - labelWidth;
    const selected = await shown();
    const at = (x: number) => whole.from + ((x - labelWidth) / plotWidth) * (whole.to - whole.from);
    const pixel = (whole.to - whole.from) / plotWidth;
    expect(Math.abs(selected.from - at(left))).toBeLessThan(2 * pixel);
    expect(Math.abs(selected.to - at(right))).toBeLessThan(2 * pixel);

    // Click the weather bot's decide bar: selected, detailed, and shown in the trace explorer.
    const again = (await drawn()).find((i) => i.kind === 'span' && i.seq === decide.seq) as Extract<Drawn, { kind: 'span' }>;
    // Drawn wider by as much as the range narrowed.
    const wasWide = fitted.find((i) => i.kind === 'span' && i.seq === decide.seq) as Extract<Drawn, { kind: 'span' }>;
    const zoomedBy = (whole.to - whole.from) / (selected.to - selected.from);
    expect(again.w / wasWide.w).toBeCloseTo(zoomedBy, 0);
    await page.mouse.move(box.x + again.x + again.w / 2, box.y + again.y + 3);
    await page.getByTestId('timeline-tip').waitFor();
    await workbench.screenshot('timeline-zoomed');
    await page.mouse.click(box.x + again.x + again.w / 2, box.y + again.y + 3);
    await page.getByTestId('timeline-detail').filter({ hasText: `record #${decide.seq}` }).waitFor();
    await page.getByTestId('timeline-show-in-trace').click();
    await page.getByTestId('trace-view').waitFor();
    await page.locator(`[data-testid=trace-table] [role=row][data-seq="${decide.seq}"][aria-selected=true]`).waitFor();
    await page.getByTestId('trace-detail').filter({ hasText: 'ooda.phase' }).waitFor();
    // Live: back on the timeline, fitted, a second question; the view follows the run's end and draws the new cycles.
    await page.getByTestId('view-debug').click();
    await page.getByTestId('timeline-fit').click();
    const first = await shown();
    await page.getByTestId('send-button').click();
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-testid=timeline-canvas]') as (HTMLCanvasElement & { timelineItems?: { kind: string; span?: { lane: string; kind: string } }[] }) | null;
      return (el?.timelineItems ?? []).filter((i) => i.kind === 'span' && i.span!.lane === 'task_coordinator' && i.span!.kind === 'act').length >= 4;
    });
    expect((await shown()).to).toBeGreaterThan(first.to);

    expect(pageErrors).toEqual([]);
  });
});
