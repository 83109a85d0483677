// Discovery's pure parts: each protocol's messages read into sightings (tolerantly for seed-002,
// never throwing on strangers' messages) and sightings folded into one agent per agent.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DISCOVERY_SENDER } from '../../agents/protocol/discovered-agent.js';
import { loadTopology } from '../../agents/topology/load.js';
import type { MessageRecord } from '../../agents/trace/record.js';
import { designedVsObserved } from '../../agents/trace/designed-vs-observed.js';
import { foldSightings, type Sighting } from '../../agents/interop/discovery/fold.js';
import {
  parseAnnouncement,
  parseRegistration,
  parseSeed001Event,
  parseSeed002Response,
  parseSeed002Status,
  parseSynadiaHeartbeat,
  parseSynadiaService,
  statusWord,
  synadiaServiceSighting,
} from '../../agents/interop/discovery/parse.js';
import { agentsTable, ago, MAX_CELL_CHARS, nodeText } from '../../main/commands/agents-table.js';

const T = Date.parse('2026-12-06T12:00:00Z');
const meta = (over: Record<string, unknown> = {}) => ({
  name: 'weather_bot',
  description: 'forecasts',
  capabilities: ['weather'],
  tools: [],
  status: 'available',
  model: '',
  version: '1.0.0',
  registered_at: '2026-12-06T11:00:00Z',
  last_heartbeat: new Date(T - 1000).toISOString(),
  ...over,
});
const announcement = (type: string, agent: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ message_type: type, from_agent: String(agent['name']), to_agent: null, content: '', metadata: { agent, ...extra }, timestamp: new Date(T).toISOString(), message_id: 'm1' });

const sighting = (over: Partial<Sighting>): Sighting => ({ protocol: 'seed-000', name: 'a', instance: 'i1', status: 'available', seenAt: T, live: true, ...over });

describe('parsing', () => {
  it('reads seed-000/001 announcements and heartbeats with instance and node; ignores other messages', () => {
    const s = parseAnnouncement('seed-000', announcement('heartbeat', meta(), { instance: 'abc', node: 'n2' }), T);
    expect(s).toMatchObject({ protocol: 'seed-000', name: 'weather_bot', instance: 'abc', node: 'n2', status: 'available', seenAt: T, endpoints: [{ name: 'request', subject: 'agents.request.weather_bot' }] });
    expect(parseAnnouncement('seed-001', announcement('announcement', meta()), T)?.endpoints).toEqual([{ name: 'request', subject: 'agent.weather_bot.task' }]);
    expect(parseAnnouncement('seed-000', announcement('broadcast', meta()), T)).toBeNull();
    expect(parseAnnouncement('seed-000', '{not json', T)).toBeNull();
    expect(parseAnnouncement('seed-000', announcement('announcement', { name: 'x' }), T)).toBeNull();
  });

  it('reads stored registrations: profile, node, and an available entry older than three beats as unknown', () => {
    expect(parseRegistration('weather_bot.abc', JSON.stringify({ ...meta(), node: 'n1', profile: 'seed-001' }), T, 5000)).toMatchObject({ protocol: 'seed-001', instance: 'abc', node: 'n1', status: 'available', live: false });
    expect(parseRegistration('weather_bot.abc', JSON.stringify(meta({ last_heartbeat: new Date(T - 16_000).toISOString() })), T, 5000)?.status).toBe('unknown');
    expect(parseRegistration('weather_bot.abc', JSON.stringify(meta({ status: 'offline', last_heartbeat: new Date(T - 99_000).toISOString() })), T, 5000)?.status).toBe('offline');
    const old = new Date(T - 60_000).toISOString();
    expect(parseRegistration('weather_bot.abc', JSON.stringify({ ...meta({ last_heartbeat: old }), heartbeat_ms: 30_000 }), T, 5000)?.status).toBe('available'); // its own period
    expect(parseRegistration('weather_bot.abc', JSON.stringify({ ...meta({ last_heartbeat: old }), heartbeat_ms: 0 }), T, 5000)?.status).toBe('available'); // it never beats
    expect(parseRegistration('weather_bot.abc', JSON.stringify({ ...meta({ last_heartbeat: old }), heartbeat_ms: 1000 }), T, 5000)?.status).toBe('unknown');
    expect(parseRegistration('k', 'garbage', T, 5000)).toBeNull();
  });

  it('reads seed-001 agent_registered events as AgentMessages or plain objects', () => {
    expect(parseSeed001Event(JSON.stringify({ agent_name: 'llm_agent', capabilities: ['generate_text'] }), T)).toMatchObject({ protocol: 'seed-001', name: 'llm_agent', status: 'available', capabilities: ['generate_text'] });
    expect(parseSeed001Event(announcement('announcement', meta()), T)?.protocol).toBe('seed-001');
    expect(parseSeed001Event(JSON.stringify({ task_id: 't' }), T)).toBeNull();
    expect(parseSeed001Event('[]', T)).toBeNull();
  });

  it('reads seed-002 status on four-token subjects only, in the seed shape or flat', () => {
    const nested = JSON.stringify({ id: 'msg-1', type: 'event', source: { id: 'w1', type: 'agent' }, payload: { content: { status: 'busy', capabilities: ['analysis'], agent_type: 'worker' } } });
    expect(parseSeed002Status('agents.prod.status.w1', nested, T)).toMatchObject({ protocol: 'seed-002', name: 'w1', status: 'busy', capabilities: ['analysis'], description: 'worker agent', endpoints: [{ name: 'control', subject: 'agents.prod.control.w1' }] });
    expect(parseSeed002Status('agents.dev.status.w2', JSON.stringify({ state: 'stopped' }), T)?.status).toBe('offline');
    expect(parseSeed002Status('agents.dev.status.w2', '{}', T)?.status).toBe('available'); // it spoke
    // Synadia's status subject has five tokens; seed-000's response subject for an agent named "status" is not seed-002.
    expect(parseSeed002Status('agents.status.echo.tests.e1', '{}', T)).toBeNull();
    expect(parseSeed002Status('agents.response.status.m1', '{}', T)).toBeNull();
    expect(parseSeed002Status('agents.prod.status.w1', 'nope', T)).toBeNull();
  });

  it('reads seed-002 discovery responses: one agent (by source, not the message id) or a list', () => {
    const one = JSON.stringify({ id: 'msg-9', source: { id: 'w1', type: 'agent' }, payload: { content: { capabilities: ['a'] } } });
    expect(parseSeed002Response('agents.prod.discovery.responses', one, T).map((s) => s.name)).toEqual(['w1']);
    const list = JSON.stringify({ agents: [{ agent_id: 'w1', status: 'online' }, { id: 'w2', status: 'busy' }, 'junk', { nothing: 1 }] });
    expect(parseSeed002Response('agents.prod.discovery.responses', list, T).map((s) => [s.name, s.status])).toEqual([['w1', 'available'], ['w2', 'busy']]);
    expect(parseSeed002Response('agents.prod.discovery.responses', 'x', T)).toEqual([]);
  });

  it('reads Synadia $SRV replies (current and legacy names, identity from the prompt subject) and skips other services', () => {
    const info = { name: 'agents', id: 'ID1', version: '1.2.0', description: 'echo', metadata: { agent: 'echo', owner: 'o', protocol_version: '0.3' }, endpoints: [{ name: 'prompt', subject: 'agents.prompt.echo.o.e1', queue_group: 'agents' }, { name: 'status', subject: 'agents.status.echo.o.e1' }] };
    const parsed = parseSynadiaService(JSON.stringify(info));
    expect(parsed).toMatchObject({ id: 'ID1', identity: { agent: 'echo', owner: 'o', name: 'e1' }, version: '1.2.0' });
    expect(synadiaServiceSighting(parsed!, parsed!.identity!, T)).toMatchObject({ protocol: 'synadia', name: 'e1', instance: 'ID1', status: 'available', endpoints: [{ name: 'prompt', subject: 'agents.prompt.echo.o.e1' }, { name: 'status', subject: 'agents.status.echo.o.e1' }] });
    expect(parseSynadiaService(JSON.stringify({ ...info, name: 'Synadia Agents' }))?.id).toBe('ID1');
    expect(parseSynadiaService(JSON.stringify({ name: 'agents', id: 'ID1', metadata: {} }))?.identity).toBeNull(); // a PING reply
    expect(parseSynadiaService(JSON.stringify({ ...info, name: 'billing' }))).toBeNull();
  });

  it("names a Synadia agent whose subject token is short (the SDK's subjectToken) by its metadata.agent, from $SRV and heartbeats alike, so both fold into one agent a caller can find", () => {
    const info = { name: 'agents', id: 'ID2', metadata: { agent: 'claude-code', owner: 'acme', protocol_version: '0.3' }, endpoints: [{ name: 'prompt', subject: 'agents.prompt.cc.acme.reviewer' }] };
    const identity = { agent: 'claude-code', owner: 'acme', name: 'reviewer' };
    const service = parseSynadiaService(JSON.stringify(info))!;
    expect(service.identity).toEqual(identity);
    const beat = JSON.stringify({ agent: 'claude-code', owner: 'acme', instance_id: 'ID2', ts: new Date(T).toISOString(), interval_s: 30 });
    const heard = parseSynadiaHeartbeat('agents.hb.cc.acme.reviewer', beat, T)!;
    expect(heard.synadia).toEqual(identity);
    const folded = foldSightings([heard, synadiaServiceSighting(service, service.identity!, T)]);
    expect(folded).toHaveLength(1);
    expect(folded[0]).toMatchObject({ name: 'reviewer', synadia: identity, endpoints: [{ name: 'prompt', subject: 'agents.prompt.cc.acme.reviewer' }] });
  });

  it('reads Synadia heartbeats; one older than three periods is offline', () => {
    const beat = (ts: number) => JSON.stringify({ agent: 'echo', owner: 'o', instance_id: 'ID1', ts: new Date(ts).toISOString(), interval_s: 30 });
    expect(parseSynadiaHeartbeat('agents.hb.echo.o.e1', beat(T), T)).toMatchObject({ name: 'e1', instance: 'ID1', status: 'available', synadia: { agent: 'echo', owner: 'o', name: 'e1' } });
    expect(parseSynadiaHeartbeat('agents.hb.echo.o.e1', beat(T - 91_000), T)).toMatchObject({ status: 'offline', seenAt: T - 91_000 });
    expect(parseSynadiaHeartbeat('agents.prompt.echo.o.e1', beat(T), T)).toBeNull();
    expect(parseSynadiaHeartbeat('agents.hb.echo.o.e1', '{}', T)).toBeNull();
  });

  it('maps status words of every protocol', () => {
    expect(['online', 'ready', 'IDLE'].map((w) => statusWord(w))).toEqual(['available', 'available', 'available']);
    expect([statusWord('processing'), statusWord('shutdown'), statusWord('weird'), statusWord(undefined, 'available')]).toEqual(['busy', 'offline', 'unknown', 'available']);
  });
});

describe('folding', () => {
  it('folds instances: the freshest word of each decides, the best instance the agent', () => {
    const [agent] = foldSightings([
      sighting({ instance: 'i1', seenAt: T - 10, node: 'n1' }),
      sighting({ instance: 'i2', seenAt: T - 5, status: 'busy', node: 'n2' }),
      sighting({ instance: 'i3', seenAt: T - 20 }),
      sighting({ instance: 'i3', seenAt: T - 1, status: 'offline' }),
    ]);
    expect(agent).toMatchObject({ name: 'a', status: 'available', instances: 2, node: 'n1, n2', lastSeen: new Date(T - 1).toISOString() });
  });

  it('prefers what was heard live over a stored registration, and a goodbye at the same moment over a beat', () => {
    expect(foldSightings([sighting({ live: false, seenAt: T + 100, status: 'available' }), sighting({ seenAt: T, status: 'offline' })])[0]?.status).toBe('offline');
    expect(foldSightings([sighting({ status: 'available' }), sighting({ status: 'offline' })])[0]?.status).toBe('offline');
    expect(foldSightings([sighting({ live: false, seenAt: null, status: 'unknown' })])[0]).toMatchObject({ status: 'unknown', lastSeen: null, instances: 0 });
  });

  it('keeps protocols apart, groups Synadia agents by identity, and fills fields from older sightings', () => {
    const id = { agent: 'echo', owner: 'o', name: 'e1' };
    const agents = foldSightings([
      sighting({ protocol: 'seed-001', name: 'b' }),
      sighting({ protocol: 'seed-000', name: 'b' }),
      sighting({ protocol: 'synadia', name: 'e1', instance: 'ID1', synadia: id, endpoints: [{ name: 'prompt', subject: 'agents.prompt.echo.o.e1' }], description: 'echo', seenAt: T - 100 }),
      sighting({ protocol: 'synadia', name: 'e1', instance: 'ID1', synadia: id, seenAt: T }),
      sighting({ protocol: 'synadia', name: 'e1', instance: 'ID2', synadia: { ...id, owner: 'other' } }),
    ]);
    expect(agents.map((a) => `${a.protocol}/${a.name}`)).toEqual(['seed-000/b', 'seed-001/b', 'synadia/e1', 'synadia/e1']);
    expect(agents[2]).toMatchObject({ description: 'echo', endpoints: [{ name: 'prompt', subject: 'agents.prompt.echo.o.e1' }], instances: 1, synadia: id });
  });

  it('folds an agent heard 300 000 times in the window (a flooded heartbeat subject) without running out of call stack', () => {
    const flood = Array.from({ length: 300_000 }, (_, i) => sighting({ instance: `i${i % 7}`, seenAt: T - i }));
    const [agent] = foldSightings(flood);
    expect(agent).toMatchObject({ name: 'a', status: 'available', instances: 7, lastSeen: new Date(T).toISOString() });
  });

  it('takes capabilities from what the instances say now', () => {
    const [agent] = foldSightings([sighting({ instance: 'i1', seenAt: T - 10, capabilities: ['old'] }), sighting({ instance: 'i1', seenAt: T, capabilities: ['new'] })]);
    expect(agent?.capabilities).toEqual(['new']);
  });
});

describe('the agents table', () => {
  it('prints one aligned row per agent, endpoints for Synadia agents, and a dash for what is unknown', () => {
    const agents = foldSightings([
      sighting({ name: 'weather_bot', capabilities: ['weather'], node: 'n1', seenAt: T - 3000 }),
      sighting({ protocol: 'synadia', name: 'e1', instance: 'ID1', synadia: { agent: 'echo', owner: 'o', name: 'e1' }, endpoints: [{ name: 'prompt', subject: 'agents.prompt.echo.o.e1' }, { name: 'status', subject: 'agents.status.echo.o.e1' }] }),
    ]).map((a) => ({ ...a, bus: 'nats://x:4222' }));
    const lines = agentsTable(agents, T, false).split('\n');
    expect(lines).toEqual([
      'NAME         PROTOCOL  CAPABILITIES / ENDPOINTS                  STATUS     LAST SEEN  NODE',
      'weather_bot  seed-000  weather                                   available  3 s ago    n1',
      'e1           synadia   prompt (agents.prompt.echo.o.e1), status  available  0 s ago    —',
    ]);
    expect(agentsTable(agents, T, true).split('\n')[0]).toMatch(/NODE {2}BUS$/);
    expect([ago(null, T), ago(new Date(T - 125_000).toISOString(), T), ago(new Date(T - 7_300_000).toISOString(), T)]).toEqual(['—', '2 min ago', '2 h ago']);
  });

  it('keeps every cell to MAX_CELL_CHARS, so a service listing thousands of endpoints or a very long name does not widen every row', () => {
    const endpoints = Array.from({ length: 5000 }, (_, i) => ({ name: `ep${i}`, subject: `agents.ep${i}.x.y.z` }));
    const agents = foldSightings([
      sighting({ name: 'weather_bot', capabilities: ['weather'], node: 'n1', seenAt: T }),
      sighting({ protocol: 'synadia', name: 'n'.repeat(300), instance: 'ID1', synadia: { agent: 'evil', owner: 'o', name: 'n'.repeat(300) }, endpoints }),
    ]).map((a) => ({ ...a, bus: 'nats://x:4222' }));
    const lines = agentsTable(agents, T, false).split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line.length).toBeLessThan(6 * (MAX_CELL_CHARS + 2));
    expect(lines.find((l) => l.startsWith('nnn'))).toContain('…');
    expect(lines.find((l) => l.startsWith('weather_bot'))).toMatch(/^weather_bot +seed-000 +weather +available/);
  });

  it("shortens an unnamed server's public key in NODE (a server without server_name goes by it) and keeps names", () => {
    const key = `N${'A'.repeat(30)}${'B2'.repeat(12)}Q`;
    expect(key).toHaveLength(56);
    expect(nodeText(key)).toBe('NAAAAAAA…');
    expect(nodeText(`n1, ${key}`)).toBe('n1, NAAAAAAA…');
    expect(nodeText('nats-a')).toBe('nats-a');
    expect(nodeText(null)).toBe('—');
  });
});

describe('a listing in the trace', () => {
  it("is not the topology's traffic: the seed-002 discovery request of the Agents on the bus panel is no undeclared subject (a real one still is)", () => {
    const loaded = loadTopology(readFileSync('templates/seed-000-trio.yaml', 'utf8'), 'seed-000-trio.yaml');
    const record = (seq: number, subject: string, payload: string): MessageRecord => ({ seq, time: '2026-01-02T00:00:00.000Z', mono: seq, kind: 'message', subject, reply: '_INBOX.x', headers: null, size: payload.length, payload, encoding: 'utf8', truncated: false, parsed: { ok: false, reason: 'not an AgentMessage' } });
    const probe = JSON.stringify({ id: 'd1', type: 'query', source: { id: DISCOVERY_SENDER, type: 'agent' }, payload: { content: { query: 'discover' } } });
    const stranger = JSON.stringify({ id: 'd2', type: 'query', source: { id: 'someone', type: 'agent' } });
    const result = designedVsObserved(loaded.topology!, [record(1, 'agents.dev.discovery.requests', probe), record(2, 'agents.prod.discovery.requests', probe), record(3, 'agents.prod.discovery.requests', stranger)]);
    expect(result.undeclaredSubjects.map((u) => [u.subject, u.count])).toEqual([['agents.prod.discovery.requests', 1]]);
  });
});

