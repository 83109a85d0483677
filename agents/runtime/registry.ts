/**
 * The capability registry: which agents exist, what they can do, where to reach them, whether
 * they are alive. It learns from the JetStream KV registry (agents of this runtime) and from
 * announcements and heartbeats on the broadcast subject, so an agent written with any NATS client
 * that only announces itself is found too. An agent that misses its heartbeats is marked offline.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { KV } from '@nats-io/kv';
import type { QueuedIterator } from '@nats-io/nats-core';
import type { KvWatchEntry } from '@nats-io/kv';
import { AgentMetadataSchema, type AgentMetadata } from '../protocol/agent-message.js';
import { broadcastPattern, DEFAULT_REGISTRY_BUCKET, renderSubject, SEED_000_PROFILE, type SubjectProfile } from '../protocol/subjects.js';
import { DEFAULT_HEARTBEAT_MS } from './agent.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { DEFAULT_STOP_MS, deadlineIn, isConnected, settledBy } from './close-connection.js';
import { defaultBuckets, type JetStreamBuckets } from './jetstream-buckets.js';
import { decodeMessage } from './wire.js';

/** One agent as the registry knows it (replicas folded together). */
export interface RegistryEntry {
  name: string;
  description: string;
  capabilities: string[];
  tools: string[];
  model: string;
  status: AgentMetadata['status'];
  /** The subject requests to it go to. */
  requestSubject: string;
  /** Live instances (replicas) by id, with when each was last heard from (ms since epoch). */
  instances: Record<string, number>;
  /** Where the registry learned of it first (`synadia`: a declared Synadia protocol agent's heartbeats; `a2a`: a declared A2A agent). */
  source: 'kv' | 'announcement' | 'synadia' | 'a2a';
}

/** Options for {@link CapabilityRegistry}. */
export interface RegistryOptions {
  connection: NatsConnection;
  profile?: SubjectProfile;
  /** The KV bucket agents register in; null to rely on announcements only. */
  bucket?: string | null;
  /** Opens the bucket with the topology's replicas (the network's); default replicas otherwise. */
  buckets?: JetStreamBuckets;
  /** The agents' heartbeat period; 0 when they do not beat (then nobody expires). */
  heartbeatMs?: number;
  /** Heartbeats an instance may miss before it counts as gone. */
  missedBeats?: number;
  /** Times presence (last heard from, the sweep) and waitFor; the system clock unless a test drives time. */
  clock?: Clock;
  /** Tells the user the KV registry could not be followed (announcements still are). */
  warn?: (message: string) => void;
}

/** Follows agents on one NATS connection. */
export class CapabilityRegistry {
  private readonly entries = new Map<string, RegistryEntry & { metadata: Map<string, AgentMetadata> }>();
  private readonly listeners = new Set<(entry: RegistryEntry) => void>();
  private readonly profile: SubjectProfile;
  private sub: Subscription | null = null;
  private watcher: QueuedIterator<KvWatchEntry> | null = null;
  private sweep: TimerHandle | null = null;
  private readonly clock: Clock;
  /** Agents that beat at their own pace (Synadia agents): silence allowed before they count as gone, ms. */
  private readonly silence = new Map<string, number>();

  constructor(private readonly opts: RegistryOptions) {
    this.profile = opts.profile ?? SEED_000_PROFILE;
    this.clock = opts.clock ?? systemClock;
  }

  /** Loads the KV registry (if there is one) and starts following announcements. */
  async start(): Promise<void> {
    const nc = this.opts.connection;
    this.sub = nc.subscribe(broadcastPattern(this.profile), {
      callback: (error, msg) => {
        if (error) return;
        const decoded = decodeMessage(this.profile.wire, msg.string());
        if (!decoded.ok) return; // the agents record invalid traffic; the registry only listens for presence
        const { message_type, metadata } = decoded.value;
        if (message_type !== 'announcement' && message_type !== 'heartbeat') return;
        if (metadata['client'] === true) return; // a run's client (another process's sender): no peer
        const parsed = AgentMetadataSchema.safeParse(metadata['agent']);
        const instance = typeof metadata['instance'] === 'string' ? metadata['instance'] : decoded.value.from_agent;
        if (parsed.success) this.learn(parsed.data, instance, 'announcement');
      },
    });
    if (this.opts.bucket !== null) await this.followKv(this.opts.bucket ?? DEFAULT_REGISTRY_BUCKET);
    const beat = this.opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    // Without heartbeats nobody can miss one: agents go offline only by saying so.
    if (beat > 0) this.sweep = this.clock.setInterval(() => this.markMissing(), beat);
  }

  /** Stops following; unsubscribing waits for the server only while there is one, and never past `deadline`. */
  async stop(deadline = deadlineIn(DEFAULT_STOP_MS)): Promise<void> {
    if (this.sweep) this.clock.clear(this.sweep);
    this.watcher?.stop();
    const sub = this.sub;
    this.sub = null;
    if (sub && isConnected(this.opts.connection)) await settledBy(sub.drain(), deadline, this.opts.connection);
    if (sub && !sub.isClosed() && !this.opts.connection.isClosed()) sub.unsubscribe();
  }

  /** Every agent known, online or not. */
  list(): RegistryEntry[] {
    return [...this.entries.values()].map(publicEntry);
  }

  /** One agent by name. */
  get(name: string): RegistryEntry | undefined {
    const entry = this.entries.get(name);
    return entry && publicEntry(entry);
  }

  /** Available agents that offer `capability`, with the subject to send requests to. */
  lookup(capability: string): { agent: string; subject: string }[] {
    return this.list()
      .filter((e) => e.status !== 'offline' && e.capabilities.includes(capability))
      .map((e) => ({ agent: e.name, subject: e.requestSubject }));
  }

  /** The other agents (not `except`, nor the run's `clients`), one line each, for a prompt's `{{peers}}`. */
  describe(except?: string, clients: readonly string[] = []): string {
    // By name, not by arrival: a prompt must not depend on which announcement came first (a replay asks the same).
    return this.list()
      .filter((e) => e.name !== except && e.status !== 'offline' && !clients.includes(e.name))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((e) => `- ${e.name}: ${e.description || 'no description'} (capabilities: ${e.capabilities.join(', ') || 'none'})`)
      .join('\n');
  }

  /**
   * Learns an agent this registry does not follow itself (a declared Synadia agent, from its
   * heartbeats or discovery); it counts as gone after `silentMs` without a word.
   */
  hear(metadata: AgentMetadata, instance: string, silentMs: number, source: 'synadia' | 'a2a' = 'synadia'): void {
    this.silence.set(metadata.name, silentMs);
    this.learn(metadata, instance, source);
  }

  /** Called with an agent's entry whenever it changes. */
  onChange(listener: (entry: RegistryEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once `check` holds for the registry (tests, and coordinators waiting for specialists). */
  async waitFor(check: (registry: CapabilityRegistry) => boolean, timeoutMs = 5000): Promise<void> {
    if (check(this)) return;
    await new Promise<void>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        off();
        reject(new Error(`The registry did not reach the expected state within ${timeoutMs} ms.`));
      }, timeoutMs);
      const off = this.onChange(() => {
        if (!check(this)) return;
        this.clock.clear(timer);
        off();
        resolve();
      });
    });
  }

  // -------------------------------------------------------------------------------------------

  private async followKv(bucket: string): Promise<void> {
    try {
      // create() binds to the bucket when it exists; agents starting later write into it.
      const buckets = this.opts.buckets ?? defaultBuckets;
      // One deadline for opening and watching: a cluster without a majority is given up on once.
      const deadline = buckets.deadline();
      const kv: KV = await buckets.open(this.opts.connection, bucket, { history: 1 }, deadline);
      this.watcher = await buckets.retry(() => kv.watch({ key: '>' }), deadline);
    } catch (error) {
      // A server without JetStream (or permission for it), or a cluster without a leader: announcements still work.
      // Without JetStream the agents' own registration fails next, saying what to change.
      if ((error as { name?: string }).name !== 'JetStreamNotEnabled') this.opts.warn?.(`registry: not following the JetStream bucket ${bucket} (${(error as Error).message}); agents are known from their announcements only.`);
      return;
    }
    void (async () => {
      for await (const entry of this.watcher!) {
        if (entry.operation !== 'PUT') continue;
        const parsed = AgentMetadataSchema.safeParse(safeJson(entry.string()));
        const instance = entry.key.slice(entry.key.indexOf('.') + 1);
        if (parsed.success) this.learn(parsed.data, instance, 'kv');
      }
    })();
  }

  private learn(metadata: AgentMetadata, instance: string, source: RegistryEntry['source']): void {
    let entry = this.entries.get(metadata.name);
    if (!entry) {
      entry = {
        name: metadata.name,
        description: metadata.description,
        capabilities: metadata.capabilities,
        tools: metadata.tools,
        model: metadata.model,
        status: metadata.status,
        requestSubject: safeSubject(this.profile.request, metadata.name),
        instances: {},
        source,
        metadata: new Map(),
      };
      this.entries.set(metadata.name, entry);
    }
    Object.assign(entry, { description: metadata.description, capabilities: metadata.capabilities, tools: metadata.tools, model: metadata.model });
    if (metadata.status === 'offline') {
      delete entry.instances[instance];
      entry.metadata.delete(instance);
    } else {
      entry.instances[instance] = this.clock.now();
      entry.metadata.set(instance, metadata);
    }
    this.settle(entry);
  }

  /** Instances silent for longer than the allowed missed beats are gone. */
  private markMissing(): void {
    const limit = (this.opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS) * (this.opts.missedBeats ?? 3);
    const now = this.clock.now();
    for (const entry of this.entries.values()) {
      let changed = false;
      const allowed = this.silence.get(entry.name) ?? limit;
      for (const [instance, seen] of Object.entries(entry.instances)) {
        if (now - seen > allowed) {
          delete entry.instances[instance];
          entry.metadata.delete(instance);
          changed = true;
        }
      }
      if (changed) this.settle(entry);
    }
  }

  /** The agent is as available as its best instance; offline with none. */
  private settle(entry: RegistryEntry & { metadata: Map<string, AgentMetadata> }): void {
    const statuses = [...entry.metadata.values()].map((m) => m.status);
    const status: AgentMetadata['status'] = statuses.includes('available') ? 'available' : statuses.includes('busy') ? 'busy' : 'offline';
    entry.status = status;
    const snapshot = publicEntry(entry);
    for (const listener of this.listeners) listener(snapshot);
  }
}

function publicEntry(entry: RegistryEntry & { metadata?: unknown }): RegistryEntry {
  const { metadata: _metadata, ...rest } = entry;
  return { ...rest, capabilities: [...rest.capabilities], tools: [...rest.tools], instances: { ...rest.instances } };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** An announced name that cannot be a subject token has no request subject. */
function safeSubject(template: string, name: string): string {
  try {
    return renderSubject(template, { agent: name });
  } catch {
    return '';
  }
}
