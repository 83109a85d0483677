// The synadia-bridge template's example request, offline on a real nats-server, against a stand-in
// for its external reviewer built with the protocol's own agent SDK: the desk delegates by
// capability, the reviewer's streamed answer and the local docs lookup come back in one reply;
// and a client of the protocol's SDK prompts the desk (served as a protocol agent) to the same end.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentService } from '../fixtures/synadia-sdk/agent/src/index.js';
import { Agents } from '../fixtures/synadia-sdk/client/src/index.js';
import { startTestServer, type TestServer } from '../helpers/nats-server.js';
import { runTemplate, type TemplateRun } from '../helpers/template-network.js';
import { runCli } from '../helpers/cli.js';

const REVIEW = 'fetch.ts: the retry loop never gives up; cap it at 5 attempts.';
const DOCS = 'Docs on backoff: retries wait 100 ms, doubling up to 5 s, with full jitter (guide/retries.md).';

let nats: TestServer;
let nc: NatsConnection;
let reviewer: AgentService;
let run: TemplateRun;
const prompts: string[] = [];

beforeAll(async () => {
  nats = await startTestServer();
  nc = await connect(nats.connection);
  // The stand-in for the Claude Code session: streams its review in three chunks.
  reviewer = new AgentService({ nc, agent: 'claude-code', owner: 'acme', name: 'reviewer', description: 'stand-in reviewer' });
  reviewer.onPrompt(async (envelope, response) => {
    prompts.push(envelope.prompt);
    for (const part of ['fetch.ts: the retry loop ', 'never gives up; ', 'cap it at 5 attempts.']) await response.send(part);
  });
  await reviewer.start();
  run = await runTemplate(nats.connection, 'synadia-bridge');
  await run.network.registry.waitFor((r) => r.get('reviewer')?.status === 'available');
}, 30_000);

afterAll(async () => {
  await run?.stop();
  await reviewer?.stop();
  await nc?.close();
  await nats?.stop();
});

describe('template synadia-bridge', () => {
  it('answers its example request with the external reviewer’s streamed review and the local docs', async () => {
    const example = run.topology.metadata.example!;
    const reply = await run.user.request(example.to, example.input, { timeoutMs: 20_000 });
    expect(reply.metadata['status']).toBe('completed');
    expect(reply.content).toBe(`Here is what the desk found:\n1. [code.review → reviewer] ${REVIEW}\n2. [docs.search → docs_agent] ${DOCS}`);
    expect(prompts).toContain('Review the retry loop in fetch.ts');
  });

  it('answers a client of the protocol’s SDK too: the desk is served as a protocol agent', async () => {
    const client = new Agents({ nc });
    try {
      const [desk] = await client.discover({ timeoutMs: 1000, filter: { agent: 'switchboard', owner: 'acme', name: 'desk' } });
      expect(desk).toBeDefined();
      let text = '';
      for await (const message of await desk!.prompt('Review the retry loop in fetch.ts and find the docs on backoff')) if (message.type === 'response') text += message.text;
      expect(text).toContain(`[code.review → reviewer] ${REVIEW}`);
    } finally {
      await client.close();
    }
  });
});

describe('switchboard run of the template', () => {
  it('says which agents are also served to protocol clients, and on which subject', async () => {
    const server = await startTestServer({ nkey: false });
    try {
      const outcome = await runCli(['run', 'templates/synadia-bridge.yaml', '--nats', server.url], { sigtermOn: [/Ctrl-C stops/] });
      expect(outcome.code).toBe(0);
      expect(outcome.stderr).toContain('desk: also served to Synadia Agent Protocol clients on agents.prompt.switchboard.acme.desk');
      expect(outcome.stderr).not.toMatch(/docs_agent: also served/);
    } finally {
      await server.stop();
    }
  });
});
