// The topology file: load/save round trips, YAML and JSON agreeing, git-friendly output,
// migrations, newer files refused read-only, and every validation error with its path and line.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadTopology, type LoadResult } from '../../agents/topology/load.js';
import { toJson, toYaml } from '../../agents/topology/save.js';
import { API_VERSION, topologyJsonSchema, type Topology } from '../../agents/topology/schema.js';

const trioText = readFileSync('templates/seed-000-trio.yaml', 'utf8');
const load = (text: string, name = 't.yaml') => loadTopology(text, name);
const trio = (): Topology => load(trioText).topology!;

/** A minimal valid file with `spec` lines appended (YAML, 2-space indent under spec). */
const file = (spec: string, extra = '') =>
  `apiVersion: ${API_VERSION}\nkind: Topology\nmetadata:\n  name: t\nspec:\n  llms:\n    offline:\n      provider: scripted\n${spec}${extra}`;

const errors = (result: LoadResult) => result.problems.filter((p) => p.severity === 'error');

describe('load and save', () => {
  it('loads the trio template', () => {
    const result = load(trioText);
    expect(result.problems).toEqual([]);
    expect(result.topology?.spec.agents.map((a) => a.name)).toEqual(['task_coordinator', 'weather_bot', 'general_assistant']);
  });

  it('round-trips YAML: load → save → load is identity, and saving again changes nothing', () => {
    const yaml = toYaml(trio());
    expect(load(yaml).topology).toEqual(trio());
    expect(toYaml(load(yaml).topology!)).toBe(yaml);
  });

  it('YAML and JSON agree', () => {
    const json = toJson(trio());
    const fromJson = load(json, 't.json');
    expect(fromJson.format).toBe('json');
    expect(fromJson.topology).toEqual(trio());
    expect(load(toYaml(fromJson.topology!)).topology).toEqual(trio());
  });

  it('writes prompts as block scalars and keeps layout in its own last section', () => {
    const yaml = toYaml(trio());
    expect(yaml).toMatch(/prompt: \|\n {8}You are \{\{agent_name\}\}, a coordinator\./);
    expect(Object.keys(parseYaml(yaml))).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'layout']);
  });

  it('turns a moved node into a small diff', () => {
    const t = trio();
    const before = toYaml(t).split('\n');
    t.layout.nodes['weather_bot'] = { x: 420, y: 60 };
    const after = toYaml(t).split('\n');
    const changed = after.filter((line, i) => line !== before[i]);
    expect(changed).toEqual(['      x: 420']);
  });

  it('keeps key order stable whatever order the file used', () => {
    const shuffled = file('  agents:\n    - llm: offline\n      capabilities: [x]\n      name: b\n');
    expect(toYaml(load(shuffled).topology!)).toMatch(/- name: b\n {6}role: assistant\n {6}capabilities:/);
  });

  it('leaves defaults out of the saved file and restores them on load', () => {
    const t = load(file('  mcpServers:\n    - { name: echo, command: node }\n  agents:\n    - { name: a, llm: offline, tools: [echo/*] }\n')).topology!;
    const yaml = toYaml(t);
    expect(yaml).not.toMatch(/args:|env:|mcpServers: \[\]|variables:|capabilities:/);
    expect(load(yaml).topology).toEqual(t);
  });

  it('emits a JSON Schema for editors', () => {
    const schema = topologyJsonSchema();
    expect(schema['$schema']).toContain('2020-12');
    expect(JSON.stringify(schema)).toContain('"apiVersion"');
  });
});

describe('versions', () => {
  it('migrates a v1alpha1 file', () => {
    const old = `apiVersion: switchboard.dev/v1alpha1
kind: Topology
metadata:
  name: legacy
agents:
  - name: a
    model: { provider: scripted }
    system_prompt: You are A.
  - name: b
    model: { provider: openai, model: gpt-4o-mini, apiKeyEnv: OPENAI_API_KEY }
channels:
  - { from: a, to: b, type: request }
`;
    const result = load(old);
    expect(result.migrated).toEqual([`switchboard.dev/v1alpha1 → ${API_VERSION}`]);
    expect(result.topology?.apiVersion).toBe(API_VERSION);
    expect(result.topology?.spec.llms).toEqual({ scripted: { provider: 'scripted' }, openai: { provider: 'openai', model: 'gpt-4o-mini', apiKeyEnv: 'OPENAI_API_KEY' } });
    expect(result.topology?.spec.agents.map((a) => [a.name, a.llm, a.prompt])).toEqual([
      ['a', 'scripted', 'You are A.'],
      ['b', 'openai', 'You are {{agent_name}}. {{agent_description}}'],
    ]);
    expect(result.topology?.spec.edges).toEqual([{ from: 'a', to: 'b', kind: 'request' }]);
  });

  it('refuses a file from a newer version read-only, with the line', () => {
    const result = load(trioText.replace(API_VERSION, 'switchboard.dev/v2'));
    expect(result.readOnly).toBe(true);
    expect(result.topology).toBeNull();
    expect(result.problems[0]).toMatchObject({ line: 1, message: expect.stringMatching(/newer Switchboard.*read-only.*not be overwritten/) });
  });

  it('refuses an unknown apiVersion', () => {
    expect(load(trioText.replace(API_VERSION, 'example.com/v1')).problems[0]?.message).toMatch(/Unknown apiVersion/);
  });
});

describe('validation errors name the path, line and column', () => {
  const cases: [string, string, (string | number)[], number, RegExp][] = [
    ['duplicate names', file('  agents:\n    - { name: a, llm: offline }\n  tools:\n    - { name: a }\n'), ['spec', 'tools', 0, 'name'], 12, /already the name of an agent/],
    ['edge to an unknown node', file('  agents:\n    - { name: a, llm: offline }\n  edges:\n    - { from: a, to: ghost, kind: request }\n'), ['spec', 'edges', 0, 'to'], 12, /Unknown node "ghost"/],
    ['invalid subject token in a name', file('  agents:\n    - { name: "weather.bot", llm: offline }\n'), ['spec', 'agents', 0, 'name'], 10, /one NATS subject token/],
    ['invalid subject pattern', file('  agents:\n    - { name: a, llm: offline }\n    - { name: b, llm: offline }\n  edges:\n    - { from: a, to: b, kind: subscribe, subject: "sensors.>.x" }\n'), ['spec', 'edges', 0, 'subject'], 13, /subject or pattern/],
    ['a tool the agent may not use', file('  agents:\n    - { name: a, llm: offline, tools: [t] }\n  tools:\n    - { name: t, allow: [b] }\n'), ['spec', 'agents', 0, 'tools', 0], 10, /not allowed for a/],
    ['an unknown tool', file('  agents:\n    - { name: a, llm: offline, tools: [warp_drive] }\n'), ['spec', 'agents', 0, 'tools', 0], 10, /Unknown tool "warp_drive"/],
    ['a request to a node that cannot answer', file('  agents:\n    - { name: a, llm: offline }\n  blackboards:\n    - { name: notes }\n  edges:\n    - { from: a, to: notes, kind: request }\n'), ['spec', 'edges', 0, 'to'], 14, /cannot answer a request/],
    ['an unknown provider', file('  agents:\n    - { name: a, llm: offline }\n', '  budget: {}\n').replace('provider: scripted', 'provider: palm'), ['spec', 'llms', 'offline', 'provider'], 8, /./],
    ['unknown LLM settings', file('  agents:\n    - { name: a, llm: gpt }\n'), ['spec', 'agents', 0, 'llm'], 10, /Unknown LLM settings "gpt"/],
    ['a budget that cannot be met', file('  budget: { maxTurns: 5 }\n  agents:\n    - { name: a, llm: offline, budget: { maxTurns: 10 } }\n'), ['spec', 'agents', 0, 'budget', 'maxTurns'], 11, /can never be reached/],
    ['a secret inline', file('  agents: []\n').replace('provider: scripted', 'provider: openai\n      model: gpt\n      apiKeyEnv: sk-live-123'), ['spec', 'llms', 'offline', 'apiKeyEnv'], 10, /NAME of an environment variable/],
    ['a missing field', file('  agents:\n    - { name: a }\n'), ['spec', 'agents', 0, 'llm'], 10, /Missing required field "llm"/],
  ];
  it.each(cases)('%s', (_label, text, path, line, message) => {
    const result = load(text);
    expect(result.topology).toBeNull();
    const problem = errors(result).find((p) => JSON.stringify(p.path) === JSON.stringify(path));
    expect(problem, JSON.stringify(result.problems, null, 2)).toBeDefined();
    expect(problem!.message).toMatch(message);
    expect(problem!.line).toBe(line);
    expect(problem!.column).toBeGreaterThan(0);
  });

  it('reports YAML syntax errors and duplicate keys with their line', () => {
    expect(load('apiVersion: [\n').problems[0]).toMatchObject({ message: expect.stringMatching(/^YAML syntax/), line: expect.any(Number) });
    expect(load(`${file('')}\nspec: {}\n`).problems[0]?.message).toMatch(/YAML syntax.*unique/i);
  });

  it('warns, without failing, about prompt variables nothing fills', () => {
    const result = load(file('  agents:\n    - { name: a, llm: offline, prompt: "Hi {{mystery}}" }\n'));
    expect(result.topology).not.toBeNull();
    expect(result.problems).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('{{mystery}}') })]);
  });
});
