/** `switchboard run FILE --workflow NAME --input TEXT`: starts a durable workflow and waits for its end. */
import type { RunSession } from '../host/run-session.js';
import { RunFailure } from '../host/run-session-failure.js';
import { UsageError } from './flags.js';
import type { Topology } from '../../agents/topology/schema.js';

/** --workflow must name a workflow of the topology that this run executes (checked before any server starts). */
export function checkWorkflowFlag(topology: Topology, workflow: string | undefined, to: string | undefined, input: string | undefined, only: readonly string[] | undefined): void {
  if (workflow === undefined) return;
  if (to !== undefined) throw new UsageError('give --to or --workflow, not both.');
  if (input === undefined) throw new UsageError('--workflow needs --input (the workflow\'s input).');
  const declared = (topology.spec.workflows ?? []).map((w) => w.name);
  if (!declared.includes(workflow)) throw new UsageError(`--workflow: no workflow named ${workflow} in ${topology.metadata.name}${declared.length ? ` (declared: ${declared.join(', ')})` : ''}.`);
  const first = topology.spec.workflows!.find((w) => w.name === workflow)!.steps[0]!.agent;
  if (only && !only.includes(first)) throw new UsageError(`--workflow ${workflow} is executed by the run of its first step's agent: add ${first} to --only.`);
}

/**
 * Records the workflow's start in its stream, then waits for its end (whichever run executes it),
 * for at most `timeoutMs` or until `signal`: the workflow itself goes on in the stream either way.
 */
export async function runWorkflow(session: RunSession, workflow: string, input: string, signal: Promise<NodeJS.Signals>, timeoutMs: number, log: (text: string) => void): Promise<string> {
  const engine = session.workflows;
  if (!engine) throw new RunFailure('usage', 'the topology declares no workflows.');
  const { id, outcome } = await engine.request(workflow, input);
  log(`workflow ${workflow} ${id} requested (its steps are kept in the AI_WORKFLOWS stream: a run started again resumes it).`);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new RunFailure('request_failed', `workflow ${workflow} ${id} did not end within ${timeoutMs / 1000} s (it goes on in the stream).`)), timeoutMs)));
  const stopped = signal.then((name) => Promise.reject(new RunFailure('request_failed', `${name} arrived before workflow ${workflow} ${id} ended (it goes on when the run is started again).`)));
  try {
    const ended = await Promise.race([outcome, late, stopped]);
    if (ended.status === 'failed') throw new RunFailure('request_failed', `workflow ${workflow} ${id} failed: ${ended.reason ?? 'unknown'}`);
    return ended.result ?? '';
  } finally {
    clearTimeout(timer);
  }
}
