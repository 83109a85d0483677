/**
 * Turns a topology into the agents a network starts: model settings resolved by name, scripts
 * attached to scripted agents, each agent's tool gateway, budgets, breakpoints, and the behaviour
 * of its role in a collaboration pattern. `only` picks the agents this process runs, so one
 * topology can be spread over several machines.
 */
import type { LlmSettings } from '../llm/factory.js';
import { DEFAULT_REGISTRY_BUCKET, profileFor, type SubjectProfile } from '../protocol/subjects.js';
import type { Topology } from '../topology/schema.js';
import { synadiaServed } from '../topology/synadia-exposure.js';
import { createAgentTools } from '../tools/agent-tools.js';
import type { ToolBackend } from '../tools/gateway.js';
import type { AgentSpec } from './network.js';
import { synadiaExternalsOf, type SynadiaExternal } from '../interop/synadia/externals.js';
import { a2aExternalsOf, type A2aExternal } from '../interop/a2a/externals.js';
import { auctioneerHandler, bidderBehaviour } from './patterns/auction.js';
import { startWatches } from './patterns/blackboard-watch.js';
import { DEFAULT_MAX_REVISIONS } from '../topology/evaluator-schema.js';
import { withNegotiation } from './patterns/negotiation.js';
import { dispatcherHandler, finalizerHandler, peerBehaviour } from './patterns/swarm.js';

/** What a network needs from a topology. */
export interface NetworkPlan {
  profile: SubjectProfile;
  agents: AgentSpec[];
  registryBucket: string | null;
  /** The external agents it may ask that speak the Synadia Agent Protocol. */
  synadiaExternals: SynadiaExternal[];
  /** The external A2A agents it may ask, through the protocol gateway. */
  a2aExternals: A2aExternal[];
  /** The topology's `spec.jetstream` (replicas of the buckets it creates). */
  jetstream: { replicas?: number };
}

/** Starts the topology's MCP servers on demand; the network stops them. */
export interface McpHost {
  backends: ReadonlyMap<string, ToolBackend>;
}

/** The plan for `topology`, limited to the agents named in `only` when given. */
export function planNetwork(topology: Topology, only?: readonly string[], mcp: McpHost = { backends: new Map() }): NetworkPlan {
  const spec = topology.spec;
  const unknown = (only ?? []).filter((name) => !spec.agents.some((a) => a.name === name));
  if (unknown.length) {
    const external = unknown.filter((name) => spec.externalAgents.some((e) => e.name === name));
    const hint = external.length ? ` (${external.join(', ')} ${external.length > 1 ? 'are' : 'is'} external: not started here)` : '';
    throw new Error(`No agent named ${unknown.join(', ')} in ${topology.metadata.name}${hint}.`);
  }
  const bucketOf = (name: string | undefined) => {
    const board = spec.blackboards.find((b) => b.name === name);
    if (!board) throw new Error(`Unknown blackboard "${name ?? ''}".`);
    return board.bucket ?? board.name;
  };
  const synadia = synadiaServed(topology);
  const agents = spec.agents
    .filter((agent) => !only || only.includes(agent.name))
    .map((agent): AgentSpec => {
      const settings = spec.llms[agent.llm];
      if (!settings) throw new Error(`Agent ${agent.name} uses unknown LLM settings "${agent.llm}".`);
      const llm: LlmSettings = settings.provider === 'scripted' ? { ...settings, ...(agent.script && { scripted: agent.script }) } : settings;
      const budget = { ...spec.budget, ...agent.budget };
      const pattern = agent.pattern ?? {};
      const served = synadia.get(agent.name);
      const base: AgentSpec = {
        name: agent.name,
        description: agent.description,
        capabilities: agent.capabilities,
        replicas: agent.replicas,
        prompt: agent.prompt,
        variables: agent.variables,
        llm,
        tools: (services) => createAgentTools(topology, agent.name, { events: services.events, registry: services.registry, mcp: mcp.backends, buckets: services.buckets }),
        ...(Object.keys(budget).length > 0 && { budget }),
        breakpoints: agent.breakpoints,
        ...(pattern.evaluator && { evaluation: { evaluator: pattern.evaluator, maxRevisions: pattern.maxRevisions ?? DEFAULT_MAX_REVISIONS } }),
        ...(served && { synadia: { owner: served.identity.owner, heartbeatS: served.heartbeatS } }),
        ...(agent.batch && { batch: agent.batch }),
      };
      const needsOoda = (role: string) => (ooda: AgentSpec['handler'] | null) => {
        if (!ooda) throw new Error(`Agent ${agent.name} (${role}) needs a model.`);
        return ooda;
      };
      switch (agent.role) {
        case 'dispatcher':
          return {
            ...base,
            behaviour: () =>
              dispatcherHandler({
                peers: pattern.peers ?? [],
                finalizer: pattern.finalizer ?? '',
                bucket: bucketOf(pattern.blackboard),
                maxRounds: pattern.maxRounds ?? 2,
                maxMessages: pattern.maxMessages ?? 100,
                convergence: pattern.convergence ?? 'all',
                timeoutMs: pattern.timeoutMs ?? 60_000,
              }),
          };
        case 'peer':
          return { ...base, behaviour: (ooda, services) => peerBehaviour(needsOoda('peer')(ooda), services.buckets) };
        case 'finalizer':
          return { ...base, behaviour: (ooda, services) => finalizerHandler(needsOoda('finalizer')(ooda), services.buckets) };
        case 'auctioneer':
          return {
            ...base,
            behaviour: () =>
              auctioneerHandler({
                bidTimeoutMs: pattern.bidTimeoutMs ?? 500,
                weights: pattern.weights ?? { confidence: 1, cost: 0.1, latency: 0.1 },
                taskTimeoutMs: pattern.subtaskTimeoutMs ?? 30_000,
              }),
          };
        case 'bidder':
          return { ...base, behaviour: (ooda) => bidderBehaviour(needsOoda('bidder')(ooda), pattern.bid) };
        default: {
          const watches = (pattern.watch ?? []).map((w) => ({ ...w, bucket: bucketOf(w.blackboard) }));
          return watches.length ? { ...base, onStarted: (running, handler, services) => startWatches(running, handler, watches, services.buckets) } : base;
        }
      }
    });
  const profile = profileFor(spec.profile, spec.environment);
  if (!profile) throw new Error(`Unknown subject profile ${spec.profile}.`);
  // Seed 002 A2A negotiation, whatever the role: a proposer's requests negotiate, a responder answers proposals.
  const negotiating = agents.map((built) => withNegotiation(built, spec.environment, spec.agents.find((a) => a.name === built.name)?.pattern ?? {}));
  return { profile, agents: negotiating, synadiaExternals: synadiaExternalsOf(topology), a2aExternals: a2aExternalsOf(topology), registryBucket: spec.registry === 'kv' ? DEFAULT_REGISTRY_BUCKET : null, jetstream: { ...spec.jetstream } };
}
