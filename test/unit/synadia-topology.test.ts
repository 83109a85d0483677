// What the topology check says about external Synadia protocol agents (agents/topology/validate.ts):
// they take requests only, answer prompts, and two declarations of one agent are flagged.
import { describe, expect, it } from 'vitest';
import { loadTopology } from '../../agents/topology/load.js';

const topology = (externals: string, edges: string, example = '') => `
apiVersion: switchboard.dev/v1
kind: Topology
metadata: { name: t${example} }
spec:
  llms: { offline: { provider: scripted } }
  agents:
    - { name: asker, llm: offline, tools: [request_agent] }
  externalAgents:
${externals}
  edges:
${edges}
`;
const REVIEWER = '    - { name: reviewer, synadia: { agent: claude-code, owner: acme, name: reviewer } }';
const problems = (text: string) => loadTopology(text, 't.yaml').problems.map((p) => `${p.severity} ${p.path.join('.')}: ${p.message}`);

describe('external Synadia agents in a topology', () => {
  it('takes a request edge', () => {
    expect(problems(topology(REVIEWER, '    - { from: asker, to: reviewer, kind: request }'))).toEqual([]);
  });

  it('refuses edges from it, and edges to it other than requests', () => {
    expect(problems(topology(REVIEWER, '    - { from: reviewer, to: asker, kind: request }\n    - { from: asker, to: reviewer, kind: direct }'))).toEqual([
      'error spec.edges.0.from: "reviewer" is a Synadia protocol agent: it answers prompts and sends nothing here; draw a request edge to it instead.',
      'error spec.edges.1.kind: A direct edge cannot reach "reviewer": a Synadia protocol agent takes requests (prompts) only.',
    ]);
  });

  it('refuses "answers: false", flags a second declaration of the same agent, and an example sent to it', () => {
    const externals = `${REVIEWER}\n    - { name: again, answers: false, synadia: { agent: claude-code, owner: acme, name: reviewer } }`;
    expect(problems(topology(externals, '    []', ', example: { to: reviewer, input: hi }'))).toEqual([
      'error metadata.example.to: The example goes to "reviewer", a Synadia protocol agent: send it to an agent of the topology that asks it.',
      'error spec.externalAgents.1.answers: "again" is a Synadia protocol agent, which answers prompts: "answers: false" contradicts "synadia".',
      'warning spec.externalAgents.1.synadia: "again" is the same Synadia agent as "reviewer" (claude-code/acme/reviewer).',
    ]);
  });
});
