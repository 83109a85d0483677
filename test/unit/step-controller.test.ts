// Breakpoints, pause, step, continue and edits, without NATS: the controller alone.
import { describe, expect, it } from 'vitest';
import { RuntimeEventBus } from '../../agents/protocol/runtime-events.js';
import { StepController } from '../../agents/runtime/step-controller.js';

describe('StepController', () => {
  it('pauses only where a breakpoint, a step or a pause request says so', () => {
    const c = new StepController();
    expect(c.shouldPause('a', 'run1', 'decide')).toBe(false);
    c.setBreakpoint('a', 'decide');
    expect(c.shouldPause('a', 'run1', 'decide')).toBe(true);
    expect(c.shouldPause('a', 'run1', 'act')).toBe(false);
    expect(c.shouldPause('b', 'run2', 'decide')).toBe(false);
    c.pause('b');
    expect(c.shouldPause('b', 'run2', 'observe')).toBe(true);
    expect(c.listBreakpoints()).toEqual([{ agent: 'a', phase: 'decide' }]);
  });

  it('resumes with the payload, or with a validated replacement before Act', async () => {
    const events = new RuntimeEventBus();
    const seen: string[] = [];
    events.onAny((name) => seen.push(name));
    const c = new StepController(events);
    const waiting = c.wait({ agent: 'a', runId: 'r', turn: 1, phase: 'act', payload: { text: 'model' } }, (v) => {
      if (typeof (v as { text?: unknown }).text !== 'string') throw new Error('not a decision');
      return v as { text: string };
    });
    expect(c.paused()).toEqual([{ agent: 'a', runId: 'r', turn: 1, phase: 'act', payload: { text: 'model' } }]);
    expect(() => c.resume('r', { replace: { text: 1 } })).toThrow('not a decision');
    expect(() => c.resume('nope')).toThrow('is not paused');
    c.resume('r', { replace: { text: 'edited' } });
    expect(await waiting).toEqual({ text: 'edited' });
    expect(seen).toEqual(['ooda.paused', 'ooda.resumed']);
  });

  it('refuses a replacement anywhere but before Act', async () => {
    const c = new StepController();
    void c.wait({ agent: 'a', runId: 'r', turn: 1, phase: 'orient', payload: 1 });
    expect(() => c.resume('r', { replace: 2 })).toThrow(/only the decision before Act/);
    c.resume('r');
  });

  it('after a step, pauses the same run before its next phase only', async () => {
    const c = new StepController();
    const first = c.wait({ agent: 'a', runId: 'r', turn: 1, phase: 'observe', payload: 0 });
    c.resume('r', { mode: 'step' });
    await first;
    expect(c.shouldPause('a', 'r', 'orient')).toBe(true);
    expect(c.shouldPause('a', 'other-run', 'orient')).toBe(false);
  });

  it('releaseAll lets every paused run go and clears breakpoints', async () => {
    const c = new StepController();
    c.setBreakpoint('a', 'observe');
    const waiting = c.wait({ agent: 'a', runId: 'r', turn: 1, phase: 'observe', payload: 'x' });
    c.releaseAll();
    expect(await waiting).toBe('x');
    expect(c.listBreakpoints()).toEqual([]);
  });
});
