/**
 * The durable workflow engine (seed 003): every state change of a workflow instance is a record
 * published to the AI_WORKFLOWS stream before (started) and after (completed / failed) its step's
 * agent is asked. On start the engine reads the whole stream back (an ordered consumer from the
 * first record: the stream, not a consumer's ack position, says which steps finished), then picks
 * up every unfinished instance of the workflows it runs at its first unfinished step. A completed
 * step is never asked again; its result is read from its record. Records carry a message id, so a
 * record written again after a restart is stored once.
 */
import { jetstream, jetstreamManager, type ConsumerMessages, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { RuntimeEventBus } from '../../protocol/runtime-events.js';
import {
  DEFAULT_STEP_INPUT,
  WORKFLOW_ENGINE_AGENT,
  WORKFLOW_STREAM,
  WORKFLOW_SUBJECTS,
  WorkflowRecordSchema,
  fillStepInput,
  newWorkflowId,
  workflowRecordMsgId,
  workflowSubject,
  type WorkflowRecord,
} from '../../protocol/workflow-record.js';
import type { WorkflowSpec } from '../../topology/schema.js';
import { systemClock, type Clock } from '../clock.js';
import type { JetStreamBuckets } from '../jetstream-buckets.js';
import { foldRecord, instanceKey, resumePoint, stepResults, type ResumePoint, type WorkflowInstance } from './workflow-state.js';

/** Asks `agent` one step's input; resolves with its answer, rejects with the reason it failed. */
export type AskAgent = (agent: string, input: string, timeoutMs: number) => Promise<string>;

/** Options for {@link WorkflowEngine}. */
export interface WorkflowEngineOptions {
  nc: NatsConnection;
  /** Every workflow of the topology (requests may name any). */
  workflows: readonly WorkflowSpec[];
  /** The names of those this run executes; the others' records are read, not acted on. */
  runs: ReadonlySet<string>;
  buckets: JetStreamBuckets;
  events: RuntimeEventBus;
  ask: AskAgent;
  warn: (text: string) => void;
  /** Pause before attempt `attempt` (default 250 ms doubling, at most 5 s). */
  retryPauseMs?: (attempt: number) => number;
  /** Times the pauses between attempts (tests pass a controllable one); the real one by default. */
  clock?: Clock;
}

/** How a workflow instance ended. */
export interface WorkflowOutcome {
  workflow: string;
  id: string;
  status: 'finished' | 'failed';
  /** The last step's result when finished. */
  result: string | null;
  /** Why it failed. */
  reason: string | null;
}

/** What an {@link AskAgent} throws when its run is stopping: the attempt is interrupted, not failed (the next start asks again). */
export class StepInterrupted extends Error {
  constructor() {
    super('the run is stopping');
  }
}

const defaultPause = (attempt: number) => Math.min(5000, 250 * 2 ** Math.max(0, attempt - 2));

/** Runs and resumes the topology's workflows from their stream; start it with {@link start}. */
export class WorkflowEngine {
  private readonly instances = new Map<string, WorkflowInstance>();
  private readonly active = new Set<string>();
  private readonly waiters = new Map<string, ((outcome: WorkflowOutcome) => void)[]>();
  /** Ends each pause between attempts now (a stop must not leave them pending). */
  private readonly pauses = new Set<() => void>();
  private readonly specs: Map<string, WorkflowSpec>;
  private readonly js: JetStreamClient;
  private messages: ConsumerMessages | null = null;
  private caughtUp = false;
  private stopped = false;
  private invalidSaid = false;

  constructor(private readonly options: WorkflowEngineOptions) {
    this.specs = new Map(options.workflows.map((w) => [w.name, w]));
    this.js = jetstream(options.nc, { timeout: 2000, checkAPI: false });
  }

  /** Opens the stream and reads it to its end; unfinished instances then resume (not awaited: they run on). */
  async start(): Promise<void> {
    const { nc, buckets } = this.options;
    const deadline = buckets.deadline();
    await buckets.openStream(nc, WORKFLOW_STREAM, [WORKFLOW_SUBJECTS], deadline);
    const jsm = await jetstreamManager(nc, { timeout: 2000, checkAPI: false });
    const { last_seq: last, messages: stored } = (await buckets.retry(() => jsm.streams.info(WORKFLOW_STREAM), deadline)).state;
    // An ordered consumer from the first record: nothing of it is left on the server after a kill.
    const consumer = await buckets.retry(() => this.js.consumers.get(WORKFLOW_STREAM), deadline);
    const messages = (this.messages = await consumer.consume());
    let markCaughtUp!: () => void;
    let readFailed!: (error: Error) => void;
    const caughtUp = new Promise<void>((resolve, reject) => ((markCaughtUp = resolve), (readFailed = reject)));
    // The last record may be gone (a purge, a removed message): an empty stream, or the consumer saying
    // nothing more is pending, is read to its end too — else the start would wait for a record never delivered.
    if (stored === 0) markCaughtUp();
    void (async () => {
      for await (const msg of messages) {
        this.onRecord(msg);
        if (msg.seq >= last || msg.info.pending === 0) markCaughtUp();
      }
    })()
      .catch((error: unknown) => {
        if (!this.stopped) this.options.warn(`workflows: reading ${WORKFLOW_STREAM} stopped: ${(error as Error).message}`);
      })
      // The reading ended before the stream was read to its end: the start fails rather than waiting on.
      .finally(() => readFailed(new Error(`reading ${WORKFLOW_STREAM} ended before its last record`)));
    await caughtUp;
    this.caughtUp = true;
    for (const instance of this.instances.values()) this.pickUp(instance, true);
  }

  /** Starts workflow `name` with `input` (recorded first, so a kill right after still runs it); `outcome` settles when it ends, whichever run executes it. */
  async request(name: string, input: string): Promise<{ id: string; outcome: Promise<WorkflowOutcome> }> {
    if (!this.specs.has(name)) {
      const known = [...this.specs.keys()];
      throw new Error(`no workflow named "${name}"${known.length ? `; declared: ${known.join(', ')}` : ''}.`);
    }
    const id = newWorkflowId();
    const outcome = new Promise<WorkflowOutcome>((resolve) => {
      const key = instanceKey(name, id);
      this.waiters.set(key, [...(this.waiters.get(key) ?? []), resolve]);
    });
    await this.publish({ workflow: name, id, step: null, status: 'requested', attempt: 0, text: input, reason: null });
    return { id, outcome };
  }

  /** Stops reading and running: an instance in flight stays unfinished in the stream, for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const end of [...this.pauses]) end();
    await this.messages?.close().catch(() => undefined);
  }

  private onRecord(msg: JsMsg): void {
    const parsed = WorkflowRecordSchema.safeParse(safeJson(msg));
    if (!parsed.success) {
      if (!this.invalidSaid) this.options.warn(`workflows: skipped a record on ${msg.subject} that is not a workflow record (${parsed.error.issues[0]?.message ?? 'invalid'}).`);
      this.invalidSaid = true;
      return;
    }
    const instance = foldRecord(this.instances, parsed.data);
    if (instance.status !== 'running') {
      const key = instanceKey(instance.workflow, instance.id);
      const outcome: WorkflowOutcome = { workflow: instance.workflow, id: instance.id, status: instance.status, result: instance.result, reason: instance.reason };
      for (const resolve of this.waiters.get(key) ?? []) resolve(outcome);
      this.waiters.delete(key);
    } else if (this.caughtUp && parsed.data.status === 'requested') this.pickUp(instance, false);
  }

  /** Runs `instance` when this run executes its workflow and nothing runs it here yet. */
  private pickUp(instance: WorkflowInstance, resumed: boolean): void {
    const spec = this.specs.get(instance.workflow);
    const key = instanceKey(instance.workflow, instance.id);
    if (!spec || !this.options.runs.has(spec.name) || instance.status !== 'running' || this.active.has(key) || this.stopped) return;
    const point = resumePoint(spec, instance) ?? { index: spec.steps.length, attempt: 1, done: spec.steps.map((s) => s.name), interrupted: false };
    const { events } = this.options;
    const base = { agent: WORKFLOW_ENGINE_AGENT, workflow: spec.name, workflowId: instance.id };
    // Said once this run has claimed the instance's next attempt (another run may have claimed it first).
    const announce = () =>
      resumed
        ? events.emit('workflow.resumed', { ...base, step: spec.steps[point.index]?.name ?? '(finish)', attempt: point.attempt, done: point.done, interrupted: point.interrupted })
        : events.emit('workflow.started', { ...base, input: instance.input, steps: spec.steps.map((s) => s.name) });
    this.active.add(key);
    void this.drive(spec, instance, point, announce)
      .catch((error: unknown) => {
        // The stream could not take a record: nothing is lost, the next start goes on from what it holds.
        if (!this.stopped) this.options.warn(`workflow ${spec.name} ${instance.id}: ${(error as Error).message}; it goes on when the run is started again.`);
      })
      .finally(() => this.active.delete(key));
  }

  /** Runs the steps from `from` on: each attempt recorded before and after its agent is asked; bounded retries. */
  private async drive(spec: WorkflowSpec, instance: WorkflowInstance, from: ResumePoint, announce: () => void): Promise<void> {
    let announced = false;
    const claimed = () => {
      if (!announced) announce();
      announced = true;
    };
    const results = stepResults(instance);
    const { events } = this.options;
    const base = { workflow: spec.name, workflowId: instance.id };
    let previous = from.index === 0 ? instance.input : (results.get(spec.steps[from.index - 1]!.name) ?? instance.input);
    let lastReason = from.interrupted ? 'the run was killed during it' : (instance.steps.get(spec.steps[from.index]?.name ?? '')?.lastReason ?? null);
    for (let i = from.index; i < spec.steps.length; i++) {
      const step = spec.steps[i]!;
      for (let attempt = i === from.index ? from.attempt : 1; ; attempt++) {
        if (attempt > spec.maxAttempts) {
          const reason = `step ${step.name} (${step.agent}) failed ${spec.maxAttempts} time(s): ${lastReason ?? 'unknown'}`;
          claimed();
          await this.publish({ workflow: spec.name, id: instance.id, step: null, status: 'failed', attempt: 0, text: null, reason });
          events.emit('workflow.failed', { agent: WORKFLOW_ENGINE_AGENT, ...base, step: step.name, attempts: spec.maxAttempts, reason });
          return;
        }
        const input = fillStepInput(step.input ?? DEFAULT_STEP_INPUT, { input: instance.input, previous, steps: results });
        // The attempt's message id is its claim: a run that finds it already stored (two runs picked the
        // instance up) leaves the instance to the run that recorded it first.
        if (!(await this.publish({ workflow: spec.name, id: instance.id, step: step.name, status: 'started', attempt, text: null, reason: null }))) return;
        claimed();
        events.emit('workflow.stepStarted', { agent: step.agent, ...base, step: step.name, attempt, input });
        const started = performance.now();
        let answer: string;
        try {
          answer = await this.options.ask(step.agent, input, spec.stepTimeoutMs);
        } catch (error) {
          if (this.stopped || error instanceof StepInterrupted) return; // interrupted by the stop, not failed: the next start asks again
          lastReason = error instanceof Error ? error.message : String(error);
          await this.publish({ workflow: spec.name, id: instance.id, step: step.name, status: 'failed', attempt, text: null, reason: lastReason });
          events.emit('workflow.stepFinished', { agent: step.agent, ...base, step: step.name, attempt, status: 'failed', result: null, error: lastReason, durationMs: performance.now() - started });
          if (attempt < spec.maxAttempts) await this.pause((this.options.retryPauseMs ?? defaultPause)(attempt + 1));
          if (this.stopped) return;
          continue;
        }
        if (this.stopped) return;
        await this.publish({ workflow: spec.name, id: instance.id, step: step.name, status: 'completed', attempt, text: answer, reason: null });
        events.emit('workflow.stepFinished', { agent: step.agent, ...base, step: step.name, attempt, status: 'completed', result: answer, error: null, durationMs: performance.now() - started });
        results.set(step.name, answer);
        previous = answer;
        break;
      }
    }
    claimed(); // nothing was left to run: only the finish to record
    await this.publish({ workflow: spec.name, id: instance.id, step: null, status: 'finished', attempt: 0, text: previous, reason: null });
    events.emit('workflow.finished', { agent: WORKFLOW_ENGINE_AGENT, ...base, result: previous });
  }

  /** Waits `ms` before the next attempt, or until the stop (then the drive returns: the next start goes on). */
  private pause(ms: number): Promise<void> {
    const clock = this.options.clock ?? systemClock;
    return new Promise((resolve) => {
      const end = () => {
        this.pauses.delete(end);
        clock.clear(timer);
        resolve();
      };
      const timer = clock.setTimeout(end, ms);
      this.pauses.add(end);
    });
  }

  /** Publishes one record to the stream (retried through an election) with its message id; false when the stream already held it (stored once). */
  private async publish(fields: Omit<WorkflowRecord, 'at'>): Promise<boolean> {
    const record: WorkflowRecord = { ...fields, at: new Date().toISOString() };
    const { buckets } = this.options;
    const ack = await buckets.retry(() => this.js.publish(workflowSubject(record.workflow, record.id, record.step), JSON.stringify(record), { msgID: workflowRecordMsgId(record) }));
    return !ack.duplicate;
  }
}

function safeJson(msg: JsMsg): unknown {
  try {
    return msg.json();
  } catch {
    return null;
  }
}
