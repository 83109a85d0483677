/**
 * Durable workflows (seed 003, "JetStream for Persistent Workflows"): the records a workflow's
 * state is kept as in a JetStream stream, their subjects, the runtime events the engine emits, and
 * the step input templates. Isomorphic: the trace explorer and the validator read them too.
 *
 * Subjects are seed 003's `ai.workflows.{workflow_name}.{step}` with the instance id between the
 * two (`ai.workflows.{workflow}.{id}.{step}`): one workflow runs many times, and each instance's
 * records must be told apart (and read back) by subject. The workflow's own records (requested,
 * finished, failed) are on `ai.workflows.{workflow}.{id}`.
 */
import { z } from 'zod';

/** The stream holding every workflow record (seed 003 names its stream AI_WORKFLOWS). */
export const WORKFLOW_STREAM = 'AI_WORKFLOWS';
/** The subjects of {@link WORKFLOW_STREAM}. */
export const WORKFLOW_SUBJECTS = 'ai.workflows.>';
/** The `agent` of the engine's own events (a workflow is not an agent of the topology). */
export const WORKFLOW_ENGINE_AGENT = 'switchboard-workflows';

/** The subject of a workflow's own record (`step` null) or of one of its steps' records. */
export function workflowSubject(workflow: string, id: string, step: string | null = null): string {
  return `ai.workflows.${workflow}.${id}${step === null ? '' : `.${step}`}`;
}

/** The instance id a workflow record's subject names, or null for any other subject (one startsWith for the rest). */
export function workflowIdOfSubject(subject: string): string | null {
  if (!subject.startsWith('ai.workflows.')) return null;
  return subject.split('.')[3] ?? null;
}

/** One record in the stream: a workflow requested/finished/failed, or a step started/completed/failed. */
export const WorkflowRecordSchema = z.object({
  workflow: z.string().min(1),
  id: z.string().min(1),
  /** The step, or null for the workflow's own records. */
  step: z.string().nullable(),
  status: z.enum(['requested', 'started', 'completed', 'failed', 'finished']),
  /** The step's attempt (1 for the first), 0 for the workflow's own records. */
  attempt: z.number().int().min(0),
  /** `requested`: the workflow's input; a step's `completed` / the workflow's `finished`: the result. */
  text: z.string().nullable(),
  /** Why a step or the workflow failed. */
  reason: z.string().nullable(),
  at: z.string(),
});
export type WorkflowRecord = z.infer<typeof WorkflowRecordSchema>;

/**
 * The JetStream message id of a record: publishing the same record twice (a restarted run that
 * writes what it wrote before being killed) is stored once (the stream's duplicate window).
 */
export function workflowRecordMsgId(record: Pick<WorkflowRecord, 'workflow' | 'id' | 'step' | 'status' | 'attempt'>): string {
  return `${record.workflow}.${record.id}.${record.step ?? ''}.${record.status}.${record.attempt}`;
}

/** A workflow instance id: one subject token, unique enough to never be reused by chance. */
export function newWorkflowId(now = Date.now(), random = Math.random): string {
  return `wf-${now.toString(36)}-${Math.floor(random() * 36 ** 6).toString(36).padStart(6, '0')}`;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;
/** A step's input when it declares none: the previous step's result (the workflow's input for the first). */
export const DEFAULT_STEP_INPUT = '{{previous}}';

/** The placeholders of a step input template that name nothing (`{{steps.X}}` for a step not before it, or an unknown name). */
export function unknownPlaceholders(template: string, earlierSteps: readonly string[]): string[] {
  const bad: string[] = [];
  for (const [, name] of template.matchAll(PLACEHOLDER)) {
    if (name === 'input' || name === 'previous') continue;
    if (name!.startsWith('steps.') && earlierSteps.includes(name!.slice('steps.'.length))) continue;
    bad.push(name!);
  }
  return bad;
}

/** A step's input: its template with the workflow's input, the previous result and earlier steps' results filled in. */
export function fillStepInput(template: string, values: { input: string; previous: string; steps: ReadonlyMap<string, string> }): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    if (name === 'input') return values.input;
    if (name === 'previous') return values.previous;
    if (name.startsWith('steps.')) return values.steps.get(name.slice('steps.'.length)) ?? whole;
    return whole;
  });
}

const agent = z.string();
const workflow = z.string();
const workflowId = z.string();

/** The workflow engine's runtime events (spread into RuntimeEventSchemas). */
export const WorkflowEventSchemas = {
  /** A workflow instance began (recorded in the stream as requested; `agent`: the engine). */
  'workflow.started': z.object({ agent, workflow, workflowId, input: z.string(), steps: z.array(z.string()) }),
  /** A run picked up an unfinished instance from the stream: `step` is where it goes on, `done` the steps already finished (not redone). */
  'workflow.resumed': z.object({ agent, workflow, workflowId, step: z.string(), attempt: z.number(), done: z.array(z.string()), interrupted: z.boolean() }),
  /** A step's attempt began: its agent (`agent`) is asked. */
  'workflow.stepStarted': z.object({ agent, workflow, workflowId, step: z.string(), attempt: z.number(), input: z.string() }),
  /** A step's attempt ended: completed with its result, or failed with the reason (retried while attempts are left). */
  'workflow.stepFinished': z.object({
    agent,
    workflow,
    workflowId,
    step: z.string(),
    attempt: z.number(),
    status: z.enum(['completed', 'failed']),
    result: z.string().nullable(),
    error: z.string().nullable(),
    durationMs: z.number(),
  }),
  /** Every step completed; `result` is the last one's. */
  'workflow.finished': z.object({ agent, workflow, workflowId, result: z.string() }),
  /** A step failed `attempts` times (its last reason): the workflow is failed. */
  'workflow.failed': z.object({ agent, workflow, workflowId, step: z.string(), attempts: z.number(), reason: z.string() }),
} as const;
