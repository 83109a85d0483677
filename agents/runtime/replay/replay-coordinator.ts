/**
 * One replay (or fork) of a recorded run, shared by every agent of the new run: it hands the
 * network each agent's replay provider and replay tools, switches them all to the topology's own
 * providers and tools once the fork's decision is used, and keeps the first divergence (emitted as
 * `replay.diverged`, readable in a line) for whoever drives the replay to stop on.
 */
import { ReplayProvider, type LlmDivergence } from '../../llm/replay.js';
import type { LlmProvider } from '../../llm/provider.js';
import type { OodaDecision } from '../../protocol/llm.js';
import type { RuntimeEventBus } from '../../protocol/runtime-events.js';
import type { Topology } from '../../topology/schema.js';
import { BUILT_IN_TOOLS } from '../../topology/validate.js';
import type { ToolExecutor } from '../../tools/tool-executor.js';
import type { Recording } from './recording.js';
import { withRecordedConsolidations } from './replay-memory.js';
import { ReplayTools, type ToolDivergence } from './replay-tools.js';

/** Where a fork replaces a decision: `agent`'s `turn`-th decision (its N-th recorded llm.call). */
export interface ForkPoint {
  agent: string;
  turn: number;
  decision: OodaDecision;
}

/** The first call a replay could not follow, and the line that says so. */
export interface Divergence {
  agent: string;
  runId: string;
  kind: 'llm' | 'tool' | 'memory';
  call: number;
  expected: string;
  actual: string;
  /** "task_coordinator, decision 1: the record holds … ; the replay asked …". */
  text: string;
}

/** Refuses a fork the recording cannot serve, with one short reason; null when it can. */
export function forkProblem(recording: Recording, fork: { agent: string; turn: number }): string | null {
  const calls = recording.llmCalls.filter((c) => c.agent === fork.agent).length;
  if (calls === 0) {
    const agents = [...new Set(recording.llmCalls.map((c) => c.agent))];
    return `the recorded run ${recording.runId} holds no model calls of ${fork.agent}${agents.length ? ` (it has some of ${agents.join(', ')})` : ''}.`;
  }
  if (fork.turn > calls) return `${fork.agent} made ${calls} decision(s) in the recorded run ${recording.runId}; there is no decision ${fork.turn}.`;
  return null;
}

/** The state of one replay, and the hooks a network uses to build its agents' providers and tools. */
export class ReplayCoordinator {
  private forked = false;
  private first: Divergence | null = null;
  private readonly providers = new Map<string, ReplayProvider>();
  private readonly wrapped = new Map<string, LlmProvider>();
  private readonly liveTools: ReadonlySet<string>;
  private readonly divergedListeners = new Set<(divergence: Divergence) => void>();

  constructor(
    readonly recording: Recording,
    private readonly events: RuntimeEventBus,
    topology: Topology,
    readonly fork: ForkPoint | null = null,
  ) {
    const declared = new Set(topology.spec.tools.map((t) => t.name));
    // A declared tool shadows a built-in of the same name: it is an outside tool then.
    this.liveTools = new Set(BUILT_IN_TOOLS.filter((name) => !declared.has(name)));
  }

  /** The recorded run's day (YYYY-MM-DD) for prompts' `{{date}}`, so a replay on another day asks the same. */
  get date(): string {
    return this.recording.startedAt.slice(0, 10);
  }

  /** True once the fork's decision was used: every agent's calls go to its own provider and tools. */
  get isLive(): boolean {
    return this.forked;
  }

  /** The first divergence, or null. */
  get divergence(): Divergence | null {
    return this.first;
  }

  /** Calls `listener` at the first divergence (at once if there was one). */
  onDiverged(listener: (divergence: Divergence) => void): () => void {
    if (this.first) listener(this.first);
    else this.divergedListeners.add(listener);
    return () => this.divergedListeners.delete(listener);
  }

  /** Agents whose recorded model calls were not all asked again, with how many are left. */
  unanswered(): { agent: string; left: number; recorded: number }[] {
    return [...this.providers].filter(([, p]) => p.remaining > 0).map(([agent, p]) => ({ agent, left: p.remaining, recorded: p.recorded }));
  }

  /** `agent`'s provider: the record, then (after a fork) `live()`, built only when first needed. */
  provider(agent: string, live: () => LlmProvider): LlmProvider {
    const existing = this.wrapped.get(agent);
    if (existing) return existing; // replicas share one record
    const fork = this.fork?.agent === agent ? { turn: this.fork.turn, decision: this.fork.decision } : undefined;
    const provider = new ReplayProvider(agent, this.recording.llmCalls, {
      ...(fork && { fork }),
      live,
      isLive: () => this.forked,
      onForked: ({ runId, turn, decision }) => {
        this.forked = true;
        this.events.emit('replay.forked', { agent, runId, turn, decision });
      },
      onDiverged: (d) => this.diverged('llm', d),
    });
    this.providers.set(agent, provider);
    const withMemory = withRecordedConsolidations(provider, {
      summaries: this.recording.consolidations.filter((c) => c.agent === agent).map((c) => c.summary),
      isLive: () => this.forked,
      onMissing: (runId, call, why) => this.diverged('memory', { agent, runId, call, expected: why, actual: 'a memory consolidation' }),
    });
    this.wrapped.set(agent, withMemory);
    return withMemory;
  }

  /** `agent`'s tools: outside ones from the record until the fork, the bus ones for real. */
  tools(agent: string, inner: ToolExecutor): ToolExecutor {
    return new ReplayTools(agent, inner, this.recording.toolResults, {
      liveTools: this.liveTools,
      isLive: () => this.forked,
      events: this.events,
      onDiverged: (d) => this.diverged('tool', d),
    });
  }

  private diverged(kind: Divergence['kind'], d: LlmDivergence | ToolDivergence): void {
    if (this.first) return; // the first one is where it went wrong; the rest follow from it
    const what = kind === 'llm' ? `decision ${d.call}` : kind === 'tool' ? `tool call ${d.call}` : `memory consolidation ${d.call}`;
    const text = `${d.agent}, ${what}: the record holds ${d.expected}; the replay asked ${d.actual}.`;
    this.first = { agent: d.agent, runId: d.runId, kind, call: d.call, expected: d.expected, actual: d.actual, text };
    this.events.emit('replay.diverged', { agent: d.agent, runId: d.runId, kind, call: d.call, expected: d.expected, actual: d.actual });
    for (const listener of this.divergedListeners) listener(this.first);
    this.divergedListeners.clear();
  }
}
