// The exporters: permissions derived from the edges (per user, per profile, JetStream only where
// needed), the nats-server config text and its secrets, the compose file, the Mermaid chart, and
// the one entry point. The config's behaviour on a real server is test/integration/nats-conf.test.ts.
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REGISTRY_BUCKET, inboxPrefixOf } from '../../agents/runtime/agent.js';
import { exportCompose } from '../../agents/topology/export/compose.js';
import { EXPORT_FORMATS, exportTopology } from '../../agents/topology/export/index.js';
import { escapeLabel, exportMermaid, mermaidId } from '../../agents/topology/export/mermaid.js';
import { derivePermissions, exportNatsConf, inboxPrefixFor, REGISTRY_BUCKET, type NkeyPair, type UserPermissions } from '../../agents/topology/export/nats-conf.js';
import { loadTopology } from '../../agents/topology/load.js';
import { TopologySchema, type Topology, type TopologyInput } from '../../agents/topology/schema.js';

function topology(spec: TopologyInput['spec'], name = 'team'): Topology {
  return TopologySchema.parse({ apiVersion: 'switchboard.dev/v1', kind: 'Topology', metadata: { name }, spec });
}

/** Deterministic stand-in for nkeys.createUser(): well-formed, numbered keys. */
function fakeKeys(): () => NkeyPair {
  let n = 0;
  return () => {
    n++;
    const tag = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[n - 1]!;
    return { publicKey: `U${tag.repeat(55)}`, seed: `SU${tag.repeat(56)}` };
  };
}

const team = topology({
  llms: { offline: { provider: 'scripted' }, gpt: { provider: 'openai', model: 'gpt-4o', apiKeyEnv: 'TEAM_OPENAI_KEY' }, claude: { provider: 'anthropic', model: 'claude-x' } },
  agents: [
    { name: 'planner', llm: 'gpt', replicas: 3, blackboards: ['notes'] },
    { name: 'coder', llm: 'claude' },
    { name: 'tester', llm: 'offline' },
    { name: 'lurker', llm: 'offline' },
  ],
  externalAgents: [{ name: 'legacy' }],
  tools: [{ name: 'search' }],
  blackboards: [{ name: 'notes', bucket: 'team_notes' }],
  edges: [
    { from: 'planner', to: 'coder', kind: 'request' },
    { from: 'planner', to: 'legacy', kind: 'request' },
    { from: 'coder', to: 'tester', kind: 'direct' },
    { from: 'tester', to: 'planner', kind: 'handoff' },
    { from: 'planner', to: 'lurker', kind: 'broadcast' },
    { from: 'coder', to: 'lurker', kind: 'subscribe', subject: 'agents.handoff.>' },
  ],
});

const byName = (users: UserPermissions[]) => new Map(users.map((u) => [u.name, u]));
const pub = (user: UserPermissions | undefined) => user!.publish.map((g) => g.subject);
const sub = (user: UserPermissions | undefined) => user!.subscribe.map((g) => g.subject);
const KV_BASE = (stream: string) => [
  `$JS.API.STREAM.INFO.${stream}`,
  `$JS.API.STREAM.CREATE.${stream}`,
  `$JS.API.CONSUMER.CREATE.${stream}.>`,
  `$JS.API.CONSUMER.INFO.${stream}.*`,
  `$JS.FC.${stream}.>`,
];
const REGISTRY = (agent: string) => ['$JS.API.INFO', ...KV_BASE('KV_switchboard_agents'), `$KV.switchboard_agents.${agent}.>`];

describe('derivePermissions (seed-000)', () => {
  const users = byName(derivePermissions(team));

  it('has one user per agent and external agent, then the observer', () => {
    expect(derivePermissions(team).map((u) => [u.name, u.kind])).toEqual([
      ['planner', 'agent'],
      ['coder', 'agent'],
      ['tester', 'agent'],
      ['lurker', 'agent'],
      ['legacy', 'external'],
      ['switchboard', 'observer'],
    ]);
  });

  it('keeps the names the runtime uses', () => {
    expect(REGISTRY_BUCKET).toBe(DEFAULT_REGISTRY_BUCKET);
    expect(inboxPrefixFor('planner')).toBe(inboxPrefixOf('planner'));
  });

  it('derives the requester, handoff receiver and blackboard user (planner)', () => {
    const planner = users.get('planner');
    expect(pub(planner)).toEqual([
      'agents.all',
      'agents.request.coder',
      'agents.request.legacy',
      'agents.direct.tester', // report-back of tester's handoff
      ...REGISTRY('planner'),
      ...KV_BASE('KV_team_notes'),
      '$KV.team_notes.>',
      '$JS.API.DIRECT.GET.KV_team_notes.>',
      '$JS.API.DIRECT.GET.KV_team_notes',
      '$JS.API.STREAM.MSG.GET.KV_team_notes',
    ]);
    expect(sub(planner)).toEqual(['agents.request.planner', 'agents.direct.planner', 'agents.all', '_INBOX_planner.>', 'agents.response.coder.*', 'agents.response.legacy.*']);
    expect(planner!.allowResponses).toBe(false);
    expect(planner!.buckets).toEqual(['switchboard_agents', 'team_notes']);
  });

  it('derives the responder and direct sender (coder)', () => {
    const coder = users.get('coder');
    expect(pub(coder)).toEqual(['agents.all', 'agents.response.coder.*', 'agents.direct.tester', ...REGISTRY('coder')]);
    expect(sub(coder)).toEqual(['agents.request.coder', 'agents.direct.coder', 'agents.all', '_INBOX_coder.>']);
    expect(coder!.allowResponses).toBe(true);
  });

  it('derives the direct receiver and handoff sender (tester)', () => {
    const tester = users.get('tester');
    expect(pub(tester)).toEqual(['agents.all', 'agents.direct.coder', 'agents.direct.planner', 'agents.handoff.tester.to.planner', ...REGISTRY('tester')]);
    expect(sub(tester)).toEqual(['agents.request.tester', 'agents.direct.tester', 'agents.all', '_INBOX_tester.>']);
    expect(tester!.allowResponses).toBe(false);
  });

  it('adds nothing for a broadcast edge, and the subject of a subscribe edge (lurker)', () => {
    const lurker = users.get('lurker');
    expect(pub(lurker)).toEqual(['agents.all', ...REGISTRY('lurker')]);
    expect(sub(lurker)).toEqual(['agents.request.lurker', 'agents.direct.lurker', 'agents.all', '_INBOX_lurker.>', 'agents.handoff.>']);
  });

  it('treats an external agent like an agent (legacy answers requests)', () => {
    const legacy = users.get('legacy');
    expect(pub(legacy)).toEqual(['agents.all', 'agents.response.legacy.*', ...REGISTRY('legacy')]);
    expect(legacy!.allowResponses).toBe(true);
  });

  it('gives the observer the whole bus to read and the JetStream API', () => {
    const observer = users.get('switchboard');
    expect(sub(observer)).toEqual(['>']);
    expect(pub(observer)).toEqual(['$JS.API.>', '$JS.FC.>']);
  });

  it('says why each grant is there', () => {
    const grant = users.get('tester')!.publish.find((g) => g.subject === 'agents.direct.coder');
    expect(grant?.why).toBe('direct edge coder -> tester: report back');
    const twice = byName(derivePermissions(topology({ agents: [{ name: 'a', llm: 'offline' }, { name: 'b', llm: 'offline' }], edges: [{ from: 'a', to: 'b', kind: 'direct' }, { from: 'a', to: 'b', kind: 'handoff' }] }))).get('a');
    expect(twice!.publish.filter((g) => g.subject === 'agents.direct.b')).toEqual([{ subject: 'agents.direct.b', why: 'direct edge a -> b: send; handoff edge a -> b: send' }]);
  });

  it('renames the observer when an agent is called switchboard', () => {
    const users = derivePermissions(topology({ agents: [{ name: 'switchboard', llm: 'offline' }] }));
    expect(users.map((u) => [u.name, u.kind])).toEqual([
      ['switchboard', 'agent'],
      ['switchboard-observer', 'observer'],
    ]);
    expect(sub(users[0])).not.toContain('>');
  });
});

describe('derivePermissions: JetStream only where needed', () => {
  const spec = (extra: Partial<TopologyInput['spec']>) =>
    topology({ agents: [{ name: 'a', llm: 'offline' }, { name: 'b', llm: 'offline', blackboards: ['shared'] }], blackboards: [{ name: 'shared' }], edges: [{ from: 'a', to: 'b', kind: 'request' }], ...extra });

  it('gives announcement-only agents without blackboards no JetStream at all', () => {
    const users = byName(derivePermissions(spec({ registry: 'announcements' })));
    expect(pub(users.get('a'))).toEqual(['agents.all', 'agents.request.b']);
    expect(users.get('a')!.buckets).toEqual([]);
    for (const subject of [...pub(users.get('a')), ...sub(users.get('a'))]) expect(subject).not.toMatch(/^\$(JS|KV)/);
  });

  it('gives the blackboard (bucket named after it) to the agent that lists it', () => {
    const users = byName(derivePermissions(spec({ registry: 'announcements' })));
    expect(pub(users.get('b'))).toEqual([
      'agents.all',
      'agents.response.b.*',
      '$JS.API.INFO',
      ...KV_BASE('KV_shared'),
      '$KV.shared.>',
      '$JS.API.DIRECT.GET.KV_shared.>',
      '$JS.API.DIRECT.GET.KV_shared',
      '$JS.API.STREAM.MSG.GET.KV_shared',
    ]);
  });
});

describe('derivePermissions (seed-001)', () => {
  const users = byName(
    derivePermissions(
      topology({
        profile: 'seed-001',
        registry: 'announcements',
        agents: [{ name: 'client', llm: 'offline' }, { name: 'service', llm: 'offline' }],
        edges: [{ from: 'client', to: 'service', kind: 'request' }, { from: 'client', to: 'service', kind: 'broadcast' }],
      }),
    ),
  );

  it('uses agent.{name}.task and platform.events.agents, with no direct, handoff or response subjects', () => {
    expect(pub(users.get('client'))).toEqual(['platform.events.agents', 'agent.service.task']);
    expect(sub(users.get('client'))).toEqual(['agent.client.task', 'platform.events.agents', '_INBOX_client.>']);
    expect(pub(users.get('service'))).toEqual(['platform.events.agents']);
    expect(sub(users.get('service'))).toEqual(['agent.service.task', 'platform.events.agents', '_INBOX_service.>']);
    expect(users.get('service')!.allowResponses).toBe(true);
  });

  it('ignores direct and handoff edges, which the profile does not have', () => {
    const loose = topology({ profile: 'seed-001', agents: [{ name: 'a', llm: 'offline' }, { name: 'b', llm: 'offline' }], edges: [{ from: 'a', to: 'b', kind: 'handoff' }] });
    const a = byName(derivePermissions(loose)).get('a');
    expect(pub(a).filter((s) => !s.startsWith('$'))).toEqual(['platform.events.agents']);
  });
});

describe('exportNatsConf', () => {
  const { config, secrets } = exportNatsConf(team, { createUser: fakeKeys() });

  it('has listen, monitoring and JetStream with container defaults', () => {
    expect(config).toContain('listen: "0.0.0.0:4222"\n');
    expect(config).toContain('http: "0.0.0.0:8222"\n');
    expect(config).toMatch(/jetstream \{\n {2}store_dir: "\/data"\n\}/);
    const custom = exportNatsConf(team, { createUser: fakeKeys(), host: '127.0.0.1', port: 14222, monitorPort: 18222, storeDir: '/tmp/js' }).config;
    expect(custom).toContain('listen: "127.0.0.1:14222"');
    expect(custom).toContain('http: "127.0.0.1:18222"');
    expect(custom).toContain('store_dir: "/tmp/js"');
    expect(exportNatsConf(team, { createUser: fakeKeys(), host: '::' }).config).toContain('listen: "[::]:4222"');
  });

  it('holds public keys only; each seed goes to its own file', () => {
    expect(secrets.map((s) => s.fileName)).toEqual(['planner.nk', 'coder.nk', 'tester.nk', 'lurker.nk', 'legacy.nk', 'switchboard.nk']);
    expect(secrets[0]!.content).toBe(`SU${'A'.repeat(56)}\n`);
    for (const secret of secrets) expect(config).not.toContain(secret.content.trim());
    expect(config.match(/nkey: "U[A-Z2-7]{55}"/g)).toHaveLength(6);
    expect(config).not.toMatch(/password|token/i);
  });

  it('renders each user with its grants, quoted, and why as a comment', () => {
    const coder = config.slice(config.indexOf('# coder'), config.indexOf('# tester'));
    expect(coder).toContain(`nkey: "U${'B'.repeat(55)}"`);
    expect(coder).toContain('"agents.response.coder.*" # request edge planner -> coder: stream frames');
    expect(coder).toContain('"$KV.switchboard_agents.coder.>" # registry: put its own entries only');
    expect(coder).toContain('allow_responses: true');
    expect(config.slice(config.indexOf('# tester'), config.indexOf('# lurker'))).not.toContain('allow_responses');
    expect(config).toContain('# planner (agent, 3 replicas share this user); seed in planner.nk');
  });

  it('refuses keys that are not user nkeys', () => {
    expect(() => exportNatsConf(team, { createUser: () => ({ publicKey: 'U" }', seed: 'SUX' }) })).toThrow(/not a user nkey/);
    expect(() => exportNatsConf(team, { createUser: () => ({ publicKey: `U${'A'.repeat(55)}`, seed: 'not a seed' }) })).toThrow(/seed/);
  });

  it('escapes what it quotes and keeps comments on one line', () => {
    const odd = topology({ agents: [{ name: 'a', llm: 'offline' }, { name: 'b', llm: 'offline' }], edges: [{ from: 'a', to: 'b', kind: 'subscribe', subject: 'odd."quoted\\.>' }] }, 'two\nlines');
    const text = exportNatsConf(odd, { createUser: fakeKeys() }).config;
    expect(text).toContain('"odd.\\"quoted\\\\.>" # subscribe edge a -> b');
    expect(text.split('\n')[0]).toBe('# nats-server config for the Switchboard topology two lines');
  });
});

describe('exportCompose', () => {
  const doc = parse(exportCompose(team)) as { services: Record<string, Record<string, unknown>>; volumes: Record<string, unknown> };

  it('has the nats service and one service per agent (none for external agents)', () => {
    expect(Object.keys(doc.services)).toEqual(['nats', 'planner', 'coder', 'tester', 'lurker']);
    expect(doc.services['nats']).toEqual({
      image: 'nats:2.10-alpine',
      command: ['-c', '/etc/nats/nats-server.conf'],
      volumes: ['./nats-server.conf:/etc/nats/nats-server.conf:ro', 'nats-data:/data'],
      ports: ['4222:4222', '8222:8222'],
    });
    expect(doc.volumes).toEqual({ 'nats-data': {} });
  });

  it('runs each agent headless with only its own nkey, replicas from the topology', () => {
    expect(doc.services['planner']).toEqual({
      image: 'switchboard:latest',
      command: ['switchboard', 'run', '/topology/topology.yaml', '--nats', 'nats://nats:4222', '--creds', '/secrets/planner.nk', '--only', 'planner'],
      volumes: ['./topology.yaml:/topology/topology.yaml:ro', './planner.nk:/secrets/planner.nk:ro'],
      environment: { TEAM_OPENAI_KEY: '${TEAM_OPENAI_KEY}' },
      depends_on: ['nats'],
      deploy: { replicas: 3 },
    });
    expect(doc.services['coder']!['deploy']).toEqual({ replicas: 1 });
  });

  it('passes secrets through by name (the provider default when none is named), never a value', () => {
    expect(doc.services['coder']!['environment']).toEqual({ ANTHROPIC_API_KEY: '${ANTHROPIC_API_KEY}' });
    expect(doc.services['tester']!['environment']).toBeUndefined();
    const text = exportCompose(team, { image: 'registry.local/sb:1', topologyFile: 'deploy/team.yaml', secretsDir: 'keys/' });
    expect(text).not.toMatch(/SU[A-Z2-7]{10}/);
    const custom = parse(text) as typeof doc;
    expect(custom.services['tester']!['image']).toBe('registry.local/sb:1');
    expect(custom.services['tester']!['volumes']).toEqual(['./deploy/team.yaml:/topology/team.yaml:ro', 'keys/tester.nk:/secrets/tester.nk:ro']);
    expect((custom.services['tester']!['command'] as string[])[2]).toBe('/topology/team.yaml');
  });

  it('moves the server aside when an agent is called nats', () => {
    const clash = parse(exportCompose(topology({ agents: [{ name: 'nats', llm: 'offline' }] }))) as typeof doc;
    expect(Object.keys(clash.services)).toEqual(['nats-server', 'nats']);
    expect(clash.services['nats']!['command']).toContain('nats://nats-server:4222');
    expect(clash.services['nats']!['depends_on']).toEqual(['nats-server']);
  });
});

describe('exportMermaid', () => {
  const chart = exportMermaid(team);
  const lines = chart.trimEnd().split('\n');

  it('is a left-to-right flowchart with one shape per node kind', () => {
    expect(lines[0]).toBe('flowchart LR');
    expect(lines).toContain('  n_planner["planner ×3"]');
    expect(lines).toContain('  n_coder["coder"]');
    expect(lines).toContain('  n_legacy(["legacy"])');
    expect(lines).toContain('  n_search{{"search"}}');
    expect(lines).toContain('  n_notes[("notes")]');
    expect(lines).toContain('  classDef external stroke-dasharray: 5 5');
    expect(lines).toContain('  class n_legacy external');
  });

  it('draws every edge with its kind’s arrow and label', () => {
    expect(lines.filter((l) => /\|"/.test(l))).toEqual([
      '  n_planner -->|"request"| n_coder',
      '  n_planner -->|"request"| n_legacy',
      '  n_coder -.->|"direct"| n_tester',
      '  n_tester ==>|"handoff"| n_planner',
      '  n_planner --o|"broadcast"| n_lurker',
      '  n_coder -.-o|"subscribe agents.handoff.#62;"| n_lurker',
    ]);
  });

  it('makes ids safe and distinct, and escapes labels', () => {
    expect(mermaidId('end')).toBe('n_end');
    expect(mermaidId('a-b')).not.toBe(mermaidId('a_b'));
    expect(mermaidId('o')).toMatch(/^n_/); // never an arrow head right after --
    expect(escapeLabel('say "hi" <b>|[x]#')).toBe('say #34;hi#34; #60;b#62;#124;#91;x#93;#35;');
    expect(escapeLabel('two\nlines')).toBe('two lines');
    const chart = exportMermaid(topology({ agents: [{ name: 'my-agent', llm: 'offline' }, { name: 'my_agent', llm: 'offline' }], edges: [{ from: 'my-agent', to: 'my_agent', kind: 'subscribe', subject: 'x."y|z' }] }));
    expect(chart).toContain('  n_my_hagent["my-agent"]');
    expect(chart).toContain('  n_my__agent["my_agent"]');
    expect(chart).toContain('  n_my_hagent -.-o|"subscribe x.#34;y#124;z"| n_my__agent');
  });
});

describe('exportTopology', () => {
  const keys = { createUser: fakeKeys() };

  it('offers the formats in menu order', () => {
    expect(EXPORT_FORMATS).toEqual(['yaml', 'json', 'nats-conf', 'compose', 'mermaid']);
  });

  it('round-trips yaml and json through the loader', () => {
    for (const format of ['yaml', 'json'] as const) {
      const { files } = exportTopology(team, format);
      expect(files.map((f) => f.name)).toEqual([`team.${format}`]);
      expect(loadTopology(files[0]!.content, files[0]!.name).topology).toEqual(team);
    }
  });

  it('puts the main file first and flags the secrets', () => {
    const conf = exportTopology(team, 'nats-conf', { createUser: fakeKeys() }).files;
    expect(conf.map((f) => [f.name, f.secret ?? false])).toEqual([
      ['nats-server.conf', false],
      ['planner.nk', true],
      ['coder.nk', true],
      ['tester.nk', true],
      ['lurker.nk', true],
      ['legacy.nk', true],
      ['switchboard.nk', true],
    ]);
    const compose = exportTopology(topology(team.spec, 'My Team!'), 'compose', keys).files;
    expect(compose.slice(0, 3).map((f) => f.name)).toEqual(['compose.yaml', 'my-team.yaml', 'nats-server.conf']);
    expect(compose.filter((f) => f.secret).map((f) => f.name)).toEqual(['planner.nk', 'coder.nk', 'tester.nk', 'lurker.nk', 'legacy.nk', 'switchboard.nk']);
    // Every file the compose file mounts is in the bundle.
    const mounted = Object.values((parse(compose[0]!.content) as { services: Record<string, { volumes: string[] }> }).services).flatMap((s) => s.volumes.map((v) => v.split(':')[0]!));
    for (const file of mounted.filter((m) => m.startsWith('./'))) expect(compose.map((f) => `./${f.name}`)).toContain(file);
    expect(exportTopology(team, 'mermaid').files.map((f) => f.name)).toEqual(['team.mmd']);
  });

  it('needs createUser for the formats that make keys', () => {
    expect(() => exportTopology(team, 'nats-conf')).toThrow(/createUser/);
    expect(() => exportTopology(team, 'compose')).toThrow(/createUser/);
  });
});
