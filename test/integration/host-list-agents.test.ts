// The host's `bus.listAgents` on its embedded server: the running topology's agents (with the node
// they are connected to) and a Synadia protocol agent built with the protocol's SDK, validated
// against the contract's output schema; an empty bus lists nothing.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toConnectionOptions } from '../../main/host/nats/connect-options.js';
import { startHost, type Host } from '../../main/host/host.js';
import { calls } from '../../preload/contract.js';
import { AgentService } from '../fixtures/synadia-sdk/agent/src/index.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

let host: Host;
let dataDir: string;
beforeAll(async () => {
  dataDir = await makeTempDir('host-list-agents');
  host = await startHost({ shell: 'headless', appVersion: '0.0.0-test', appRoot: repoRoot, dataDir, nats: { mode: 'embedded' } });
});
afterAll(async () => {
  await host?.stop();
  await removeTempDir(dataDir);
});

describe('bus.listAgents', () => {
  it('lists the running topology and a Synadia agent on the host server', async () => {
    const h = host.handlers;
    expect((await h['bus.listAgents']({ waitMs: 200 })).agents).toEqual([]);

    const text = await readFile(path.join(repoRoot, 'templates/seed-000-trio.yaml'), 'utf8');
    await h['run.start']({ text, fileName: 'seed-000-trio.yaml' });
    const nc = await connect({ ...toConnectionOptions(host.server.connectSettings()), name: 'synadia-agent' });
    const synadia = new AgentService({ nc, agent: 'echo', owner: 'tests', name: 'echo1' });
    synadia.onPrompt((envelope, response) => response.send(envelope.prompt));
    await synadia.start();
    try {
      const result = await h['bus.listAgents']({ waitMs: 500 });
      calls['bus.listAgents'].output.parse(result); // what crosses the bridge
      const byName = new Map(result.agents.map((a) => [`${a.protocol}/${a.name}`, a]));
      for (const name of ['task_coordinator', 'weather_bot', 'general_assistant']) {
        expect(byName.get(`seed-000/${name}`), name).toMatchObject({ status: 'available', instances: 1, node: nc.info?.server_name });
      }
      expect(byName.get('synadia/echo1')).toMatchObject({ status: 'available', synadia: { agent: 'echo', owner: 'tests', name: 'echo1' } });
    } finally {
      await synadia.stop();
      await nc.close();
      await h['run.stop'](undefined);
    }
    const after = await h['bus.listAgents'](undefined);
    expect(after.agents.filter((a) => a.protocol === 'seed-000').map((a) => a.status)).toEqual(['offline', 'offline', 'offline']);
    expect(after.agents.some((a) => a.protocol === 'synadia')).toBe(false);
  });
});
