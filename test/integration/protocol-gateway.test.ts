// The protocol gateway on a real nats-server with the real trace recorder (seed 004, part 2):
// MCP-backed tools pass the tool gateway and then the protocol gateway (sequence 2.2), so PII in a
// tool's arguments never reaches the real stdio MCP server and is recorded as stripped (kinds and
// counts, never values); an oversized or control-character answer is refused / cleaned. The
// gateway's bus service (sequence 2.3) answers protocol.a2a.request.{peer} through a STUB adapter
// here (the real A2A path is A2A-CALL's test), correlated to the bus request it serves.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { A2aGatewayService } from '../../agents/interop/gateway/service.js';
import type { AdapterCall, ProtocolAdapter } from '../../agents/interop/gateway/types.js';
import { AgentMessageSchema } from '../../agents/protocol/agent-message.js';
import { PROTOCOL_GATEWAY_NAME, protocolGatewaySubjects } from '../../agents/protocol/protocol-gateway.js';
import { RuntimeEventBus } from '../../agents/protocol/runtime-events.js';
import { Agent } from '../../agents/runtime/agent.js';
import { planNetwork } from '../../agents/runtime/from-topology.js';
import { AgentNetwork } from '../../agents/runtime/network.js';
import { newMessage } from '../../agents/runtime/wire.js';
import { startMcpServers } from '../../agents/tools/mcp/host.js';
import { loadTopology } from '../../agents/topology/load.js';
import type { Topology } from '../../agents/topology/schema.js';
import { matchesQuery, TraceFilterSchema } from '../../agents/trace/query.js';
import type { EventRecordOf, TraceRecord } from '../../agents/trace/record.js';
import { echoMcpTopology } from '../helpers/mcp-echo-topology.js';
import { storedRecords } from '../helpers/stored-records.js';
import { useRecordedBus } from '../helpers/recorded-bus.js';
import { until } from '../helpers/until.js';

const bus = useRecordedBus('protocol-gateway');

function load(text: string): Topology {
  const loaded = loadTopology(text, 'gateway.yaml');
  if (!loaded.topology) throw new Error(JSON.stringify(loaded.problems));
  return loaded.topology;
}

/** A recorder on the bus and on `events`; `records(check)` waits until the stored trace passes `check`. */
async function record(events: RuntimeEventBus) {
  const { store, recorder } = await bus.record();
  recorder.attach(events);
  return async (check: (all: TraceRecord[]) => boolean, what: string) => {
    let all: TraceRecord[] = [];
    await until(async () => check((all = await storedRecords(store))), what);
    return all;
  };
}

const eventsNamed = <N extends 'protocol.mcp.request' | 'protocol.mcp.response' | 'protocol.a2a.request' | 'protocol.a2a.response' | 'tool.result'>(all: TraceRecord[], name: N) =>
  all.filter((r): r is EventRecordOf<N> => r.kind === 'event' && r.name === name);

const mcpTopology = echoMcpTopology({ protocolGateway: '{ pii: { fields: [ssn] }, maxResponseBytes: 1024 }' });

describe('MCP-backed tools through the protocol gateway (sequence 2.2)', () => {
  it('strips PII before the MCP server sees it, records what was stripped (never the value), refuses an oversized answer and cleans control characters', async () => {
    const topology = load(mcpTopology);
    const mcp = await startMcpServers(topology, ['helper']);
    bus.cleanups.push(() => mcp.stop());
    const plan = planNetwork(topology, undefined, { backends: mcp.backends });
    const network = new AgentNetwork({ connection: bus.nats.connection, agents: plan.agents, heartbeatMs: 0, registryBucket: null });
    const records = await record(network.events);
    await network.start();
    const user = new Agent({ name: 'user', connection: bus.nats.connection, heartbeatMs: 0, registryBucket: null });
    await user.start();
    bus.cleanups.push(() => network.stop(), () => user.stop());

    // The echo server answers what it received: the answer shows what left the gateway.
    const reply = await user.request('helper', 'say write to ann.lee@example.com or +44 20 7946 0958, card 4111 1111 1111 1111, order 4111111111111112');
    expect(reply.content).toBe('MCP said: write to [email removed] or [phone removed], card [card removed], order 4111111111111112');

    const big = await user.request('helper', `say ${'x'.repeat(2000)}`);
    expect(big.content).toBe('MCP said: MCP server "echo"\'s answer was refused: 2000 bytes is more than the limit of 1024 (spec.protocolGateway.maxResponseBytes).');

    const bell = await user.request('helper', 'say ding\u0007dong\u001b[31m red');
    expect(bell.content).toBe('MCP said: dingdong red');

    const all = await records((r) => eventsNamed(r, 'protocol.mcp.response').length === 3, 'three protocol.mcp.response records');
    const requests = eventsNamed(all, 'protocol.mcp.request');
    const responses = eventsNamed(all, 'protocol.mcp.response');
    expect(requests[0]!.payload).toMatchObject({ agent: 'helper', peer: 'echo', protocol: 'mcp', direction: 'outbound', operation: 'echo__echo', requestId: null });
    expect(requests[0]!.payload.stripped).toEqual([
      { kind: 'card', path: 'data.text', count: 1 },
      { kind: 'phone', path: 'data.text', count: 1 },
      { kind: 'email', path: 'data.text', count: 1 },
    ]);
    expect(responses.map((r) => r.payload.state)).toEqual(['completed', 'refused', 'completed']);
    expect(responses[1]!.payload.error).toMatch(/2000 bytes is more than the limit of 1024/);
    expect(responses[2]!.payload.controlCharsRemoved).toBeGreaterThan(0);
    // Each pair shares its callId; the MCP call is found by the run that made it.
    expect(responses.map((r) => r.payload.callId)).toEqual(requests.map((r) => r.payload.callId));
    const runId = requests[0]!.payload.runId!;
    expect(all.filter((r) => matchesQuery(r, TraceFilterSchema.parse({ correlation: runId }))).map((r) => (r.kind === 'event' ? r.name : r.kind))).toEqual(
      expect.arrayContaining(['protocol.mcp.request', 'protocol.mcp.response', 'tool.result']),
    );
    // The gateway's records never hold the values it removed.
    const gatewayRecords = JSON.stringify([...requests, ...responses]);
    for (const value of ['ann.lee', '7946', '4111 1111 1111 1111']) expect(gatewayRecords).not.toContain(value);
  });
});

/** A stub A2A adapter: echoes in upper case, fails on "fail", hangs on "hang"; records what it was sent. */
function stubAdapter() {
  const calls: AdapterCall[] = [];
  const adapter: ProtocolAdapter = {
    protocol: 'a2a',
    call: async (input) => {
      calls.push(input);
      if (input.text === 'hang') return new Promise(() => undefined);
      if (input.text === 'fail') return { text: 'No seats left.', state: 'failed' };
      return { text: `ECHO ${input.text.toUpperCase()}`, state: 'completed', ...(input.data !== undefined && { data: input.data }) };
    },
  };
  return { adapter, calls };
}

const a2aTopology = `apiVersion: switchboard.dev/v1
kind: Topology
metadata: { name: gateway-a2a }
spec:
  llms: { offline: { provider: scripted } }
  agents:
    - name: coordinator
      llm: offline
  externalAgents:
    - name: travel
      a2a: { card: "http://127.0.0.1:9/travel/", timeoutMs: 300, credential: { secret: GATEWAY_TEST_TOKEN } }
`;

describe('the protocol gateway service on the bus (sequence 2.3, stub adapter)', () => {
  it('answers protocol.a2a.request.{peer}.{caller} with an AgentMessage in_reply_to the request, correlated in the trace; failures and hangs are failed replies', async () => {
    const events = new RuntimeEventBus();
    const records = await record(events);
    const { adapter, calls } = stubAdapter();
    const service = await A2aGatewayService.start({ connection: bus.nats.connection, topology: load(a2aTopology), adapter, events, secrets: { get: (n) => (n === 'GATEWAY_TEST_TOKEN' ? 'tok-XYZ' : undefined) } });
    expect(service).not.toBeNull();
    bus.cleanups.push(() => service!.stop());
    const nc: NatsConnection = await connect({ ...bus.nats.connection, name: 'gateway-test-caller' });
    bus.cleanups.push(() => nc.close());
    const ask = async (content: string, metadata: Record<string, unknown> = {}) => {
      const request = newMessage({ message_type: 'request', from_agent: 'coordinator', to_agent: 'travel', content, metadata });
      const msg = await nc.request(protocolGatewaySubjects.a2aRequest('travel', 'coordinator'), JSON.stringify(request), { timeout: 5000 });
      return { request, reply: AgentMessageSchema.parse(msg.json()) };
    };

    const ok = await ask('book for bob@example.com', { conversation_id: 'conv-7', data: { passenger: { phone: '+1 (555) 123-4567' } } });
    expect(ok.reply).toMatchObject({ message_type: 'response', from_agent: 'travel', to_agent: 'coordinator', in_reply_to: ok.request.message_id, content: 'ECHO BOOK FOR [EMAIL REMOVED]' });
    expect(ok.reply.metadata).toMatchObject({ status: 'completed', protocol: 'a2a', a2a_state: 'completed', data: { passenger: { phone: '[phone removed]' } } });
    expect(calls[0]).toMatchObject({ peer: 'travel', text: 'book for [email removed]', contextId: 'conv-7', headers: { Authorization: 'Bearer tok-XYZ' } });

    const failed = await ask('fail');
    expect(failed.reply.metadata).toMatchObject({ status: 'failed', error_code: 'a2a_failed', error: 'A2A agent "travel" ended the call as "failed": No seats left.' });
    const hung = await ask('hang');
    expect(hung.reply.metadata).toMatchObject({ status: 'failed', error_code: 'a2a_timeout', error: 'A2A agent "travel" did not answer within 300 ms (its timeoutMs).' });
    const invalid = await nc.request(protocolGatewaySubjects.a2aRequest('travel', 'coordinator'), 'not json', { timeout: 5000 });
    expect(AgentMessageSchema.parse(invalid.json()).metadata).toMatchObject({ status: 'failed', error_code: 'invalid_message' });
    // The subject names the caller: a message claiming to come from someone else is refused, the peer not called.
    const forged = newMessage({ message_type: 'request', from_agent: 'mallory', to_agent: 'travel', content: 'book as mallory' });
    const refused = AgentMessageSchema.parse((await nc.request(protocolGatewaySubjects.a2aRequest('travel', 'coordinator'), JSON.stringify(forged), { timeout: 5000 })).json());
    expect(refused).toMatchObject({ in_reply_to: forged.message_id, metadata: { status: 'failed', error_code: 'invalid_message', error: 'a request on protocol.a2a.request.travel.coordinator must come from coordinator, not mallory; travel was not called.' } });
    expect(calls.map((c) => c.text)).not.toContain('book as mallory');

    // The trace: the bus request, the gateway's two events carrying its id, and the reply, all found by the request's id.
    const all = await records((r) => eventsNamed(r, 'protocol.a2a.response').length === 3 && r.some((x) => x.kind === 'message' && x.payload.includes(`"in_reply_to":"${hung.request.message_id}"`)), 'the gateway calls in the trace');
    const found = all.filter((r) => matchesQuery(r, TraceFilterSchema.parse({ correlation: ok.request.message_id })));
    // Sorted: the bus tap and the runtime events reach the recorder by different paths.
    expect(found.map((r) => (r.kind === 'event' ? r.name : r.subject.startsWith('_INBOX') ? 'reply' : r.subject)).sort()).toEqual([
      'protocol.a2a.request',
      protocolGatewaySubjects.a2aRequest('travel', 'coordinator'),
      'protocol.a2a.response',
      'reply',
    ]);
    const request = eventsNamed(all, 'protocol.a2a.request')[0]!;
    const response = eventsNamed(all, 'protocol.a2a.response')[0]!;
    expect(request.payload).toMatchObject({ agent: 'coordinator', peer: 'travel', requestId: ok.request.message_id, stripped: [{ kind: 'email', path: 'text', count: 1 }, { kind: 'phone', path: 'data.passenger.phone', count: 1 }] });
    expect(response.payload).toMatchObject({ callId: request.payload.callId, state: 'completed', error: null });
    expect(JSON.stringify(eventsNamed(all, 'protocol.a2a.request'))).not.toContain('bob@example.com');
    expect(JSON.stringify(all)).not.toContain('tok-XYZ');
    // Its own named connection, for exported permissions and the server's connz.
    const connz = (await (await fetch(`${bus.nats.monitorUrl}/connz`)).json()) as { connections: { name?: string }[] };
    expect(connz.connections.map((c) => c.name)).toContain(PROTOCOL_GATEWAY_NAME);
  });

  it('stop ends calls in flight with a failed reply, within the deadline, and starts nothing without A2A peers', async () => {
    const { adapter } = stubAdapter();
    const events = new RuntimeEventBus();
    expect(await A2aGatewayService.start({ connection: bus.nats.connection, topology: load(mcpTopology), adapter, events })).toBeNull();
    const service = (await A2aGatewayService.start({ connection: bus.nats.connection, topology: load(a2aTopology.replace('timeoutMs: 300', 'timeoutMs: 60000')), adapter, events, secrets: { get: () => 't' } }))!;
    const nc = await connect({ ...bus.nats.connection, name: 'gateway-test-stopper' });
    bus.cleanups.push(() => nc.close());
    const request = newMessage({ message_type: 'request', from_agent: 'coordinator', to_agent: 'travel', content: 'hang' });
    const pending = nc.request(protocolGatewaySubjects.a2aRequest('travel', 'coordinator'), JSON.stringify(request), { timeout: 10_000 });
    await until(() => service.callsInFlight === 1, 'the call to be in flight');
    const stopped = service.stop(Date.now() + 3000);
    const reply = AgentMessageSchema.parse((await pending).json());
    expect(reply.metadata).toMatchObject({ status: 'failed', error_code: 'a2a_canceled' });
    await stopped;
  });
});
