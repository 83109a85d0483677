/**
 * A workflow instance's state, folded from its records in the stream (pure): what a restarted run
 * reads to find each unfinished instance's first unfinished step. Nothing else is kept anywhere:
 * the stream is the state.
 */
import type { WorkflowSpec } from '../../topology/schema.js';
import type { WorkflowRecord } from '../../protocol/workflow-record.js';

/** One step's progress. */
export interface StepProgress {
  /** Its result once completed (a completed step is never run again). */
  result: string | null;
  /** Attempts started (a run killed mid-step leaves one started and never ended). */
  started: number;
  /** The last attempt ended (completed or failed); false while one is in flight or was interrupted. */
  ended: boolean;
  lastReason: string | null;
}

/** One workflow instance, as its records tell it. */
export interface WorkflowInstance {
  workflow: string;
  id: string;
  input: string;
  status: 'running' | 'finished' | 'failed';
  /** The last step's result, once finished. */
  result: string | null;
  /** Why it failed, once failed. */
  reason: string | null;
  steps: Map<string, StepProgress>;
}

/** The key of an instance in a fold's map. */
export const instanceKey = (workflow: string, id: string): string => `${workflow}.${id}`;

/** Applies one record to `instances` (idempotent for a record seen twice, except `started` counts). */
export function foldRecord(instances: Map<string, WorkflowInstance>, record: WorkflowRecord): WorkflowInstance {
  const key = instanceKey(record.workflow, record.id);
  let instance = instances.get(key);
  if (!instance) instances.set(key, (instance = { workflow: record.workflow, id: record.id, input: '', status: 'running', result: null, reason: null, steps: new Map() }));
  if (record.step === null) {
    if (record.status === 'requested') instance.input = record.text ?? '';
    else if (record.status === 'finished') Object.assign(instance, { status: 'finished', result: record.text ?? '' });
    else if (record.status === 'failed') Object.assign(instance, { status: 'failed', reason: record.reason ?? 'failed' });
    return instance;
  }
  let step = instance.steps.get(record.step);
  if (!step) instance.steps.set(record.step, (step = { result: null, started: 0, ended: true, lastReason: null }));
  if (record.status === 'started') {
    // Attempt numbers, not a count of records: a `started` stored twice (it never is: message ids) still counts once.
    step.started = Math.max(step.started, record.attempt);
    step.ended = false;
  } else if (record.status === 'completed') {
    step.result = record.text ?? '';
    step.ended = true;
  } else if (record.status === 'failed') {
    step.ended = true;
    step.lastReason = record.reason;
  }
  return instance;
}

/** Where an unfinished instance goes on. */
export interface ResumePoint {
  /** Index into the workflow's steps. */
  index: number;
  /** The attempt to run next (1 for a step never started). */
  attempt: number;
  /** Steps already completed, in order: their results are reused, never asked again. */
  done: string[];
  /** The step's last attempt was started and never ended: the run doing it was killed. */
  interrupted: boolean;
}

/** The first step of `spec` not completed in `instance`, or null when every step is (the workflow only needs its `finished` record). */
export function resumePoint(spec: WorkflowSpec, instance: WorkflowInstance): ResumePoint | null {
  const done: string[] = [];
  for (const [index, step] of spec.steps.entries()) {
    const progress = instance.steps.get(step.name);
    if (progress?.result != null) {
      done.push(step.name);
      continue;
    }
    return { index, attempt: (progress?.started ?? 0) + 1, done, interrupted: progress !== undefined && !progress.ended };
  }
  return null;
}

/** The completed steps' results, by step name (what `{{steps.NAME}}` reads). */
export function stepResults(instance: WorkflowInstance): Map<string, string> {
  const results = new Map<string, string>();
  for (const [name, step] of instance.steps) if (step.result !== null) results.set(name, step.result);
  return results;
}
