/**
 * The declared external Synadia agents of one network: a caller for each (what an agent's
 * `request()` resolves a name to), and their presence in the capability registry, so delegation
 * by capability finds them: available while their heartbeats (`agents.hb.{agent}.{owner}.{name}`)
 * come, gone after three missed, and found at start by one discovery pass (an agent that started
 * first beats next only after its interval).
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { AgentMetadata } from '../../protocol/agent-message.js';
import {
  SYNADIA_DEFAULT_HEARTBEAT_S,
  SYNADIA_HEARTBEAT_WILDCARD,
  SynadiaHeartbeatSchema,
  type SynadiaIdentity,
} from '../../protocol/synadia.js';
import type { Clock } from '../../runtime/clock.js';
import type { CapabilityRegistry } from '../../runtime/registry.js';
import type { Topology } from '../../topology/schema.js';
import { SynadiaCaller } from './caller.js';

/** One external Synadia agent as the topology declares it. */
export interface SynadiaExternal {
  name: string;
  description?: string;
  capabilities?: string[];
  identity: SynadiaIdentity;
}

/** Options for {@link SynadiaExternals}. */
export interface SynadiaExternalsOptions {
  /** Shortens discovery and stream silence in tests; the protocol's defaults otherwise. */
  discoveryWaitMs?: number;
  inactivityMs?: number;
  clock?: Clock;
}

/** Heartbeats an agent may miss before the registry counts it gone (the SDKs' rule). */
const MISSED_BEATS = 3;

const sameIdentity = (a: SynadiaIdentity, b: SynadiaIdentity): boolean => a.agent === b.agent && a.owner === b.owner && a.name === b.name;

/** The network's external Synadia agents. */
export class SynadiaExternals {
  private readonly callers = new Map<string, SynadiaCaller>();
  private sub: Subscription | null = null;
  private registry: CapabilityRegistry | null = null;

  constructor(
    private readonly externals: readonly SynadiaExternal[],
    private readonly opts: SynadiaExternalsOptions = {},
  ) {
    for (const external of externals) {
      this.callers.set(
        external.name,
        new SynadiaCaller({
          name: external.name,
          identity: external.identity,
          ...(opts.discoveryWaitMs !== undefined && { discoveryWaitMs: opts.discoveryWaitMs }),
          ...(opts.inactivityMs !== undefined && { inactivityMs: opts.inactivityMs }),
          ...(opts.clock && { clock: opts.clock }),
          isGone: () => this.registry?.get(external.name)?.status === 'offline',
        }),
      );
    }
  }

  /** The caller of the external agent named `name`, if it is one. */
  readonly resolve = (name: string): SynadiaCaller | undefined => this.callers.get(name);

  /** Follows the heartbeats of the declared agents into `registry`, then looks for them once. */
  async start(nc: NatsConnection, registry: CapabilityRegistry): Promise<void> {
    if (this.externals.length === 0) return;
    this.registry = registry;
    const now = () => new Date(this.opts.clock?.now() ?? Date.now()).toISOString();
    const hear = (external: SynadiaExternal, instance: string, intervalS: number) => {
      const metadata: AgentMetadata = {
        name: external.name,
        description: external.description ?? '',
        capabilities: external.capabilities ?? [],
        tools: [],
        status: 'available',
        model: '',
        version: '',
        registered_at: now(),
        last_heartbeat: now(),
      };
      registry.hear(metadata, instance, intervalS * 1000 * MISSED_BEATS);
    };
    this.sub = nc.subscribe(SYNADIA_HEARTBEAT_WILDCARD, {
      callback: (error, msg) => {
        if (error) return;
        // The subject's agent token may be a short form (the SDK's subjectToken): the beat itself says who it is.
        const name = msg.subject.slice(msg.subject.lastIndexOf('.') + 1);
        if (!this.externals.some((e) => e.identity.name === name)) return;
        const beat = SynadiaHeartbeatSchema.safeParse(safeJson(msg.string()));
        if (!beat.success) return;
        const external = this.externals.find((e) => sameIdentity(e.identity, { agent: beat.data.agent, owner: beat.data.owner, name }));
        if (external) hear(external, beat.data.instance_id, beat.data.interval_s);
      },
    });
    await nc.flush();
    // In the background: a network does not wait for agents that may start later.
    void Promise.all(
      this.externals.map(async (external) => {
        const endpoint = await this.callers.get(external.name)!.locate(nc).catch(() => null);
        if (endpoint) hear(external, endpoint.instanceId, SYNADIA_DEFAULT_HEARTBEAT_S);
      }),
    );
  }

  async stop(): Promise<void> {
    this.sub?.unsubscribe();
    this.sub = null;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The external agents of a topology that speak the Synadia protocol (`externalAgents[].synadia`). */
export function synadiaExternalsOf(topology: Topology): SynadiaExternal[] {
  return topology.spec.externalAgents.flatMap((e) =>
    e.synadia ? [{ name: e.name, description: e.description, capabilities: e.capabilities, identity: e.synadia }] : [],
  );
}
