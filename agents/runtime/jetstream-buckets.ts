/**
 * The one way Switchboard opens a JetStream KV bucket (the registry, blackboards, swarm boards):
 * with the topology's replica count (`spec.jetstream.replicas`), or by default as many replicas as
 * the cluster has nodes, at most three (one on a single server). A bucket that already exists with
 * other settings is used, not refused: fewer replicas than wanted are raised (a bucket an older
 * build made with one replica is lost with its node), anything else is kept as it is; either is
 * said once as a warning. Requests caught by a leader election (a node just died) are retried,
 * bounded by count and time; the nested steps of one start (find, create, bind, then the put or
 * watch that follows) share ONE deadline, so a cluster without a majority fails a start once.
 */
import { jetstream, jetstreamManager, StorageType, type JetStreamManager, type StreamInfo } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection, ServerInfo } from '@nats-io/transport-node';
import { systemClock, type Clock } from './clock.js';

/** What the server's INFO says about the cluster behind one connection. */
export interface ClusterView {
  /** The server is part of a cluster (INFO `cluster`). */
  clustered: boolean;
  /**
   * Nodes the cluster advertises (INFO `connect_urls`, the largest count seen), or null when it
   * does not say (servers with `no_advertise`, or a single server).
   */
  nodes: number | null;
}

/** The replicas to ask for first, and whether fewer may be taken when the cluster cannot place them. */
export interface ReplicaChoice {
  replicas: number;
  /** Why the configured count was not used as is (shown to the user), or null. */
  note: string | null;
}

/** How many replicas a bucket gets: the configured count, or min(3, nodes); never more than one without a cluster. */
export function chooseReplicas(configured: number | undefined, cluster: ClusterView): ReplicaChoice {
  if (!cluster.clustered) {
    const note = configured !== undefined && configured > 1 ? `spec.jetstream.replicas is ${configured}, but the NATS server is not clustered: buckets get 1 replica` : null;
    return { replicas: 1, note };
  }
  if (configured !== undefined) return { replicas: configured, note: null };
  // Without advertised URLs (no_advertise) the size is unknown: ask for 3 and step down if refused.
  return { replicas: Math.min(3, cluster.nodes ?? 3), note: null };
}

/**
 * Per cluster name, the largest `connect_urls` count seen and every URL seen: a node that is
 * down right now still counts. Names are not unique (two clusters may both be called "nats"):
 * URLs sharing none with those seen are another cluster, whose count starts over.
 */
const largestSeen = new Map<string, { urls: ReadonlySet<string>; nodes: number }>();

/** The cluster as `info` (the connection's latest INFO) describes it. */
export function clusterView(info: Pick<ServerInfo, 'cluster' | 'connect_urls'> | undefined): ClusterView {
  if (!info?.cluster) return { clustered: false, nodes: null };
  const urls = new Set(info.connect_urls ?? []);
  const seen = largestSeen.get(info.cluster);
  const same = seen !== undefined && (urls.size === 0 || [...urls].some((url) => seen.urls.has(url)));
  const nodes = Math.max(urls.size, same ? seen.nodes : 0);
  if (urls.size > 0) largestSeen.set(info.cluster, { urls: same ? new Set([...seen.urls, ...urls]) : urls, nodes });
  return { clustered: true, nodes: nodes > 1 ? nodes : null };
}

/** An error of a JetStream request caught by a leader election or a node's loss: worth retrying. */
export function isTransient(error: unknown): boolean {
  const e = error as { name?: unknown; message?: unknown; status?: unknown; code?: unknown; cause?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  // A server (or account) without JetStream answers that at once: nothing to wait for.
  if (e.name === 'JetStreamNotEnabled' || e.code === 10039) return false;
  // 503: "JetStream system temporarily unavailable" (no meta leader), or no stream leader to take a put.
  if (e.name === 'TimeoutError' || e.name === 'NoResponders' || e.status === 503) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  if (/^timeout$|temporarily unavailable|no responders/i.test(message)) return true;
  return e.cause !== undefined && e.cause !== error && isTransient(e.cause);
}

/** The cluster cannot place that many replicas (too few nodes up, or not clustered). */
export function isPlacementRefused(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /no suitable peers|insufficient resources|replicas > 1 not supported|not supported in non-clustered/i.test(message);
}

/** Bounds of the retries of {@link retryTransient}. */
export interface RetryBounds {
  attempts: number;
  withinMs: number;
}

/** Default: a 2.9 cluster elects a new stream leader within a few seconds of a kill. */
export const ELECTION_RETRY: RetryBounds = { attempts: 16, withinMs: 30_000 };

/**
 * A write to a bucket that exists found no stream leader: nats.js reports a JetStream publish's
 * "no responders" as JetStreamNotEnabled, but once the bucket was opened JetStream is there.
 */
export function isLeaderless(error: unknown): boolean {
  const e = error as { name?: unknown; cause?: { message?: unknown } } | null;
  return e?.name === 'JetStreamNotEnabled' && /no responders/i.test(String(e.cause?.message ?? ''));
}

/** What {@link retryTransient} may be told besides its bounds. */
export interface RetryOptions {
  retryable?: (error: unknown) => boolean;
  /** No retry starts after this (ms since the epoch, on `clock`): the deadline of the whole start the task is a step of. */
  deadline?: number;
  clock?: Pick<Clock, 'now' | 'sleep'>;
}

/**
 * Runs `task`, retrying failures `retryable` calls transient with a growing pause, within `bounds`
 * and never past `deadline`; a task started before the deadline still gets its one attempt.
 */
export async function retryTransient<T>(task: () => Promise<T>, bounds: RetryBounds = ELECTION_RETRY, options: RetryOptions = {}): Promise<T> {
  const { retryable = isTransient, clock = systemClock } = options;
  const until = Math.min(clock.now() + bounds.withinMs, options.deadline ?? Infinity);
  for (let attempt = 1; ; attempt++) {
    try {
      return await task();
    } catch (error) {
      const pause = Math.min(2000, 250 * 2 ** (attempt - 1));
      if (!retryable(error) || attempt >= bounds.attempts || clock.now() + pause > until) throw error;
      await clock.sleep(pause);
    }
  }
}

/** How long a stream opened by {@link JetStreamBuckets.openStream} remembers message ids: a run restarted within it does not store a record twice. */
export const DUPLICATE_WINDOW_MS = 10 * 60_000;

/** Options for {@link JetStreamBuckets}. */
export interface JetStreamBucketsOptions {
  /** The topology's `spec.jetstream.replicas`; absent: min(3, nodes). */
  replicas?: number;
  /** Tells the user (once per bucket) that a bucket differs from what was asked. */
  warn?: (message: string) => void;
  retry?: RetryBounds;
  /** Time for the retries' pauses and deadlines (tests pass a fake one); the real one by default. */
  clock?: Pick<Clock, 'now' | 'sleep'>;
  /**
   * Timeout of each JetStream request (ms, default 2000): one caught by an election fails fast and
   * is retried, instead of waiting nats.js's 5 s.
   */
  requestTimeoutMs?: number;
}

/** Options of one bucket. */
export interface BucketSettings {
  /** Values kept per key. */
  history: number;
}

/** Opens buckets with the topology's replica policy; one per network, shared by its agents and tools. */
export class JetStreamBuckets {
  /** Per cluster (or server) and bucket name: the replicas it has, once checked (or created) on some connection. */
  private readonly settled = new Map<string, Promise<number>>();
  private readonly opened = new WeakMap<NatsConnection, Map<string, Promise<KV>>>();
  private readonly warned = new Set<string>();

  private readonly clock: Pick<Clock, 'now' | 'sleep'>;

  constructor(private readonly options: JetStreamBucketsOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  /**
   * The deadline of one start from now (its retry bound): pass it to {@link open} and to the
   * {@link retry} of what follows (the agent's registration, the registry's watch).
   */
  deadline(): number {
    return this.clock.now() + (this.options.retry ?? ELECTION_RETRY).withinMs;
  }

  /**
   * The bucket `name` on `nc`, created when missing; cached per connection. Every step of it is
   * retried through an election only until `deadline`.
   */
  open(nc: NatsConnection, name: string, settings: BucketSettings, deadline = this.deadline()): Promise<KV> {
    let buckets = this.opened.get(nc);
    if (!buckets) this.opened.set(nc, (buckets = new Map()));
    const cached = buckets.get(name);
    if (cached) return cached;
    const opening = (async () => {
      // One instance may see several servers (defaultBuckets in one process): a bucket is checked per cluster.
      const key = `${nc.info?.cluster ?? nc.info?.server_id ?? ''}\0${name}`;
      let settle = this.settled.get(key);
      if (!settle) {
        settle = this.settle(nc, name, settings, deadline);
        this.settled.set(key, settle);
        // A failed check is tried again by the next open (JetStream may be back by then).
        settle.catch(() => this.settled.delete(key));
      }
      const replicas = await settle;
      // Binds: the bucket exists now (created again with the same settings if it was deleted).
      return this.retrySettle(() => this.kvm(nc).create(name, { history: settings.history, replicas }), deadline);
    })().catch((error: unknown) => {
      if (!isTransient(error)) throw error;
      // Said as what it most likely is (a bare "timeout" tells a user nothing), the error kept as the cause.
      throw new Error(`JetStream: no answer opening bucket ${name} (${(error as Error).message}), retried until the start's deadline: the cluster has no leader for it (a node was lost and none was elected; are most of the cluster's nodes up?)`, { cause: error });
    });
    buckets.set(name, opening);
    opening.catch(() => buckets.delete(name));
    return opening;
  }

  private kvm(nc: NatsConnection): Kvm {
    return new Kvm(jetstream(nc, this.jsOptions()));
  }

  /**
   * No account-info check first: in a 2.9 cluster only the meta leader answers it, so binding to a
   * bucket whose stream has a leader would wait for a meta election. A server without JetStream
   * still says so (no responders: JetStreamNotEnabled).
   */
  private jsOptions(): { timeout: number; checkAPI: false } {
    return { timeout: this.options.requestTimeoutMs ?? 2000, checkAPI: false };
  }

  /**
   * Retries `task` on an opened bucket through a leader election, within this instance's bounds;
   * a stream still without a leader at the end is said as such, not as a server without JetStream.
   */
  async retry<T>(task: () => Promise<T>, deadline = this.deadline()): Promise<T> {
    try {
      return await this.retrying(task, (error) => isTransient(error) || isLeaderless(error), deadline);
    } catch (error) {
      if (!isLeaderless(error)) throw error;
      const on = String((error as { cause?: { message?: unknown } }).cause?.message ?? '').replace(/^no responders:\s*/i, '');
      throw new Error(`JetStream: no node took the write${on ? ` to ${on}` : ''}: the bucket's stream has no leader (a node was lost and none was elected; are most of the cluster's nodes up?)`, { cause: error });
    }
  }

  /** Retries a step of settling (before the bucket is known): there "no responders" is a server without JetStream. */
  private retrySettle<T>(task: () => Promise<T>, deadline: number): Promise<T> {
    return this.retrying(task, isTransient, deadline);
  }

  /** Retries as {@link retryTransient} until `deadline`; the first retry is said (once), so the wait is not silent. */
  private retrying<T>(task: () => Promise<T>, retryable: (error: unknown) => boolean, deadline: number): Promise<T> {
    const said = async () => {
      try {
        return await task();
      } catch (error) {
        const leftS = Math.round((deadline - this.clock.now()) / 1000);
        if (retryable(error) && leftS > 0) this.warnOnce('retrying', `JetStream: no answer yet (${isLeaderless(error) ? 'no stream leader' : (error as Error).message}); trying again for up to ${leftS} s (after a node's loss the cluster elects new leaders).`);
        throw error;
      }
    };
    return retryTransient(said, this.options.retry, { retryable, deadline, clock: this.clock });
  }

  /** Finds or creates the bucket's stream; returns its replicas. */
  private async settle(nc: NatsConnection, name: string, settings: BucketSettings, deadline: number): Promise<number> {
    const jsm = await this.retrySettle(() => jetstreamManager(nc, this.jsOptions()), deadline);
    const choice = chooseReplicas(this.options.replicas, clusterView(nc.info));
    if (choice.note) this.warnOnce('replicas', `JetStream: ${choice.note}.`);
    for (let attempt = 0; attempt < 3; attempt++) {
      const existing = await this.info(jsm, `KV_${name}`, deadline);
      if (existing) return this.reconcile(jsm, name, existing, choice.replicas, settings, deadline);
      try {
        return await this.create(nc, name, settings, choice.replicas, this.options.replicas !== undefined, deadline);
      } catch (error) {
        // Another process created it meanwhile (perhaps with other settings): look again and use it.
        if (!/already in use/i.test((error as Error).message)) throw error;
      }
    }
    throw new Error(`JetStream bucket ${name} could not be created or found.`);
  }

  /** The stream `stream`'s info, or null when there is none. */
  private async info(jsm: JetStreamManager, stream: string, deadline: number): Promise<StreamInfo | null> {
    try {
      return await this.retrySettle(() => jsm.streams.info(stream), deadline);
    } catch (error) {
      if ((error as { name?: string }).name === 'StreamNotFoundError' || /stream not found/i.test((error as Error).message)) return null;
      throw error;
    }
  }

  /** Creates it with `replicas`, stepping down while the cluster cannot place that many (said when they were configured). */
  private create(nc: NatsConnection, name: string, settings: BucketSettings, replicas: number, configured: boolean, deadline: number): Promise<number> {
    // allow_direct off: a get is answered by the stream's leader, so a value just written is read back
    // (a direct get may be answered by a replica that has not applied it yet, e.g. after a leader change).
    return this.placed(`bucket ${name}`, replicas, configured, (r) => this.retrySettle(() => this.kvm(nc).create(name, { history: settings.history, replicas: r, allow_direct: false }), deadline));
  }

  /** Runs `make` with `replicas`, then fewer while the cluster refuses to place them; returns the count placed. */
  private async placed(what: string, replicas: number, configured: boolean, make: (replicas: number) => Promise<unknown>): Promise<number> {
    for (let r = replicas; ; r--) {
      try {
        await make(r);
        if (r < replicas && configured) this.warnOnce(what, `JetStream ${what}: the cluster could not place ${replicas} replicas; created with ${r}.`);
        return r;
      } catch (error) {
        if (r <= 1 || !isPlacementRefused(error)) throw error;
      }
    }
  }

  /**
   * The stream `name` on `subjects` (seed 003's workflow stream), created when missing with the
   * buckets' replica rule and a duplicate window (records published with a message id are stored
   * once); one that exists is used as it is. Returns its replicas.
   */
  async openStream(nc: NatsConnection, name: string, subjects: string[], deadline = this.deadline()): Promise<number> {
    const jsm = await this.retrySettle(() => jetstreamManager(nc, this.jsOptions()), deadline);
    const choice = chooseReplicas(this.options.replicas, clusterView(nc.info));
    if (choice.note) this.warnOnce('replicas', `JetStream: ${choice.note}.`);
    for (let attempt = 0; attempt < 3; attempt++) {
      const existing = await this.info(jsm, name, deadline);
      if (existing) return existing.config.num_replicas || 1;
      try {
        const config = { name, subjects, storage: StorageType.File, allow_direct: false, duplicate_window: nanos(DUPLICATE_WINDOW_MS) };
        return await this.placed(`stream ${name}`, choice.replicas, this.options.replicas !== undefined, (r) => this.retrySettle(() => jsm.streams.add({ ...config, num_replicas: r }), deadline));
      } catch (error) {
        if (!/already in use/i.test((error as Error).message)) throw error;
      }
    }
    throw new Error(`JetStream stream ${name} could not be created or found.`);
  }

  /** An existing bucket: raise its replicas when it has fewer than wanted; keep every other setting. */
  private async reconcile(jsm: JetStreamManager, name: string, info: StreamInfo, wanted: number, settings: BucketSettings, deadline: number): Promise<number> {
    const have = info.config.num_replicas || 1;
    const history = info.config.max_msgs_per_subject;
    if (history !== settings.history) {
      this.warnOnce(`${name}:history`, `JetStream bucket ${name} keeps ${history} value(s) per key (Switchboard makes it with ${settings.history}): used as it is.`);
    }
    if (have >= wanted) return have;
    try {
      await this.retrySettle(() => jsm.streams.update(`KV_${name}`, { num_replicas: wanted }), deadline);
      const unsettled = await this.settledLeader(jsm, name, deadline);
      this.warnOnce(name, `JetStream bucket ${name} had ${have} replica(s) (made earlier with other settings): raised to ${wanted}${unsettled ? ` (not confirmed yet: ${unsettled})` : ''}.`);
      return wanted;
    } catch (error) {
      this.warnOnce(name, `JetStream bucket ${name} has ${have} replica(s), fewer than ${wanted}, and could not be raised (${(error as Error).message}): used as it is.`);
      return have;
    }
  }

  /**
   * Waits (at most 5 s, and not past `deadline`) until a rescaled stream has a leader and current,
   * caught-up replicas: meanwhile its puts find no responders. Null when it has; else what it lacks.
   */
  private async settledLeader(jsm: JetStreamManager, name: string, deadline: number): Promise<string | null> {
    const until = Math.min(this.clock.now() + 5000, deadline);
    for (;;) {
      const info = await jsm.streams.info(`KV_${name}`).catch(() => null);
      const behind = (info?.cluster?.replicas ?? []).filter((r) => !r.current || r.lag).length;
      // Caught up too: a direct get (any replica answers it) must not read a new replica still empty.
      if (info?.cluster?.leader && !behind) return null;
      if (this.clock.now() + 100 >= until) return !info ? 'the stream did not answer' : info.cluster?.leader ? `${behind} replica(s) still catching up` : 'no leader elected';
      await this.clock.sleep(100);
    }
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.options.warn?.(message);
  }
}

/** For agents and registries started outside a network (tests, tools): default replicas, no warnings. */
export const defaultBuckets = new JetStreamBuckets();
