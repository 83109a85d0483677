/** Seed 004's Budget Envelope for one run: turns, tokens and wall time. */
import { systemClock, type Clock } from './clock.js';

/** Limits for a run; absent means unlimited. */
export interface Budget {
  maxTurns?: number;
  maxTokens?: number;
  timeoutMs?: number;
}

/** Thrown when a run goes past its budget; the run answers with a failed reply. */
export class BudgetExceededError extends Error {
  /** Carried into the failed reply's `error_code`. */
  readonly errorCode = 'budget_exceeded';
  constructor(
    readonly budget: 'max_turns' | 'max_tokens' | 'timeout',
    readonly limit: number,
    readonly used: number,
  ) {
    super(`Budget exceeded: ${budget} (limit ${limit}, used ${used}).`);
    this.name = 'BudgetExceededError';
  }
}

/** Counts what a run spends and says when it is over budget. Time at a breakpoint does not count. */
export class BudgetTracker {
  turns = 0;
  tokens = 0;
  private readonly startedAt: number;
  private pausedMs = 0;
  private pausedSince: number | null = null;

  constructor(
    readonly budget: Budget,
    private readonly clock: Clock = systemClock,
  ) {
    this.startedAt = clock.now();
  }

  /** Called before each Decide: one more turn. */
  startTurn(): void {
    this.turns++;
    const max = this.budget.maxTurns;
    if (max !== undefined && this.turns > max) throw new BudgetExceededError('max_turns', max, this.turns);
  }

  /** Called after each LLM call with what it used. */
  addTokens(n: number): void {
    this.tokens += n;
    const max = this.budget.maxTokens;
    if (max !== undefined && this.tokens > max) throw new BudgetExceededError('max_tokens', max, this.tokens);
  }

  /** Run time so far, without time spent paused in the debugger. */
  elapsedMs(): number {
    const now = this.clock.now();
    const pausedNow = this.pausedSince === null ? 0 : now - this.pausedSince;
    return now - this.startedAt - this.pausedMs - pausedNow;
  }

  /** Time left before the timeout; Infinity without one. */
  remainingMs(): number {
    return this.budget.timeoutMs === undefined ? Infinity : this.budget.timeoutMs - this.elapsedMs();
  }

  /** Throws when the run's time is up. */
  checkTime(): void {
    const max = this.budget.timeoutMs;
    if (max !== undefined && this.remainingMs() <= 0) throw new BudgetExceededError('timeout', max, this.elapsedMs());
  }

  /** Stops the clock (a breakpoint). */
  pauseClock(): void {
    this.pausedSince ??= this.clock.now();
  }

  /** Starts the clock again. */
  resumeClock(): void {
    if (this.pausedSince !== null) this.pausedMs += this.clock.now() - this.pausedSince;
    this.pausedSince = null;
  }
}
