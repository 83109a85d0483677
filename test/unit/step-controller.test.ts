// Breakpoints (plain and conditional), pause one or all, step, step over, continue all, and
// decision edits, without NATS: the controller alone, on a test clock.
import { describe, expect, it, vi } from 'vitest';
import type { BreakpointCondition } from '../../agents/protocol/breakpoint.js';
import { RuntimeEventBus, type OodaPhase } from '../../agents/protocol/runtime-events.js';
import { evaluateCondition, type RunContext } from '../../agents/runtime/breakpoint-conditions.js';
import { StepController } from '../../agents/runtime/step-controller.js';
import { newMessage } from '../../agents/runtime/wire.js';
import { TestClock } from '../helpers/test-clock.js';

/** A run of `agent` started by `content` on `subject` (metadata: the incoming message's). */
const runOf = (agent: string, runId: string, content = 'hello', subject = `agents.${agent}.request`, metadata: Record<string, unknown> = {}): RunContext => ({
  agent,
  runId,
  subject,
  message: newMessage({ message_type: 'request', from_agent: 'user', to_agent: agent, content, metadata }),
});

const decision = (...tools: string[]) => ({ text: '', toolCalls: tools.map((name, i) => ({ id: `c${i}`, name, arguments: {} })) });
const observation = (toolResults?: { name: string; content: string; isError: boolean }[]) => ({ kind: toolResults ? 'tool_results' : 'message', from: 'user', content: '', conversation: 'c', ...(toolResults && { toolResults }) });

/** A controller whose condition evaluator is counted. */
function counted(clock = new TestClock()) {
  const evaluate = vi.fn(evaluateCondition);
  const events = new RuntimeEventBus();
  return { controller: new StepController(events, { clock, evaluate }), evaluate, events, clock };
}

/** Stops `run` before `phase` the way the OODA loop does: asks, then waits with the cause. */
function enter(c: StepController, run: RunContext, phase: OodaPhase, payload: unknown = null): Promise<unknown> | null {
  const cause = c.shouldPause(run, phase, payload);
  return cause ? c.wait({ agent: run.agent, runId: run.runId, turn: 1, phase, payload, cause }) : null;
}

const withCondition = (agent: string, phase: OodaPhase, condition: BreakpointCondition) => ({ agent, phase, condition });

describe('StepController', () => {
  it('is idle with nothing set: no pause, and no condition evaluated', () => {
    const { controller, evaluate } = counted();
    for (const phase of ['observe', 'orient', 'decide', 'act'] as const) expect(controller.shouldPause(runOf('a', 'r1'), phase, decision('x'))).toBeNull();
    // A conditional breakpoint on another agent, or another phase, evaluates nothing either.
    controller.setBreakpoints([withCondition('b', 'act', { kind: 'tool', name: 'x' })]);
    expect(controller.shouldPause(runOf('a', 'r1'), 'act', decision('x'))).toBeNull();
    expect(controller.shouldPause(runOf('b', 'r2'), 'decide', decision('x'))).toBeNull();
    expect(evaluate).not.toHaveBeenCalled();
    expect(controller.shouldPause(runOf('b', 'r2'), 'act', decision('x'))).toEqual({ reason: 'condition', detail: 'tool x' });
    expect(evaluate).toHaveBeenCalledTimes(1);
    // Cleared again: idle, nothing evaluated.
    controller.setBreakpoints([]);
    expect(controller.shouldPause(runOf('b', 'r2'), 'act', decision('x'))).toBeNull();
    expect(evaluate).toHaveBeenCalledTimes(1);
  });

  it('pauses only where a breakpoint or a pause request says so, with the reason', () => {
    const c = new StepController();
    c.setBreakpoint('a', 'decide');
    expect(c.shouldPause(runOf('a', 'run1'), 'decide', null)).toEqual({ reason: 'breakpoint', detail: null });
    expect(c.shouldPause(runOf('a', 'run1'), 'act', null)).toBeNull();
    expect(c.shouldPause(runOf('b', 'run2'), 'decide', null)).toBeNull();
    c.pause('b');
    expect(c.shouldPause(runOf('b', 'run2'), 'observe', null)).toEqual({ reason: 'pause', detail: null });
    expect(c.listBreakpoints()).toEqual([{ agent: 'a', phase: 'decide' }]);
  });

  it('a tool condition stops before Act only when the decision calls that tool', () => {
    const { controller: c } = counted();
    c.setBreakpoints([withCondition('a', 'act', { kind: 'tool', name: 'get_weather' })]);
    expect(c.shouldPause(runOf('a', 'r'), 'act', decision('get_time'))).toBeNull();
    expect(c.shouldPause(runOf('a', 'r'), 'act', decision())).toBeNull();
    expect(c.shouldPause(runOf('a', 'r'), 'act', decision('get_time', 'get_weather'))).toEqual({ reason: 'condition', detail: 'tool get_weather' });
    expect(c.listBreakpoints()).toEqual([{ agent: 'a', phase: 'act', condition: { kind: 'tool', name: 'get_weather' } }]);
  });

  it('a message condition matches the incoming subject (NATS wildcards) and text (any case)', () => {
    const c = new StepController();
    c.setBreakpoints([withCondition('a', 'decide', { kind: 'message', subject: 'agents.*.request', text: 'paris' })]);
    expect(c.shouldPause(runOf('a', 'r', 'Weather in Paris?'), 'decide', null)).toEqual({ reason: 'condition', detail: "message on agents.a.request matches 'paris'" });
    expect(c.shouldPause(runOf('a', 'r', 'Weather in Rome?'), 'decide', null)).toBeNull();
    expect(c.shouldPause(runOf('a', 'r', 'Weather in Paris?', 'agents.a.direct'), 'decide', null)).toBeNull();
    c.setBreakpoints([withCondition('a', 'observe', { kind: 'message', subject: 'agents.>' })]);
    expect(c.shouldPause(runOf('a', 'r', 'x', 'agents.a.direct'), 'observe', null)).toEqual({ reason: 'condition', detail: 'message on agents.a.direct' });
    expect(c.shouldPause(runOf('a', 'r', 'x', 'other.a.direct'), 'observe', null)).toBeNull();
    c.setBreakpoints([withCondition('a', 'orient', { kind: 'message', text: 'ROME' })]);
    expect(c.shouldPause(runOf('a', 'r', 'rome, please', 'anything'), 'orient', null)?.reason).toBe('condition');
  });

  it('a failedReply condition stops before the Observe that sees a failed tool result or a failed reply', () => {
    const c = new StepController();
    c.setBreakpoints([withCondition('a', 'observe', { kind: 'failedReply' })]);
    expect(c.shouldPause(runOf('a', 'r'), 'observe', observation())).toBeNull();
    expect(c.shouldPause(runOf('a', 'r'), 'observe', observation([{ name: 'ask', content: 'fine', isError: false }]))).toBeNull();
    expect(c.shouldPause(runOf('a', 'r'), 'observe', observation([{ name: 'ask', content: 'fine', isError: false }, { name: 'ask_agent', content: 'b failed: no model', isError: true }]))).toEqual({
      reason: 'condition',
      detail: 'failed result of ask_agent: b failed: no model',
    });
    const failedReply = runOf('a', 'r', 'timed out', 'agents.a.direct', { status: 'failed', error: 'timed out' });
    expect(c.shouldPause(failedReply, 'observe', observation())).toEqual({ reason: 'condition', detail: 'failed reply from user: timed out' });
  });

  it('refuses, changing nothing, a condition it cannot evaluate where it is set', () => {
    const c = new StepController();
    c.setBreakpoint('a', 'decide');
    expect(() => c.setBreakpoints([withCondition('a', 'observe', { kind: 'tool', name: 'get_weather' })])).toThrow('a before observe: A tool condition can only break before act');
    expect(() => c.setBreakpoints([withCondition('a', 'decide', { kind: 'failedReply' })])).toThrow(/can only break before observe/);
    expect(() => c.setBreakpoints([withCondition('a', 'decide', { kind: 'message', subject: 'agents.>.x' })])).toThrow(/"agents\.>\.x" is not a subject pattern/);
    expect(() => c.setBreakpoints([withCondition('a', 'decide', { kind: 'message' })])).toThrow(/needs a subject pattern, a text, or both/);
    expect(c.listBreakpoints()).toEqual([{ agent: 'a', phase: 'decide' }]);
  });

  it('resumes with the payload, or with a validated replacement before Act (a bad one leaves the run paused)', async () => {
    const { controller: c, events, clock } = counted();
    const seen: string[] = [];
    events.onAny((name) => seen.push(name));
    const waiting = c.wait({ agent: 'a', runId: 'r', turn: 1, phase: 'act', payload: { text: 'model' }, cause: { reason: 'condition', detail: 'tool x' } }, (v) => {
      if (typeof (v as { text?: unknown }).text !== 'string') throw new Error('not a decision');
      return v as { text: string };
    });
    const paused = { agent: 'a', runId: 'r', turn: 1, phase: 'act', payload: { text: 'model' }, pausedAt: new Date(clock.now()).toISOString(), reason: 'condition', detail: 'tool x' };
    expect(c.paused()).toEqual([paused]);
    expect(() => c.resume('r', { replace: { text: 1 } })).toThrow('not a decision');
    expect(c.paused()).toEqual([paused]);
    expect(() => c.resume('nope')).toThrow('is not paused');
    c.resume('r', { replace: { text: 'edited' } });
    expect(c.paused()).toEqual([]);
    expect(await waiting).toEqual({ text: 'edited' });
    expect(seen).toEqual(['ooda.paused', 'ooda.resumed']);
  });

  it('dates a pause with its clock and says why in the paused event', async () => {
    const clock = new TestClock(Date.UTC(2026, 11, 6, 12, 0, 0));
    const events = new RuntimeEventBus();
    const causes: unknown[] = [];
    events.on('ooda.paused', (p) => causes.push(p.cause));
    const c = new StepController(events, { clock });
    c.pause('a');
    await clock.advance(1500);
    const waiting = enter(c, runOf('a', 'r'), 'orient');
    expect(c.paused()[0]).toMatchObject({ pausedAt: '2026-12-06T12:00:01.500Z', reason: 'pause', detail: null });
    expect(causes).toEqual([{ reason: 'pause', detail: null }]);
    c.resume('r');
    await waiting;
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
    expect(c.shouldPause(runOf('a', 'r'), 'orient', null)).toEqual({ reason: 'step', detail: null });
    expect(c.shouldPause(runOf('a', 'other-run'), 'orient', null)).toBeNull();
  });

  it('after a step over, runs the rest of the cycle and pauses before the next Observe of the same run', async () => {
    const { controller: c } = counted();
    c.setBreakpoint('a', 'decide');
    const atDecide = enter(c, runOf('a', 'r'), 'decide');
    c.resume('r', { mode: 'stepOver' });
    await atDecide;
    c.setBreakpoint('a', 'decide', false);
    expect(c.shouldPause(runOf('a', 'r'), 'act', null)).toBeNull();
    expect(c.shouldPause(runOf('a', 'other'), 'observe', null)).toBeNull();
    expect(c.shouldPause(runOf('a', 'r'), 'observe', null)).toEqual({ reason: 'step', detail: 'step over' });
    // A run that ends before its next Observe leaves nothing behind: the controller is idle again.
    const atAct = (c.setBreakpoint('a', 'act'), enter(c, runOf('a', 'r2'), 'act'));
    c.setBreakpoint('a', 'act', false);
    c.resume('r2', { mode: 'stepOver' });
    await atAct;
    c.runEnded('r2');
    c.runEnded('r');
    expect(c.shouldPause(runOf('a', 'r2'), 'observe', null)).toBeNull();
    expect(c.idle).toBe(true);
  });

  it('pause all stops each agent once before its next phase; continue all releases every run and keeps breakpoints', async () => {
    const c = new StepController();
    c.setBreakpoint('c', 'act');
    c.pause();
    const a = enter(c, runOf('a', 'ra'), 'orient');
    const b = enter(c, runOf('b', 'rb'), 'decide');
    expect(c.paused().map((p) => [p.agent, p.reason, p.detail])).toEqual([
      ['a', 'pause', 'pause all'],
      ['b', 'pause', 'pause all'],
    ]);
    // a went on by itself: it does not stop again for this pause all; an agent that has not stopped yet still does.
    c.resume('ra');
    await a;
    expect(c.shouldPause(runOf('a', 'ra'), 'decide', null)).toBeNull();
    expect(c.shouldPause(runOf('d', 'rd'), 'observe', null)).toEqual({ reason: 'pause', detail: 'pause all' });
    c.pause('a');
    c.continueAll();
    expect(c.paused()).toEqual([]);
    expect(await b).toBeNull();
    expect(c.shouldPause(runOf('a', 'ra'), 'decide', null)).toBeNull();
    expect(c.shouldPause(runOf('d', 'rd'), 'observe', null)).toBeNull();
    expect(c.shouldPause(runOf('c', 'rc'), 'act', null)).toEqual({ reason: 'breakpoint', detail: null });
    expect(c.listBreakpoints()).toEqual([{ agent: 'c', phase: 'act' }]);
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
