/**
 * The debugger's engine: per agent and per phase breakpoints, unconditional or conditional (a
 * tool about to be called, a matching incoming message, a failed result); pause one agent or all,
 * step to the next phase, step over the rest of a cycle, continue one run or all; and, at a pause
 * before Act, a replacement decision. A paused run waits on a promise, so pausing one agent never
 * blocks the broker or any other agent. With no breakpoints, no stepping and no pause request,
 * `shouldPause` is one flag check: the cost of having a controller at all is near zero, and
 * conditions are evaluated only for agents that have a conditional breakpoint at that phase.
 */
import { conditionProblem, type Breakpoint, type BreakpointCondition } from '../protocol/breakpoint.js';
import type { OodaPhase, PauseReason, ResumeMode, RuntimeEventBus } from '../protocol/runtime-events.js';
import { evaluateCondition, type ConditionEvaluator, type RunContext } from './breakpoint-conditions.js';
import { systemClock, type Clock } from './clock.js';

/** Why a run stops, and what hit ("tool get_weather"); null detail when the reason says it all. */
export interface PauseCause {
  reason: PauseReason;
  detail: string | null;
}

/** A run waiting at a phase, since when (ISO, from the controller's clock) and why. */
export interface PausedRun extends PauseCause {
  agent: string;
  runId: string;
  turn: number;
  phase: OodaPhase;
  payload: unknown;
  pausedAt: string;
}

/** How a paused run goes on. */
export interface ResumeOptions {
  /** `continue` runs to the next breakpoint; `step` pauses again before the next phase; `stepOver` before the next Observe of the same run. */
  mode?: ResumeMode;
  /** Before Act only: the decision to act on instead of the model's. */
  replace?: unknown;
}

/** Options for {@link StepController}. */
export interface StepControllerOptions {
  /** Dates `pausedAt`; the system clock unless a test drives time. */
  clock?: Clock;
  /** Decides whether a condition hits (tests count its calls). */
  evaluate?: ConditionEvaluator;
}

interface Waiting extends PausedRun {
  resolve: (options: ResumeOptions) => void;
  /** Checks a replacement decision; throws with the reason it is not one. */
  validate: ((replacement: unknown) => unknown) | undefined;
}

/** One agent's breakpoints: phases that always stop, and conditional ones. */
interface AgentBreakpoints {
  phases: Set<OodaPhase>;
  conditions: { phase: OodaPhase; condition: BreakpointCondition }[];
}

const BREAKPOINT: PauseCause = { reason: 'breakpoint', detail: null };
const STEP: PauseCause = { reason: 'step', detail: null };
const STEP_OVER: PauseCause = { reason: 'step', detail: 'step over' };
const PAUSE: PauseCause = { reason: 'pause', detail: null };
const PAUSE_ALL: PauseCause = { reason: 'pause', detail: 'pause all' };

/** Throws with every breakpoint whose condition cannot be evaluated where it is set. */
function refuseProblems(list: readonly Breakpoint[]): void {
  const problems = list.flatMap(({ agent, phase, condition }) => {
    const problem = condition ? conditionProblem(phase, condition) : null;
    return problem ? [`${agent} before ${phase}: ${problem}`] : [];
  });
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

/** Breakpoints and paused runs for one network of agents. */
export class StepController {
  private readonly byAgent = new Map<string, AgentBreakpoints>();
  /** Runs that stop before their next phase (after a `step`). */
  private readonly stepping = new Set<string>();
  /** Runs that stop before their next Observe (after a `stepOver`). */
  private readonly steppingOver = new Set<string>();
  /** Agents whose next phase of any run stops (the "pause" button). */
  private readonly pauseRequested = new Set<string>();
  /** "Pause all": every agent stops before its next phase, once (those that did are in `pausedByAll`). */
  private pauseAll = false;
  private readonly pausedByAll = new Set<string>();
  private readonly waiting = new Map<string, Waiting>();
  /** False when nothing can stop a run: the hot path's one check. */
  private armed = false;
  private readonly clock: Clock;
  private readonly evaluate: ConditionEvaluator;

  constructor(
    private readonly events?: RuntimeEventBus,
    options: StepControllerOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.evaluate = options.evaluate ?? evaluateCondition;
  }

  /** Sets or clears an unconditional breakpoint before `phase` of `agent`. */
  setBreakpoint(agent: string, phase: OodaPhase, enabled = true): void {
    if (enabled) this.agentBreakpoints(agent).phases.add(phase);
    else this.byAgent.get(agent)?.phases.delete(phase);
    this.prune(agent);
  }

  /**
   * Replaces every breakpoint with `list` (the designer sends the whole set when it changes).
   * Throws, changing nothing, when a condition cannot be evaluated where it is set.
   */
  setBreakpoints(list: readonly Breakpoint[]): void {
    refuseProblems(list);
    this.byAgent.clear();
    this.add(list);
  }

  /** Adds `list` to the breakpoints; throws, changing nothing, when a condition cannot be evaluated where it is set. */
  addBreakpoints(list: readonly Breakpoint[]): void {
    refuseProblems(list);
    this.add(list);
  }

  /** All breakpoints, unconditional ones first per agent. */
  listBreakpoints(): Breakpoint[] {
    return [...this.byAgent].flatMap(([agent, { phases, conditions }]) => [
      ...[...phases].map((phase): Breakpoint => ({ agent, phase })),
      ...conditions.map(({ phase, condition }): Breakpoint => ({ agent, phase, condition })),
    ]);
  }

  /** Stops `agent` before the next phase of whatever run it is in or starts next; with no agent, every agent (each once). */
  pause(agent?: string): void {
    if (agent === undefined) {
      this.pauseAll = true;
      this.pausedByAll.clear();
    } else {
      this.pauseRequested.add(agent);
    }
    this.rearm();
  }

  /** True when nothing can stop a run (no breakpoint, step or pause request): `shouldPause` answers at once. */
  get idle(): boolean {
    return !this.armed;
  }

  /** The runs waiting now. */
  paused(): PausedRun[] {
    return [...this.waiting.values()].map(({ resolve: _resolve, validate: _validate, ...run }) => run);
  }

  /** Why a run of `run.agent` must stop before `phase` (whose input is `payload`), or null. The hot path: one check when idle. */
  shouldPause(run: RunContext, phase: OodaPhase, payload: unknown): PauseCause | null {
    if (!this.armed) return null;
    return this.causeOf(run, phase, payload);
  }

  /**
   * Waits at `phase` until resumed; resolves with the payload to go on with (maybe replaced).
   * `validate` checks a replacement decision when resume() is called, so a bad edit is refused to
   * the debugger and the run stays paused.
   */
  async wait<T>(
    run: { agent: string; runId: string; turn: number; phase: OodaPhase; payload: T; cause?: PauseCause },
    validate?: (replacement: unknown) => T,
  ): Promise<T> {
    const { cause = BREAKPOINT, ...where } = run;
    // Any stop answers this agent's pause request, and this run's step.
    this.pauseRequested.delete(run.agent);
    if (this.pauseAll) this.pausedByAll.add(run.agent);
    this.stepping.delete(run.runId);
    this.steppingOver.delete(run.runId);
    this.rearm();
    const pausedAt = new Date(this.clock.now()).toISOString();
    const options = await new Promise<ResumeOptions>((resolve) => {
      this.waiting.set(run.runId, { ...where, pausedAt, reason: cause.reason, detail: cause.detail, resolve, validate });
      this.events?.emit('ooda.paused', { agent: run.agent, runId: run.runId, turn: run.turn, phase: run.phase, payload: run.payload, cause: { reason: cause.reason, detail: cause.detail } });
    });
    const edited = options.replace !== undefined;
    const mode = options.mode ?? 'continue';
    if (mode === 'step') this.stepping.add(run.runId);
    if (mode === 'stepOver') this.steppingOver.add(run.runId);
    this.rearm();
    this.events?.emit('ooda.resumed', { agent: run.agent, runId: run.runId, phase: run.phase, mode, edited });
    return edited ? (options.replace as T) : run.payload;
  }

  /** Resumes one paused run. Throws when that run is not paused, or on a replacement not before Act (the run stays paused). */
  resume(runId: string, options: ResumeOptions = {}): void {
    const run = this.waiting.get(runId);
    if (!run) throw new Error(`Run ${runId} is not paused.`);
    if (options.replace !== undefined && run.phase !== 'act') {
      throw new Error(`Run ${runId} is paused before ${run.phase}; only the decision before Act can be replaced.`);
    }
    const replace = options.replace !== undefined && run.validate ? run.validate(options.replace) : options.replace;
    this.waiting.delete(runId);
    run.resolve({ ...options, replace });
  }

  /** Resumes every paused run and forgets pause requests and steps; breakpoints stay. */
  continueAll(): void {
    this.pauseRequested.clear();
    this.pauseAll = false;
    this.pausedByAll.clear();
    this.stepping.clear();
    this.steppingOver.clear();
    this.rearm();
    this.releaseWaiting();
  }

  /** Forgets what the controller keeps for a run that ended (a step it was asked to take). */
  runEnded(runId: string): void {
    if (!this.armed) return;
    this.stepping.delete(runId);
    this.steppingOver.delete(runId);
    this.rearm();
  }

  /** Resumes every paused run and forgets all breakpoints (stopping a network). */
  releaseAll(): void {
    this.byAgent.clear();
    this.continueAll();
  }

  private causeOf(run: RunContext, phase: OodaPhase, payload: unknown): PauseCause | null {
    if (this.stepping.has(run.runId)) return STEP;
    if (phase === 'observe' && this.steppingOver.has(run.runId)) return STEP_OVER;
    const breakpoints = this.byAgent.get(run.agent);
    if (breakpoints) {
      if (breakpoints.phases.has(phase)) return BREAKPOINT;
      for (const bp of breakpoints.conditions) {
        if (bp.phase !== phase) continue;
        const detail = this.evaluate(bp.condition, run, payload);
        if (detail !== null) return { reason: 'condition', detail };
      }
    }
    if (this.pauseRequested.has(run.agent)) return PAUSE;
    if (this.pauseAll && !this.pausedByAll.has(run.agent)) return PAUSE_ALL;
    return null;
  }

  private add(list: readonly Breakpoint[]): void {
    for (const { agent, phase, condition } of list) {
      const breakpoints = this.agentBreakpoints(agent);
      if (condition) breakpoints.conditions.push({ phase, condition });
      else breakpoints.phases.add(phase);
    }
    this.rearm();
  }

  private releaseWaiting(): void {
    const runs = [...this.waiting.values()];
    this.waiting.clear();
    for (const run of runs) run.resolve({ mode: 'continue' });
  }

  private agentBreakpoints(agent: string): AgentBreakpoints {
    let breakpoints = this.byAgent.get(agent);
    if (!breakpoints) this.byAgent.set(agent, (breakpoints = { phases: new Set(), conditions: [] }));
    return breakpoints;
  }

  /** Drops an agent left without breakpoints, so an empty controller is idle again. */
  private prune(agent: string): void {
    const breakpoints = this.byAgent.get(agent);
    if (breakpoints && breakpoints.phases.size === 0 && breakpoints.conditions.length === 0) this.byAgent.delete(agent);
    this.rearm();
  }

  private rearm(): void {
    this.armed = this.byAgent.size > 0 || this.stepping.size > 0 || this.steppingOver.size > 0 || this.pauseRequested.size > 0 || this.pauseAll;
  }
}
