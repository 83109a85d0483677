// The exported config's grants for an agent served over A2A on a real nats-server: what
// `switchboard run --only desk --creds desk.nk` starts (desk, and the run client a2a_client on
// desk's credentials behind the A2A listener) answers an SDK client's blocking and streamed
// messages with no permission violation.
import { TaskState, type Message } from '@a2a-js/sdk';
import { ClientFactory } from '@a2a-js/sdk/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveOnA2a, type A2aServing } from '../../agents/interop/a2a/serve/expose.js';
import { a2aUserMessage } from '../../agents/interop/a2a/translate.js';
import type { MessageHandler } from '../../agents/runtime/agent.js';
import { planNetwork } from '../../agents/runtime/from-topology.js';
import { AgentNetwork } from '../../agents/runtime/network.js';
import { startConfServer, topology, type ConfServer } from '../helpers/nats-conf-server.js';

const spec = topology(
  {
    registry: 'announcements',
    a2a: {},
    agents: [
      { name: 'desk', llm: 'offline', a2a: true },
      { name: 'helper', llm: 'offline' },
    ],
  },
  'a2a serve conf test',
);

/** desk streams an echo in two frames. */
const deskHandler: MessageHandler = async (message, context) => {
  context.stream?.write('desk says: ');
  context.stream?.write(message.content);
  return { content: `desk says: ${message.content}` };
};

const request = (message: Message) => ({ tenant: '', message, configuration: undefined, metadata: undefined });

describe('an agent served over A2A under the exported config', () => {
  let server: ConfServer;
  let network: AgentNetwork;
  let serving: A2aServing | null = null;

  beforeAll(async () => {
    server = await startConfServer(spec);
    const plan = planNetwork(spec, ['desk']);
    const connection = await server.login('desk');
    network = new AgentNetwork({ connection, agents: plan.agents.map((agent) => ({ ...agent, handler: deskHandler })), profile: plan.profile, registryBucket: plan.registryBucket, heartbeatMs: 0 });
    await network.start();
    serving = await serveOnA2a({ topology: spec, only: ['desk'], connection, profile: plan.profile, version: '0.1.0' });
  }, 30_000);
  afterAll(async () => {
    await serving?.stop(Date.now() + 2000);
    await network?.stop();
    await server?.stop();
  });

  it('answers blocking and streamed messages as a2a_client on desk credentials, with no permission violation', async () => {
    expect(serving?.cards.map((c) => c.agent)).toEqual(['desk']);
    const client = await new ClientFactory().createFromUrl(serving!.cards[0]!.cardUrl, '');
    const task = await client.sendMessage(request(a2aUserMessage({ text: 'hello' })));
    expect('status' in task && task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    const texts: string[] = [];
    for await (const event of client.sendMessageStream(request(a2aUserMessage({ text: 'stream' })))) {
      if (event.payload?.$case === 'artifactUpdate') texts.push(String(event.payload.value.artifact?.parts[0]?.content?.value));
    }
    expect(texts).toEqual(['desk says: ', 'stream']);
    expect(server.output().split('\n').filter((line) => /Violation/i.test(line))).toEqual([]);
  });
});
