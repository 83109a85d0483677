// Validation of external A2A agents (agents/topology/validate-a2a.ts through validateTopology):
// only request edges reach one, it answers, it is not also a Synadia agent, no example goes to
// it, and its card URL is http(s) (the schema).
import { describe, expect, it } from 'vitest';
import { TopologySchema, type TopologyInput } from '../../agents/topology/schema.js';
import { validateTopology } from '../../agents/topology/validate.js';

function problems(spec: Partial<TopologyInput['spec']>, example?: { to: string; input: string }) {
  const topology = TopologySchema.parse({
    apiVersion: 'switchboard.dev/v1',
    kind: 'Topology',
    metadata: { name: 'a2a', ...(example && { example }) },
    spec: { agents: [{ name: 'desk', role: 'assistant', llm: 'offline', prompt: 'p' }], ...spec },
  });
  return validateTopology(topology).filter((p) => p.severity === 'error').map((p) => `${p.path.join('.')}: ${p.message}`);
}

const peer = (extra: Record<string, unknown> = {}) => ({ name: 'travel', a2a: { card: 'http://127.0.0.1:4000/' }, ...extra });

describe('external A2A agents in validation', () => {
  it('accepts a request edge to an A2A agent', () => {
    expect(problems({ externalAgents: [peer()], edges: [{ from: 'desk', to: 'travel', kind: 'request' }] })).toEqual([]);
  });

  it('refuses other edges, answers: false, synadia too, and an example sent to it', () => {
    expect(problems({ externalAgents: [peer()], edges: [{ from: 'desk', to: 'travel', kind: 'handoff' }] })).toContain(
      'spec.edges.0.kind: A handoff edge cannot reach "travel": an A2A agent takes requests only (through the protocol gateway).',
    );
    expect(problems({ externalAgents: [peer()], edges: [{ from: 'travel', to: 'desk', kind: 'request' }] })).toContain(
      'spec.edges.0.from: "travel" is an A2A agent: it answers requests through the protocol gateway and sends nothing here; draw a request edge to it instead.',
    );
    expect(problems({ externalAgents: [peer({ answers: false })] })).toContain('spec.externalAgents.0.answers: "travel" is an A2A agent, which answers requests: "answers: false" contradicts "a2a".');
    expect(problems({ externalAgents: [peer({ synadia: { agent: 'x', owner: 'y', name: 'z' } })] })).toContain(
      'spec.externalAgents.0.a2a: "travel" cannot be both a Synadia protocol agent and an A2A agent: keep one of "synadia" and "a2a".',
    );
    expect(problems({ externalAgents: [peer()] }, { to: 'travel', input: 'hi' })).toContain(
      'metadata.example.to: The example goes to "travel", an A2A agent: send it to an agent of the topology that asks it.',
    );
  });

  it('refuses a card URL carrying a user or password (it would be in the file and in every error naming the URL), pointing to credential', () => {
    const found = problems({ externalAgents: [{ name: 'travel', a2a: { card: 'https://bob:s3cret@agents.example.com/travel/' } }] });
    expect(found).toEqual([
      'spec.externalAgents.0.a2a.card: "travel"\'s card URL carries a user name or password: remove it and give the secret by reference in a2a.credential (the NAME of an environment variable).',
    ]);
    expect(found.join('\n')).not.toContain('s3cret');
  });

  it('refuses a card URL that is not http(s)', () => {
    expect(() => problems({ externalAgents: [{ name: 'travel', a2a: { card: 'ftp://example.com/card.json' } }] })).toThrow(/http:\/\/ or https:\/\/ URL of an agent card/);
  });

  it('takes OAuth2 client credentials over https, or http on this machine; refuses them beside a credential, over plain http elsewhere, or with a password in the URL', () => {
    const oauth2 = (tokenUrl: string, extra: Record<string, unknown> = {}) => ({ name: 'travel', a2a: { card: 'https://travel.example.com/', oauth2: { tokenUrl, clientId: 'sb', clientSecret: 'TRAVEL_CLIENT_SECRET' }, ...extra } });
    for (const ok of ['https://auth.example.com/token', 'http://127.0.0.1:9000/token', 'http://localhost/token', 'http://[::1]:8080/token']) expect(problems({ externalAgents: [oauth2(ok)] }), ok).toEqual([]);
    expect(problems({ externalAgents: [oauth2('http://auth.example.com/token')] })).toEqual([
      'spec.externalAgents.0.a2a.oauth2.tokenUrl: "travel"\'s token URL is plain http on another machine: the client secret would cross the network unencrypted. Use https (http is for a token endpoint on this machine).',
    ]);
    expect(problems({ externalAgents: [oauth2('https://sb:hunter2@auth.example.com/token')] })[0]).toMatch(/^spec\.externalAgents\.0\.a2a\.oauth2\.tokenUrl: "travel"'s token URL carries a user name or password/);
    expect(problems({ externalAgents: [oauth2('https://auth.example.com/token', { credential: { secret: 'TRAVEL_TOKEN' } })] })).toEqual([
      'spec.externalAgents.0.a2a.oauth2: "travel" has both a credential and oauth2: keep one (oauth2 fetches the bearer token the credential would fix).',
    ]);
    expect(() => TopologySchema.parse({ apiVersion: 'switchboard.dev/v1', kind: 'Topology', metadata: { name: 'x' }, spec: { agents: [{ name: 'desk', llm: 'offline' }], externalAgents: [{ name: 't', a2a: { card: 'https://t.example.com/', oauth2: { tokenUrl: 'https://a.example.com/', clientId: 'sb', clientSecret: 'hunter2-literal' } } }] } })).toThrow(/NAME of an environment variable/);
  });
});
