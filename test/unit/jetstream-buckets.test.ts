import { describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { chooseReplicas, clusterView, ELECTION_RETRY, isLeaderless, isPlacementRefused, isTransient, JetStreamBuckets, retryTransient } from '../../agents/runtime/jetstream-buckets.js';

describe('chooseReplicas', () => {
  it('takes one replica on a single server, and says so when more were configured', () => {
    expect(chooseReplicas(undefined, { clustered: false, nodes: null })).toEqual({ replicas: 1, note: null });
    expect(chooseReplicas(1, { clustered: false, nodes: null })).toEqual({ replicas: 1, note: null });
    const configured = chooseReplicas(3, { clustered: false, nodes: null });
    expect(configured.replicas).toBe(1);
    expect(configured.note).toMatch(/replicas is 3.*not clustered.*1 replica/);
  });

  it('defaults to as many replicas as the cluster has nodes, at most three', () => {
    expect(chooseReplicas(undefined, { clustered: true, nodes: 2 }).replicas).toBe(2);
    expect(chooseReplicas(undefined, { clustered: true, nodes: 3 }).replicas).toBe(3);
    expect(chooseReplicas(undefined, { clustered: true, nodes: 7 }).replicas).toBe(3);
  });

  it('asks for three when a cluster does not advertise its size (no_advertise)', () => {
    expect(chooseReplicas(undefined, { clustered: true, nodes: null }).replicas).toBe(3);
  });

  it('takes the configured count on a cluster, above or below the default', () => {
    expect(chooseReplicas(1, { clustered: true, nodes: 3 })).toEqual({ replicas: 1, note: null });
    expect(chooseReplicas(5, { clustered: true, nodes: 5 })).toEqual({ replicas: 5, note: null });
  });
});

describe('clusterView', () => {
  it('reads a single server from an INFO without a cluster', () => {
    expect(clusterView(undefined)).toEqual({ clustered: false, nodes: null });
    expect(clusterView({ connect_urls: ['127.0.0.1:4222'] })).toEqual({ clustered: false, nodes: null });
  });

  it('counts distinct advertised URLs, and keeps the largest count seen for the cluster (a node may be down)', () => {
    const name = `unit-${Math.random()}`;
    expect(clusterView({ cluster: name, connect_urls: ['a:1', 'b:1', 'c:1', 'a:1'] })).toEqual({ clustered: true, nodes: 3 });
    expect(clusterView({ cluster: name, connect_urls: ['a:1', 'b:1'] })).toEqual({ clustered: true, nodes: 3 });
    expect(clusterView({ cluster: name, connect_urls: ['a:1'] })).toEqual({ clustered: true, nodes: 3 });
    expect(clusterView({ cluster: name, connect_urls: ['b:1', 'c:1'] })).toEqual({ clustered: true, nodes: 3 });
  });

  it('starts over for another cluster of the same name (its URLs share none with the last seen)', () => {
    const name = `unit-${Math.random()}`;
    expect(clusterView({ cluster: name, connect_urls: ['a:1', 'b:1', 'c:1', 'd:1', 'e:1'] }).nodes).toBe(5);
    expect(clusterView({ cluster: name, connect_urls: ['x:1', 'y:1'] })).toEqual({ clustered: true, nodes: 2 });
    expect(clusterView({ cluster: name, connect_urls: ['x:1'] })).toEqual({ clustered: true, nodes: 2 });
  });

  it('does not know the size when the cluster advertises nothing', () => {
    const name = `unit-${Math.random()}`;
    expect(clusterView({ cluster: name })).toEqual({ clustered: true, nodes: null });
    expect(clusterView({ cluster: name, connect_urls: ['a:1'] })).toEqual({ clustered: true, nodes: null });
  });
});

describe('isTransient / isPlacementRefused', () => {
  it('retries timeouts, 503s and no-responders, not a server without JetStream or a bad request', () => {
    expect(isTransient(Object.assign(new Error('timeout'), { name: 'TimeoutError' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('JetStream system temporarily unavailable'), { name: 'JetStreamApiError', status: 503, code: 10008 }))).toBe(true);
    expect(isTransient(new Error('request failed', { cause: Object.assign(new Error('timeout'), { name: 'TimeoutError' }) }))).toBe(true);
    expect(isTransient(Object.assign(new Error('jetstream is not enabled'), { name: 'JetStreamNotEnabled' }))).toBe(false);
    expect(isTransient(Object.assign(new Error('jetstream not enabled for account'), { status: 503, code: 10039 }))).toBe(false);
    expect(isTransient(new Error('invalid bucket name: a b'))).toBe(false);
    expect(isTransient(null)).toBe(false);
  });

  it('recognises the servers’ refusals to place replicas', () => {
    expect(isPlacementRefused(new Error('no suitable peers for placement'))).toBe(true);
    expect(isPlacementRefused(new Error('insufficient resources'))).toBe(true);
    expect(isPlacementRefused(new Error('replicas > 1 not supported in non-clustered mode'))).toBe(true);
    expect(isPlacementRefused(new Error('timeout'))).toBe(false);
  });
});

describe('retryTransient', () => {
  const timeout = () => Object.assign(new Error('timeout'), { name: 'TimeoutError' });

  it('retries a transient failure until it succeeds', async () => {
    let calls = 0;
    const value = await retryTransient(async () => (++calls < 3 ? Promise.reject(timeout()) : 'ok'), { attempts: 5, withinMs: 5000 });
    expect(value).toBe('ok');
    expect(calls).toBe(3);
  });

  it('gives up after its attempts, with the last error', async () => {
    let calls = 0;
    await expect(retryTransient(async () => Promise.reject((calls++, timeout())), { attempts: 2, withinMs: 5000 })).rejects.toThrow('timeout');
    expect(calls).toBe(2);
  });

  it('does not retry other failures', async () => {
    let calls = 0;
    await expect(retryTransient(async () => Promise.reject(new Error(`bad ${++calls}`)), { attempts: 5, withinMs: 5000 })).rejects.toThrow('bad 1');
    expect(calls).toBe(1);
  });

  it('stops when the next pause would pass its time bound', async () => {
    let calls = 0;
    await expect(retryTransient(async () => Promise.reject((calls++, timeout())), { attempts: 100, withinMs: 100 })).rejects.toThrow('timeout');
    expect(calls).toBe(1);
  });
});

describe('JetStreamBuckets.retry (writes to an opened bucket)', () => {
  // What nats.js throws for a JetStream publish that meets no responders: the stream has no leader.
  const leaderless = () => Object.assign(new Error('jetstream is not enabled'), { name: 'JetStreamNotEnabled', cause: new Error("no responders: '$KV.board.k'") });

  it('retries a write that found no stream leader (an election under way) until one takes it', async () => {
    let calls = 0;
    const buckets = new JetStreamBuckets({ retry: { attempts: 5, withinMs: 5000 } });
    expect(await buckets.retry(async () => (++calls < 3 ? Promise.reject(leaderless()) : 'ok'))).toBe('ok');
    expect(calls).toBe(3);
  });

  it('says once that it is waiting, so a wait of up to its bound is not silent', async () => {
    const warnings: string[] = [];
    const buckets = new JetStreamBuckets({ retry: { attempts: 5, withinMs: 20_000 }, warn: (m) => warnings.push(m) });
    let calls = 0;
    await buckets.retry(async () => (++calls < 3 ? Promise.reject(leaderless()) : 'ok'));
    await buckets.retry(async () => (++calls < 5 ? Promise.reject(leaderless()) : 'ok'));
    expect(warnings).toEqual(['JetStream: no answer yet (no stream leader); trying again for up to 20 s (after a node\'s loss the cluster elects new leaders).']);
  });

  it('says a stream still without a leader has none, not that the server lacks JetStream', async () => {
    const buckets = new JetStreamBuckets({ retry: { attempts: 2, withinMs: 5000 } });
    const failure = buckets.retry(async () => Promise.reject(leaderless()));
    await expect(failure).rejects.toThrow(/no node took the write to '\$KV\.board\.k'.*no leader.*most of the cluster's nodes up/);
    await expect(failure).rejects.not.toThrow(/jetstream is not enabled/i);
  });

  it('leaves a server without JetStream (no responders to the API, no cause) to fail at once', () => {
    expect(isLeaderless(Object.assign(new Error('jetstream is not enabled'), { name: 'JetStreamNotEnabled' }))).toBe(false);
    expect(isLeaderless(leaderless())).toBe(true);
  });
});

describe('JetStreamBuckets: one start has one deadline', () => {
  const timeout = () => Object.assign(new Error('timeout'), { name: 'TimeoutError' });
  const REQUEST_MS = 2000;

  /** Time that moves only when a request times out or a retry pauses. */
  function fakeClock() {
    const clock = { t: 0, now: () => clock.t, sleep: async (ms: number) => void (clock.t += ms) };
    return clock;
  }

  /**
   * A connection to a cluster without a majority: every JetStream request times out after
   * REQUEST_MS, except that `answers` may answer one (a stream leader seen for a moment).
   */
  function leaderlessConnection(clock: { t: number }, answers: (subject: string) => object | null = () => null, info?: object) {
    const requests: string[] = [];
    const nc = {
      options: { inboxPrefix: '_INBOX' },
      info,
      features: { get: () => ({ ok: true, min: '2.9.0' }), supports: () => true, require: () => true },
      getServerVersion: () => ({ major: 2, minor: 10, micro: 0 }),
      request: async (subject: string) => {
        requests.push(subject);
        const answer = answers(subject);
        if (answer) return { data: new TextEncoder().encode(JSON.stringify(answer)) };
        clock.t += REQUEST_MS;
        throw timeout();
      },
    };
    return { nc: nc as unknown as NatsConnection, requests };
  }

  it('fails an open (and the put that would follow) on a leaderless cluster within the one bound, not one bound per step', async () => {
    const clock = fakeClock();
    const { nc, requests } = leaderlessConnection(clock);
    const buckets = new JetStreamBuckets({ clock });
    const deadline = buckets.deadline();
    await expect(buckets.open(nc, 'registry', { history: 1 }, deadline)).rejects.toThrow(/no answer opening bucket registry \(timeout\).*no leader.*most of the cluster's nodes up/);
    // The last attempt started before the deadline; it may take its own request timeout.
    expect(clock.t).toBeLessThanOrEqual(ELECTION_RETRY.withinMs + REQUEST_MS);
    expect(requests.length).toBeGreaterThan(1);
    expect(requests.length).toBeLessThanOrEqual(ELECTION_RETRY.attempts);
  });

  it('lets a later step (the bind after the stream was found) retry only in what is left of the deadline', async () => {
    const clock = fakeClock();
    let shown = false;
    // The stream's info answers once, after 14 s of timeouts; the bind that follows meets none again.
    const stream = { config: { name: 'KV_registry', num_replicas: 1, max_msgs_per_subject: 1, subjects: ['$KV.registry.>'] }, cluster: { leader: 'n1' }, state: { messages: 0 } };
    const { nc, requests } = leaderlessConnection(clock, (subject) => (!shown && clock.t >= 14_000 && subject.endsWith('STREAM.INFO.KV_registry') ? ((shown = true), stream) : null));
    const buckets = new JetStreamBuckets({ clock });
    const deadline = buckets.deadline();
    await expect(buckets.open(nc, 'registry', { history: 1 }, deadline)).rejects.toThrow(/no answer opening bucket registry \(timeout\).*no leader.*most of the cluster's nodes up/);
    expect(shown).toBe(true);
    // Per step, the bind alone could have retried until 14 s + the whole bound.
    expect(clock.t).toBeLessThanOrEqual(ELECTION_RETRY.withinMs + REQUEST_MS);
    expect(requests.length).toBeLessThanOrEqual(ELECTION_RETRY.attempts + 1);
  });

  it('gives a step started at the deadline its one attempt and no retry', async () => {
    const clock = fakeClock();
    const buckets = new JetStreamBuckets({ clock });
    const deadline = buckets.deadline();
    clock.t = deadline;
    let calls = 0;
    await expect(buckets.retry(async () => Promise.reject((calls++, timeout())), deadline)).rejects.toThrow('timeout');
    expect(calls).toBe(1);
  });

  it('without a deadline given, each call has the whole bound (as before)', async () => {
    const clock = fakeClock();
    const buckets = new JetStreamBuckets({ clock, retry: { attempts: 100, withinMs: 10_000 } });
    await expect(buckets.retry(async () => Promise.reject((clock.t += REQUEST_MS, timeout())))).rejects.toThrow('timeout');
    expect(clock.t).toBeGreaterThan(8_000);
    expect(clock.t).toBeLessThanOrEqual(10_000 + REQUEST_MS);
  });

  it('says a raised bucket is not confirmed yet when no leader was elected before the wait ended', async () => {
    const clock = fakeClock();
    const warnings: string[] = [];
    const config = { name: 'KV_old', num_replicas: 1, max_msgs_per_subject: 1, subjects: ['$KV.old.>'] };
    // Raised to 3 replicas, the stream answers its info but never reports a leader.
    const stream = { config, cluster: { name: 'c' }, state: { messages: 0 } };
    const answers = (subject: string) => (subject.includes('STREAM.UPDATE') ? { ...stream, config: { ...config, num_replicas: 3 } } : subject.includes('STREAM.INFO') ? stream : null);
    const { nc } = leaderlessConnection(clock, answers, { cluster: `unit-${Math.random()}`, connect_urls: ['a:1', 'b:1', 'c:1'] });
    await new JetStreamBuckets({ clock, warn: (m) => warnings.push(m) }).open(nc, 'old', { history: 1 });
    expect(warnings).toEqual([expect.stringMatching(/old had 1 replica.*raised to 3 \(not confirmed yet: no leader elected\)\.$/)]);
  });
});
