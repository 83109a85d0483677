// The exported config's protocol gateway grants on a real nats-server: the gateway that
// `switchboard run --only coordinator --creds coordinator.nk` starts (on coordinator's credentials)
// takes coordinator's calls to the external A2A agent on protocol.a2a.request.travel.coordinator and
// answers them (stub adapter), with no permission violation; another caller of travel (clerk, its
// own gateway) can neither take coordinator's calls nor ask as coordinator; an agent without a
// request edge to travel can neither ask it nor take its calls.
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A2aGatewayService } from '../../agents/interop/gateway/service.js';
import { AgentMessageSchema } from '../../agents/protocol/agent-message.js';
import { protocolGatewaySubjects } from '../../agents/protocol/protocol-gateway.js';
import { RuntimeEventBus } from '../../agents/protocol/runtime-events.js';
import { newMessage } from '../../agents/runtime/wire.js';
import { refusal, startConfServer, subscribeVerdict, topology, type ConfServer } from '../helpers/nats-conf-server.js';

const spec = topology(
  {
    registry: 'announcements',
    agents: [
      { name: 'coordinator', llm: 'offline' },
      { name: 'clerk', llm: 'offline' },
      { name: 'helper', llm: 'offline' },
    ],
    externalAgents: [{ name: 'travel', a2a: { card: 'http://127.0.0.1:9/travel/' } }],
    edges: [
      { from: 'coordinator', to: 'travel', kind: 'request' },
      { from: 'clerk', to: 'travel', kind: 'request' },
    ],
  },
  'protocol gateway conf test',
);

const violationLines = (server: ConfServer) => server.output().split('\n').filter((line) => /Violation/i.test(line));

describe('the protocol gateway under exported permissions', () => {
  let server: ConfServer;
  const gateways: A2aGatewayService[] = [];
  const connections: NatsConnection[] = [];
  const connectAs = async (user: string) => {
    const nc = await server.connectAs(user);
    connections.push(nc);
    return nc;
  };

  beforeAll(async () => {
    server = await startConfServer(spec);
    const adapter = { protocol: 'a2a' as const, call: async (input: { text: string }) => ({ text: `booked: ${input.text}`, state: 'completed' }) };
    for (const agent of ['coordinator', 'clerk']) gateways.push((await A2aGatewayService.start({ connection: await server.login(agent), topology: spec, only: [agent], adapter, events: new RuntimeEventBus() }))!);
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.stop();
    await Promise.all(connections.map((nc) => nc.close()));
    await server?.stop();
  });

  const ask = (nc: NatsConnection, as: string, subjectCaller = as, timeout = 5000) => {
    const request = newMessage({ message_type: 'request', from_agent: as, to_agent: 'travel', content: 'a seat' });
    return nc.request(protocolGatewaySubjects.a2aRequest('travel', subjectCaller), JSON.stringify(request), { timeout }).then((msg) => ({ request, reply: AgentMessageSchema.parse(msg.json()) }));
  };

  it("answers each caller's request through the gateway in its own process, without a violation", async () => {
    for (const agent of ['coordinator', 'clerk']) {
      const { request, reply } = await ask(await connectAs(agent), agent);
      expect(reply).toMatchObject({ in_reply_to: request.message_id, content: 'booked: a seat', metadata: { status: 'completed' } });
    }
    expect(violationLines(server)).toEqual([]);
  });

  it("refuses another caller of the same peer both ways: it cannot take coordinator's calls, nor ask as coordinator", async () => {
    const nc = await connectAs('clerk');
    expect((await subscribeVerdict(nc, protocolGatewaySubjects.a2aRequest('travel', 'coordinator'))).refused).not.toBeNull();
    expect((await subscribeVerdict(nc, protocolGatewaySubjects.a2aRequestsTo('travel'))).refused).not.toBeNull();
    expect((await refusal(ask(nc, 'coordinator', 'coordinator', 2000))).message).toMatch(/protocol\.a2a\.request\.travel\.coordinator/);
  });

  it('refuses an agent without a request edge to the peer, both ways', async () => {
    const nc = await connectAs('helper');
    expect((await refusal(ask(nc, 'helper', 'helper', 2000))).message).toMatch(/protocol\.a2a\.request\.travel\.helper/);
    expect((await subscribeVerdict(nc, protocolGatewaySubjects.a2aRequestsTo('travel'))).refused).not.toBeNull();
  });
});
