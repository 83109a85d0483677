/**
 * The debugger's engine: per agent and per phase breakpoints; pause, step, continue; and, at a
 * pause before Act, a replacement decision. A paused run waits on a promise, so pausing one agent
 * never blocks the broker or any other agent. With no breakpoints and no stepping, `shouldPause`
 * is one size check: the cost of having a controller at all is near zero.
 */
import type { OodaPhase, RuntimeEventBus } from '../protocol/runtime-events.js';

/** A run waiting at a phase. */
export interface PausedRun {
  agent: string;
  runId: string;
  turn: number;
  phase: OodaPhase;
  payload: unknown;
}

/** How a paused run goes on. */
export interface ResumeOptions {
  /** `continue` runs to the next breakpoint; `step` pauses again before the next phase. */
  mode?: 'continue' | 'step';
  /** Before Act only: the decision to act on instead of the model's. */
  replace?: unknown;
}

interface Waiting extends PausedRun {
  resolve: (options: ResumeOptions) => void;
  /** Checks a replacement decision; throws with the reason it is not one. */
  validate: ((replacement: unknown) => unknown) | undefined;
}

const key = (agent: string, phase: OodaPhase) => `${agent}\u0000${phase}`;

/** Breakpoints and paused runs for one network of agents. */
export class StepController {
  private readonly breakpoints = new Set<string>();
  /** Runs that stop before their next phase (after a `step`). */
  private readonly stepping = new Set<string>();
  /** Agents whose next phase of any run stops (the "pause" button). */
  private readonly pauseRequested = new Set<string>();
  private readonly waiting = new Map<string, Waiting>();

  constructor(private readonly events?: RuntimeEventBus) {}

  /** Sets or clears a breakpoint before `phase` of `agent`. */
  setBreakpoint(agent: string, phase: OodaPhase, enabled = true): void {
    if (enabled) this.breakpoints.add(key(agent, phase));
    else this.breakpoints.delete(key(agent, phase));
  }

  /** Replaces every breakpoint with `list` (the designer sends the whole set when it changes). */
  setBreakpoints(list: readonly { agent: string; phase: OodaPhase }[]): void {
    this.breakpoints.clear();
    for (const { agent, phase } of list) this.breakpoints.add(key(agent, phase));
  }

  /** All breakpoints. */
  listBreakpoints(): { agent: string; phase: OodaPhase }[] {
    return [...this.breakpoints].map((k) => {
      const [agent, phase] = k.split('\u0000') as [string, OodaPhase];
      return { agent, phase };
    });
  }

  /** Stops `agent` before the next phase of whatever run it is in or starts next. */
  pause(agent: string): void {
    this.pauseRequested.add(agent);
  }

  /** The runs waiting now. */
  paused(): PausedRun[] {
    return [...this.waiting.values()].map(({ resolve: _resolve, validate: _validate, ...run }) => run);
  }

  /** True when a run of `agent` must stop before `phase`. The hot path: cheap when idle. */
  shouldPause(agent: string, runId: string, phase: OodaPhase): boolean {
    if (this.breakpoints.size === 0 && this.stepping.size === 0 && this.pauseRequested.size === 0) return false;
    return this.breakpoints.has(key(agent, phase)) || this.stepping.has(runId) || this.pauseRequested.has(agent);
  }

  /**
   * Waits at `phase` until resumed; resolves with the payload to go on with (maybe replaced).
   * `validate` checks a replacement decision when resume() is called, so a bad edit is refused to
   * the debugger and the run stays paused.
   */
  async wait<T>(run: { agent: string; runId: string; turn: number; phase: OodaPhase; payload: T }, validate?: (replacement: unknown) => T): Promise<T> {
    this.pauseRequested.delete(run.agent);
    this.stepping.delete(run.runId);
    const options = await new Promise<ResumeOptions>((resolve) => {
      this.waiting.set(run.runId, { ...run, resolve, validate });
      this.events?.emit('ooda.paused', { agent: run.agent, runId: run.runId, turn: run.turn, phase: run.phase, payload: run.payload });
    });
    this.waiting.delete(run.runId);
    const edited = options.replace !== undefined;
    if (options.mode === 'step') this.stepping.add(run.runId);
    this.events?.emit('ooda.resumed', { agent: run.agent, runId: run.runId, phase: run.phase, mode: options.mode ?? 'continue', edited });
    return edited ? (options.replace as T) : run.payload;
  }

  /** Resumes one paused run. Throws when that run is not paused, or on a replacement not before Act. */
  resume(runId: string, options: ResumeOptions = {}): void {
    const run = this.waiting.get(runId);
    if (!run) throw new Error(`Run ${runId} is not paused.`);
    if (options.replace !== undefined && run.phase !== 'act') {
      throw new Error(`Run ${runId} is paused before ${run.phase}; only the decision before Act can be replaced.`);
    }
    const replace = options.replace !== undefined && run.validate ? run.validate(options.replace) : options.replace;
    run.resolve({ ...options, replace });
  }

  /** Resumes every paused run and forgets all breakpoints (stopping a network). */
  releaseAll(): void {
    this.breakpoints.clear();
    this.stepping.clear();
    this.pauseRequested.clear();
    for (const run of this.waiting.values()) run.resolve({ mode: 'continue' });
  }
}
