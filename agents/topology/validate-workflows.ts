/**
 * What the schema cannot say about `spec.workflows`: unique workflow and step names, steps that
 * ask an agent which exists and answers, and input templates that name only earlier steps.
 */
import { DEFAULT_STEP_INPUT, unknownPlaceholders } from '../protocol/workflow-record.js';
import type { Topology } from './schema.js';

/** Reports each problem of the topology's workflows through `error` (paths under `spec`). */
export function checkWorkflows(topology: Topology, error: (path: (string | number)[], message: string) => void): void {
  const spec = topology.spec;
  const answers = new Map<string, boolean>([...spec.agents.map((a) => [a.name, true] as const), ...spec.externalAgents.map((a) => [a.name, a.answers] as const)]);
  const names = new Set<string>();
  (spec.workflows ?? []).forEach((workflow, i) => {
    if (names.has(workflow.name)) error(['workflows', i, 'name'], `A workflow named "${workflow.name}" is already declared; workflow names must be unique.`);
    names.add(workflow.name);
    const earlier: string[] = [];
    workflow.steps.forEach((step, j) => {
      const at = ['workflows', i, 'steps', j];
      if (earlier.includes(step.name)) error([...at, 'name'], `Workflow "${workflow.name}" already has a step "${step.name}"; step names must be unique.`);
      const answering = answers.get(step.agent);
      if (answering === undefined) error([...at, 'agent'], `Unknown agent "${step.agent}" (declare it under spec.agents or spec.externalAgents).`);
      else if (!answering) error([...at, 'agent'], `"${step.agent}" does not answer requests (answers: false), so it cannot run a step.`);
      const bad = unknownPlaceholders(step.input ?? DEFAULT_STEP_INPUT, earlier);
      if (bad.length) error([...at, 'input'], `Unknown placeholder(s) ${bad.map((b) => `{{${b}}}`).join(', ')}: use {{input}}, {{previous}} or {{steps.NAME}} of an earlier step.`);
      earlier.push(step.name);
    });
  });
}
