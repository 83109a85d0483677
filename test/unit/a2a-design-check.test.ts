// A request to an external A2A agent travels on the protocol gateway's subject
// (protocol.a2a.request.{peer}.{caller}): designed-vs-observed reads it as a request along the topology's
// request edges — counted on its edge, never an undeclared subject; without the edge, an
// undeclared flow from its sender.
import { describe, expect, it } from 'vitest';
import { loadTopology } from '../../agents/topology/load.js';
import { designedVsObserved, externalRequestTargets } from '../../agents/trace/designed-vs-observed.js';
import { messageRecord, sampleMessage } from '../helpers/trace-events.js';

const topology = (edges: string) =>
  loadTopology(
    `apiVersion: switchboard.dev/v1
kind: Topology
metadata: { name: a2a-design }
spec:
  agents:
    - { name: concierge, llm: offline }
  externalAgents:
    - { name: travel_desk, a2a: { card: "http://127.0.0.1:41241/a2a/travel_agent/" } }
  edges:${edges}
`,
    'a2a-design.yaml',
  ).topology!;

const request = () => {
  const message = sampleMessage({ message_type: 'request', from_agent: 'concierge', to_agent: 'travel_desk', content: 'Book a hotel' });
  const payload = JSON.stringify(message);
  return messageRecord({ seq: 1, time: '2026-12-06T21:00:00.000Z', mono: 1 }, 'protocol.a2a.request.travel_desk.concierge', payload, { reply: '_INBOX_concierge.abc.1', parsed: { ok: true, message } });
};

describe('requests to an external A2A agent in designed vs observed', () => {
  it('names the gateway subject of each A2A external agent', () => {
    const targets = externalRequestTargets(topology('\n    - { from: concierge, to: travel_desk, kind: request }'));
    expect(targets.patterns).toEqual(['protocol.a2a.request.travel_desk.*']);
    expect(targets.get('protocol.a2a.request.travel_desk.concierge')).toBe('travel_desk');
    expect(targets.get('protocol.a2a.request.travel_desk')).toBeUndefined();
    expect(targets.get('protocol.a2a.request.other_desk.concierge')).toBeUndefined(); // not declared
    expect(targets.get('protocol.a2a.request.travel_desk.concierge.x')).toBeUndefined();
  });

  it('counts a request along its request edge, not as an undeclared subject', () => {
    const result = designedVsObserved(topology('\n    - { from: concierge, to: travel_desk, kind: request }'), [request()]);
    expect(result.undeclaredSubjects).toEqual([]);
    expect(result.undeclaredFlows).toEqual([]);
    expect(result.edges.map((e) => e.count)).toEqual([1]);
  });

  it('says a request without the edge is an undeclared flow from its sender', () => {
    const result = designedVsObserved(topology(' []'), [request()]);
    expect(result.undeclaredSubjects).toEqual([]);
    expect(result.undeclaredFlows).toMatchObject([{ kind: 'request', from: 'concierge', to: 'travel_desk', count: 1 }]);
  });
});
