/**
 * Where a run starts the workflow engine: a topology that declares workflows gets one engine per
 * run, on its own connection. Each workflow is executed by the run that starts its first step's
 * agent (every run without --only), so a topology spread over `run --only` processes executes it
 * once; the runs of the other agents start no engine.
 */
import { connect, type NodeConnectionOptions } from '@nats-io/transport-node';
import type { RuntimeEventBus } from '../../protocol/runtime-events.js';
import { inboxPrefixOf } from '../../protocol/subjects.js';
import { WORKFLOW_ENGINE_AGENT, WORKFLOW_STREAM } from '../../protocol/workflow-record.js';
import type { Topology } from '../../topology/schema.js';
import { closeConnection } from '../close-connection.js';
import type { JetStreamBuckets } from '../jetstream-buckets.js';
import { WorkflowEngine, type AskAgent } from './workflow-engine.js';

/** The names of the workflows a run of `only` (all agents when absent) executes. */
export function workflowsRunBy(topology: Topology, only?: readonly string[]): Set<string> {
  return new Set((topology.spec.workflows ?? []).filter((w) => !only || only.includes(w.steps[0]!.agent)).map((w) => w.name));
}

/** A started engine and how to stop it (its connection closed by `deadline`). */
export interface StartedWorkflows {
  engine: WorkflowEngine;
  stop(deadline: number): Promise<void>;
}

/** Starts the engine for `topology`'s workflows, or returns null when this run executes none. */
export async function startWorkflows(options: {
  topology: Topology;
  only?: readonly string[];
  connection: NodeConnectionOptions;
  buckets: JetStreamBuckets;
  events: RuntimeEventBus;
  ask: AskAgent;
  warn: (text: string) => void;
}): Promise<StartedWorkflows | null> {
  const workflows = options.topology.spec.workflows ?? [];
  const runs = workflowsRunBy(options.topology, options.only);
  // A run that executes none opens nothing: its credentials (an exported config) grant no stream.
  if (!runs.size) return null;
  // Its own inbox prefix, as an agent's: an exported config grants it (JetStream API answers, the consumer's deliveries).
  const nc = await connect({ inboxPrefix: inboxPrefixOf(WORKFLOW_ENGINE_AGENT), ...options.connection, name: WORKFLOW_ENGINE_AGENT });
  const engine = new WorkflowEngine({ nc, workflows, runs, buckets: options.buckets, events: options.events, ask: options.ask, warn: options.warn });
  const stop = async (deadline: number) => {
    await engine.stop();
    await closeConnection(nc, deadline);
  };
  try {
    await engine.start();
  } catch (error) {
    await stop(Date.now() + 2000);
    throw new Error(`workflows: cannot open the ${WORKFLOW_STREAM} stream: ${(error as Error).message}`, { cause: error });
  }
  return { engine, stop };
}
