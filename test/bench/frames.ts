/** The longest gap between animation frames in a page while something runs, shared by the UI benchmarks. */
import type { Page } from 'playwright-core';

/** Starts recording requestAnimationFrame gaps in the page. */
const startFrames = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { frames_: number[]; recording: boolean };
    w.frames_ = [];
    w.recording = true;
    let last = performance.now();
    const tick = (now: number) => {
      w.frames_.push(now - last);
      last = now;
      if (w.recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });

/** Stops recording frames; returns the gaps (the first, which spans the setup, left out). */
const stopFrames = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { frames_: number[]; recording: boolean };
    w.recording = false;
    return w.frames_.slice(1);
  });

/** The longest frame while `action` runs. */
export async function longestFrameWhile(page: Page, action: () => Promise<void>): Promise<number> {
  await startFrames(page);
  await action();
  const frames = await stopFrames(page);
  if (process.env['BENCH_DEBUG']) console.log(frames.length, frames.map((f) => f.toFixed(0)).join(' '));
  return Math.max(0, ...frames);
}
