// Validation of A2A serving (spec.a2a, an agent's a2a): warnings for settings that serve nobody
// and for a listener beyond loopback that asks callers for no credential (spec.a2a.credential).
import { describe, expect, it } from 'vitest';
import { TopologySchema, type TopologyInput } from '../../agents/topology/schema.js';
import { validateTopology } from '../../agents/topology/validate.js';

const problems = (spec: TopologyInput['spec']) =>
  validateTopology(TopologySchema.parse({ apiVersion: 'switchboard.dev/v1', kind: 'Topology', metadata: { name: 'a2a' }, spec: { llms: { offline: { provider: 'scripted' } }, ...spec } })).filter((p) => p.path[1] === 'a2a');

describe('validate: A2A serving', () => {
  it('says nothing for an agent served on loopback, or without spec.a2a', () => {
    expect(problems({ a2a: {}, agents: [{ name: 'desk', llm: 'offline', a2a: true }] })).toEqual([]);
    expect(problems({ a2a: { host: '127.0.0.2', exposeAll: true }, agents: [{ name: 'desk', llm: 'offline' }] })).toEqual([]);
    expect(problems({ agents: [{ name: 'desk', llm: 'offline' }] })).toEqual([]);
  });

  it('warns when spec.a2a serves no agent', () => {
    expect(problems({ a2a: { exposeAll: true }, agents: [{ name: 'desk', llm: 'offline', a2a: false }] })).toEqual([
      { severity: 'warning', path: ['spec', 'a2a'], message: "No agent is served over A2A: set spec.a2a.exposeAll, or an agent's a2a: true." },
    ]);
  });

  it('warns that a listener beyond loopback takes calls from anyone', () => {
    const [problem] = problems({ a2a: { host: '0.0.0.0', exposeAll: true }, agents: [{ name: 'desk', llm: 'offline' }] });
    expect(problem).toMatchObject({ severity: 'warning', path: ['spec', 'a2a', 'host'] });
    expect(problem?.message).toMatch(/^Served on 0\.0\.0\.0, the agents take A2A calls from anyone.*set spec\.a2a\.credential/);
  });

  it('warns that a credential sent to a listener beyond loopback crosses the network unencrypted (plain http)', () => {
    const [problem, ...rest] = problems({ a2a: { host: '0.0.0.0', exposeAll: true, credential: { secret: 'A2A_TOKEN' } }, agents: [{ name: 'desk', llm: 'offline' }] });
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ severity: 'warning', path: ['spec', 'a2a', 'host'] });
    expect(problem?.message).toMatch(/^Served on 0\.0\.0\.0 over plain http, callers' credential crosses the network unencrypted: put a TLS proxy in front/);
  });
});
