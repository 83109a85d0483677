/**
 * What the schema cannot say: names that clash, edges to nothing, requests to nodes that cannot
 * answer, tools an agent may not use, unknown model settings, budgets that can never be met.
 * Each problem names its path in the file; the loader adds line and column.
 */
import { BUILT_IN_VARIABLES, templateVariables } from './prompt-template.js';
import type { Topology } from './schema.js';
import { checkNegotiations } from './validate-negotiation.js';
import { checkEvaluators } from './evaluator-schema.js';
import { checkWorkflows } from './validate-workflows.js';
import { checkSeed002 } from './validate-seed-002.js';
import { checkBatches } from './validate-batch.js';
import { checkA2aServing } from './validate-a2a-serve.js';
import { a2aExampleProblem, checkA2aEdge, checkA2aExternals } from './validate-a2a.js';

/** One finding, at a path into the document (`spec.agents.2.llm`). */
export interface Problem {
  severity: 'error' | 'warning';
  path: (string | number)[];
  message: string;
  line?: number;
  column?: number;
}

type NodeKind = 'agent' | 'external' | 'tool' | 'blackboard';

/** Built-in tools every agent may list (the tools issue implements them in the gateway). */
export const BUILT_IN_TOOLS = ['send_message', 'request_agent', 'handoff', 'broadcast', 'delegate', 'negotiate', 'blackboard_read', 'blackboard_write', 'blackboard_list'] as const;

/** All semantic problems of a schema-valid topology. */
export function validateTopology(topology: Topology): Problem[] {
  const problems: Problem[] = [];
  const error = (path: (string | number)[], message: string) => problems.push({ severity: 'error', path: ['spec', ...path], message });
  const warn = (path: (string | number)[], message: string) => problems.push({ severity: 'warning', path: ['spec', ...path], message });
  const spec = topology.spec;

  // Names are unique across every kind of node: edges and subjects refer to them by name alone.
  const nodes = new Map<string, NodeKind>();
  const declare = (list: { name: string }[], kind: NodeKind, key: string) =>
    list.forEach((node, i) => {
      const seen = nodes.get(node.name);
      if (seen) error([key, i, 'name'], `"${node.name}" is already the name of ${article(seen)} ${label(seen)}; names must be unique.`);
      else nodes.set(node.name, kind);
    });
  declare(spec.agents, 'agent', 'agents');
  declare(spec.externalAgents, 'external', 'externalAgents');
  declare(spec.tools, 'tool', 'tools');
  declare(spec.blackboards, 'blackboard', 'blackboards');
  spec.mcpServers.forEach((server, i) => {
    if (nodes.has(server.name)) error(['mcpServers', i, 'name'], `"${server.name}" is already the name of another node; names must be unique.`);
  });

  const toolsByName = new Map(spec.tools.map((t) => [t.name, t]));
  const blackboards = new Set(spec.blackboards.map((b) => b.name));

  spec.agents.forEach((agent, i) => {
    const llm = spec.llms[agent.llm];
    if (!llm) {
      const known = Object.keys(spec.llms);
      error(['agents', i, 'llm'], `Unknown LLM settings "${agent.llm}"${known.length ? `; declared: ${known.join(', ')}` : '; declare them under spec.llms'}.`);
    }
    agent.tools.forEach((name, j) => {
      if (name.includes('/')) {
        // `server/tool` or `server/*`: the tools themselves are known only once the server runs.
        const [server, tool] = name.split('/');
        if (!spec.mcpServers.some((s) => s.name === server)) error(['agents', i, 'tools', j], `Unknown MCP server "${server}" (declare it under spec.mcpServers).`);
        else if (!tool || !/^(\*|[A-Za-z0-9_.-]+)$/.test(tool)) error(['agents', i, 'tools', j], `"${name}" must be server/tool or server/*.`);
        return;
      }
      const tool = toolsByName.get(name);
      if (!tool && !(BUILT_IN_TOOLS as readonly string[]).includes(name)) {
        error(['agents', i, 'tools', j], `Unknown tool "${name}": declare it under spec.tools, or use a built-in (${BUILT_IN_TOOLS.join(', ')}).`);
      } else if (tool?.allow && !tool.allow.includes(agent.name)) {
        error(['agents', i, 'tools', j], `Tool "${name}" is not allowed for ${agent.name} (allowed: ${tool.allow.join(', ')}).`);
      }
    });
    // A tool condition naming a tool the agent does not list is most likely a typo (MCP wildcards list tools only at run time).
    agent.breakpoints.forEach((entry, j) => {
      if (typeof entry === 'string' || entry.condition.kind !== 'tool' || agent.tools.includes(entry.condition.name) || agent.tools.some((t) => t.includes('/'))) return;
      warn(['agents', i, 'breakpoints', j, 'condition', 'name'], `Breaks when ${agent.name} is about to call "${entry.condition.name}", which is not among its tools (${agent.tools.join(', ') || 'none'}): it stops only if the model calls it anyway.`);
    });
    agent.blackboards.forEach((name, j) => {
      if (!blackboards.has(name)) error(['agents', i, 'blackboards', j], `Unknown blackboard "${name}".`);
    });
    agent.script?.rules.forEach((rule, j) => {
      if (rule.matches === undefined) return;
      try {
        new RegExp(rule.matches);
      } catch (e) {
        error(['agents', i, 'script', 'rules', j, 'matches'], `Not a valid regular expression: ${(e as Error).message}`);
      }
    });
    const known = new Set([...Object.keys(BUILT_IN_VARIABLES), ...Object.keys(agent.variables)]);
    for (const name of templateVariables(agent.prompt)) {
      if (!known.has(name)) warn(['agents', i, 'prompt'], `The prompt uses {{${name}}}, which is neither built in nor in variables: it will be empty.`);
    }
    checkBudget(agent.budget, spec.budget, llm && 'maxTokens' in llm ? llm.maxTokens : undefined, ['agents', i, 'budget'], error);
  });

  checkPatterns(topology, error);
  checkEvaluators(topology, error, warn);
  checkWorkflows(topology, error);
  checkBatches(topology, error, warn);
  checkA2aServing(topology, warn);
  checkSeed002(topology, error, warn);
  checkNegotiations(topology, error, warn);
  const synadia = checkSynadiaExternals(topology, error, warn);
  const a2a = checkA2aExternals(topology, error);

  const hasDirect = spec.profile === 'seed-000';
  spec.edges.forEach((edge, i) => {
    const from = nodes.get(edge.from);
    const to = nodes.get(edge.to);
    if (!from) error(['edges', i, 'from'], `Unknown node "${edge.from}".`);
    if (!to) error(['edges', i, 'to'], `Unknown node "${edge.to}".`);
    if (edge.from === edge.to) error(['edges', i, 'to'], 'An edge cannot connect a node to itself.');
    if (!from || !to) return;
    // A Synadia protocol agent takes prompts (requests) and sends nothing a topology routes.
    if (synadia.has(edge.from) && edge.kind !== 'subscribe') error(['edges', i, 'from'], `"${edge.from}" is a Synadia protocol agent: it answers prompts and sends nothing here; draw a request edge to it instead.`);
    if (synadia.has(edge.to) && edge.kind !== 'request' && edge.kind !== 'subscribe') error(['edges', i, 'kind'], `A ${edge.kind} edge cannot reach "${edge.to}": a Synadia protocol agent takes requests (prompts) only.`);
    checkA2aEdge(edge, i, a2a, error);
    const talkers: NodeKind[] = ['agent', 'external'];
    switch (edge.kind) {
      case 'request':
        if (!talkers.includes(from)) error(['edges', i, 'from'], `Only agents send requests; "${edge.from}" is ${article(from)} ${label(from)}.`);
        if (!talkers.includes(to)) error(['edges', i, 'to'], `"${edge.to}" is ${article(to)} ${label(to)} and cannot answer a request.`);
        else if (to === 'external' && !spec.externalAgents.find((e) => e.name === edge.to)?.answers) {
          error(['edges', i, 'to'], `External agent "${edge.to}" is declared as not answering requests.`);
        }
        break;
      case 'direct':
      case 'handoff':
      case 'broadcast':
        if (!talkers.includes(from)) error(['edges', i, 'from'], `A ${edge.kind} edge starts at an agent; "${edge.from}" is ${article(from)} ${label(from)}.`);
        if (!talkers.includes(to)) error(['edges', i, 'to'], `A ${edge.kind} edge ends at an agent; "${edge.to}" is ${article(to)} ${label(to)}.`);
        if (edge.kind !== 'broadcast' && !hasDirect) error(['edges', i, 'kind'], `The ${spec.profile} profile has no direct subjects, so no ${edge.kind} edges.`);
        break;
      case 'subscribe':
        if (!edge.subject) error(['edges', i], 'A subscribe edge needs a subject (pattern) to listen on.');
        if (to !== 'agent') error(['edges', i, 'to'], `A subscribe edge ends at the agent that listens; "${edge.to}" is ${article(to)} ${label(to)}.`);
        break;
    }
    if (edge.kind !== 'subscribe' && edge.subject !== undefined) error(['edges', i, 'subject'], `Only subscribe edges take a subject; ${edge.kind} subjects come from the profile.`);
  });

  const example = topology.metadata.example;
  if (example && nodes.get(example.to) !== 'agent' && nodes.get(example.to) !== 'external') {
    problems.push({ severity: 'error', path: ['metadata', 'example', 'to'], message: `The example goes to "${example.to}", which is not an agent.` });
  } else if (example && synadia.has(example.to)) {
    problems.push({ severity: 'error', path: ['metadata', 'example', 'to'], message: `The example goes to "${example.to}", a Synadia protocol agent: send it to an agent of the topology that asks it.` });
  }

  const a2aExample = a2aExampleProblem(topology, a2a);
  if (a2aExample) problems.push({ severity: 'error', path: ['metadata', 'example', 'to'], message: a2aExample });

  for (const name of Object.keys(topology.layout.nodes)) {
    if (!nodes.has(name)) problems.push({ severity: 'warning', path: ['layout', 'nodes', name], message: `Layout for "${name}", which is not a node.` });
  }
  return problems;
}

/** An agent's budget must fit in the topology's envelope, and one LLM call must fit in the tokens. */
function checkBudget(
  own: Topology['spec']['budget'],
  envelope: Topology['spec']['budget'],
  callMaxTokens: number | undefined,
  path: (string | number)[],
  error: (path: (string | number)[], message: string) => void,
): void {
  for (const key of ['maxTurns', 'maxTokens', 'timeoutMs'] as const) {
    const mine = own?.[key];
    const limit = envelope?.[key];
    if (mine !== undefined && limit !== undefined && mine > limit) {
      error([...path, key], `${key} ${mine} can never be reached inside the topology's envelope of ${limit}.`);
    }
  }
  const tokens = own?.maxTokens ?? envelope?.maxTokens;
  if (tokens !== undefined && callMaxTokens !== undefined && callMaxTokens > tokens) {
    error([...path, 'maxTokens'], `One LLM call may use up to ${callMaxTokens} tokens, more than the budget of ${tokens}: the budget cannot be met.`);
  }
}

const label = (kind: NodeKind) => ({ agent: 'agent', external: 'external agent', tool: 'tool', blackboard: 'blackboard' })[kind];
const article = (kind: NodeKind) => (kind === 'agent' || kind === 'external' ? 'an' : 'a');

/** Synadia protocol externals answer prompts, and two of them are not the same agent; returns their names. */
function checkSynadiaExternals(topology: Topology, error: (path: (string | number)[], message: string) => void, warn: (path: (string | number)[], message: string) => void): Set<string> {
  const names = new Set<string>();
  const seen = new Map<string, string>();
  topology.spec.externalAgents.forEach((external, i) => {
    if (!external.synadia) return;
    names.add(external.name);
    if (!external.answers) error(['externalAgents', i, 'answers'], `"${external.name}" is a Synadia protocol agent, which answers prompts: "answers: false" contradicts "synadia".`);
    const { agent, owner, name } = external.synadia;
    const key = `${agent}/${owner}/${name}`;
    const other = seen.get(key);
    if (other) warn(['externalAgents', i, 'synadia'], `"${external.name}" is the same Synadia agent as "${other}" (${key}).`);
    else seen.set(key, external.name);
  });
  return names;
}

/** Each role's settings refer to nodes that exist and play the matching roles. */
function checkPatterns(topology: Topology, error: (path: (string | number)[], message: string) => void): void {
  const spec = topology.spec;
  const roleOf = new Map(spec.agents.map((a) => [a.name, a.role]));
  const boards = new Set(spec.blackboards.map((b) => b.name));
  spec.agents.forEach((agent, i) => {
    const p = agent.pattern ?? {};
    const at = (...rest: (string | number)[]) => ['agents', i, 'pattern', ...rest];
    if (agent.role === 'dispatcher') {
      if (!p.finalizer) error(at(), 'A dispatcher needs pattern.finalizer (the agent that assembles the answer).');
      else if (roleOf.get(p.finalizer) !== 'finalizer') error(at('finalizer'), `"${p.finalizer}" is not an agent with role finalizer.`);
      if (!p.peers?.length) error(at(), 'A dispatcher needs pattern.peers (the agents that deliberate).');
      p.peers?.forEach((peer, j) => roleOf.get(peer) !== 'peer' && error(at('peers', j), `"${peer}" is not an agent with role peer.`));
      if (!p.blackboard) error(at(), 'A dispatcher needs pattern.blackboard (where peers write).');
    }
    if (agent.role === 'bidder' && !p.bid) error(at(), 'A bidder needs pattern.bid (confidence, cost, latencyMs).');
    if (p.blackboard && !boards.has(p.blackboard)) error(at('blackboard'), `Unknown blackboard "${p.blackboard}".`);
    p.watch?.forEach((w, j) => !boards.has(w.blackboard) && error(at('watch', j, 'blackboard'), `Unknown blackboard "${w.blackboard}".`));
  });
}
