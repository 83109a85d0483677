// The exported config's protocol gateway grants on a real nats-server: the gateway that
// `switchboard run --only coordinator --creds coordinator.nk` starts (on coordinator's credentials)
// takes coordinator's calls to the external A2A agent on protocol.a2a.request.travel and answers
// them (stub adapter), with no permission violation; an agent without a request edge to travel can
// neither ask it there nor take its calls.
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
      { name: 'helper', llm: 'offline' },
    ],
    externalAgents: [{ name: 'travel', a2a: { card: 'http://127.0.0.1:9/travel/' } }],
    edges: [{ from: 'coordinator', to: 'travel', kind: 'request' }],
  },
  'protocol gateway conf test',
);

const violationLines = (server: ConfServer) => server.output().split('\n').filter((line) => /Violation/i.test(line));

describe('the protocol gateway under exported permissions', () => {
  let server: ConfServer;
  let gateway: A2aGatewayService;
  const connections: NatsConnection[] = [];
  const connectAs = async (user: string) => {
    const nc = await server.connectAs(user);
    connections.push(nc);
    return nc;
  };

  beforeAll(async () => {
    server = await startConfServer(spec);
    const adapter = { protocol: 'a2a' as const, call: async (input: { text: string }) => ({ text: `booked: ${input.text}`, state: 'completed' }) };
    gateway = (await A2aGatewayService.start({ connection: await server.login('coordinator'), topology: spec, only: ['coordinator'], adapter, events: new RuntimeEventBus() }))!;
  });
  afterAll(async () => {
    await gateway?.stop();
    await Promise.all(connections.map((nc) => nc.close()));
    await server?.stop();
  });

  it("answers the caller's request through the gateway in its own process, without a violation", async () => {
    const nc = await connectAs('coordinator');
    const request = newMessage({ message_type: 'request', from_agent: 'coordinator', to_agent: 'travel', content: 'a seat' });
    const reply = AgentMessageSchema.parse((await nc.request(protocolGatewaySubjects.a2aRequest('travel'), JSON.stringify(request), { timeout: 5000 })).json());
    expect(reply).toMatchObject({ in_reply_to: request.message_id, content: 'booked: a seat', metadata: { status: 'completed' } });
    expect(violationLines(server)).toEqual([]);
  });

  it('refuses an agent without a request edge to the peer, both ways', async () => {
    const nc = await connectAs('helper');
    const request = newMessage({ message_type: 'request', from_agent: 'helper', to_agent: 'travel', content: 'a seat' });
    expect((await refusal(nc.request(protocolGatewaySubjects.a2aRequest('travel'), JSON.stringify(request), { timeout: 2000 }))).message).toMatch(/protocol\.a2a\.request\.travel/);
    expect((await subscribeVerdict(nc, protocolGatewaySubjects.a2aRequests)).refused).not.toBeNull();
  });
});
