import { describe, expect, it } from 'vitest';
import type { AgentMessage } from '../../agents/protocol/agent-message.js';
import { alignConversations, CHANGED, diffChannel, messageHash, SAME, type MessageKey } from '../../agents/trace/diff-align.js';
import { compareConversations, conversationOf, type ConversationMessage } from '../../agents/trace/diff.js';
import { TraceComparisonSchema } from '../../agents/trace/diff-schema.js';
import { TraceRecordSchema, type TraceRecord } from '../../agents/trace/record.js';
import { prng } from '../helpers/trace-runs.js';

/** A message as [from, to, type, content]. */
type Spec = readonly [string, string | null, string, string];

let nextSeq = 1;
/** A conversation message made from a spec (seq and time differ per call, as between runs). */
function msg([from, to, type, content]: Spec): ConversationMessage {
  const seq = nextSeq++;
  return {
    key: { from, to, type, hash: messageHash(type, content) },
    digest: { seq, time: new Date(Date.UTC(2026, 0, 1) + seq).toISOString(), from, to, type, subject: `agents.request.${to ?? 'all'}`, content },
  };
}

const compare = (a: readonly Spec[], b: readonly Spec[]) => compareConversations(a.map(msg), b.map(msg)).comparison;

const trio: Spec[] = [
  ['user', 'coordinator', 'request', 'plan a trip'],
  ['coordinator', 'weather', 'request', 'weather in Paris?'],
  ['coordinator', 'flights', 'request', 'flights to Paris?'],
  ['flights', 'coordinator', 'response', 'AF123'],
  ['weather', 'coordinator', 'response', 'sunny'],
  ['coordinator', 'user', 'response', 'go, sunny, AF123'],
];

describe('trace diff alignment', () => {
  it('calls two runs with the same conversations the same whatever the interleaving', () => {
    const interleaved = [trio[0]!, trio[2]!, trio[1]!, trio[4]!, trio[3]!, trio[5]!];
    const result = compare(trio, interleaved);
    expect(TraceComparisonSchema.parse(result)).toEqual(result);
    expect(result.summary).toMatchObject({ same: 6, changed: 0, onlyA: 0, onlyB: 0 });
    expect(result.firstDivergence).toBeNull();
    expect(result.rows.map((r) => r.status)).toEqual(Array(6).fill('same'));
    expect(result.rows.map((r) => r.a!.content)).toEqual(trio.map((s) => s[3])); // A's order
  });

  it('marks one changed content as one changed row with differs content', () => {
    const other = trio.map((s, i): Spec => (i === 4 ? [s[0], s[1], s[2], 'rainy'] : s));
    const result = compare(trio, other);
    expect(result.summary).toMatchObject({ same: 5, changed: 1, onlyA: 0, onlyB: 0 });
    expect(result.firstDivergence).toBe(4);
    expect(result.rows[4]).toMatchObject({ status: 'changed', differs: ['content'], a: { content: 'sunny' }, b: { content: 'rainy' } });
  });

  it('ignores trailing whitespace in content but not ids inside it', () => {
    expect(compare([['a', 'b', 'direct', 'hi']], [['a', 'b', 'direct', 'hi \n']]).summary.same).toBe(1);
    expect(compare([['a', 'b', 'direct', 'id 1']], [['a', 'b', 'direct', 'id 2']]).summary.changed).toBe(1);
  });

  it('shows an extra message as only-b beside its neighbours', () => {
    const extra: Spec = ['coordinator', 'hotels', 'request', 'hotels in Paris?'];
    const other = [...trio.slice(0, 3), extra, ...trio.slice(3)];
    const result = compare(trio, other);
    expect(result.summary).toMatchObject({ same: 6, changed: 0, onlyA: 0, onlyB: 1 });
    expect(result.firstDivergence).toBe(3);
    expect(result.rows[3]).toMatchObject({ status: 'only-b', a: null, b: { to: 'hotels' }, differs: [] });
    expect(result.total).toBe(7);
  });

  it('finds the first divergence of a fork after k messages at row k', () => {
    const rand = prng(7);
    const words = ['x', 'y', 'z'];
    const agents = ['a', 'b', 'c'];
    for (let round = 0; round < 20; round++) {
      const common: Spec[] = Array.from({ length: 5 + Math.floor(rand() * 10) }, (_, i) => [agents[i % 3]!, agents[(i + 1) % 3]!, 'direct', `m${i}`]);
      const k = common.length;
      const tailA: Spec[] = Array.from({ length: 1 + Math.floor(rand() * 5) }, (_, i) => [agents[i % 3]!, agents[(i + 1) % 3]!, 'direct', `fork-a ${words[i % 3]}`]);
      const tailB: Spec[] = Array.from({ length: 1 + Math.floor(rand() * 5) }, (_, i) => [agents[i % 3]!, agents[(i + 2) % 3]!, 'request', `fork-b ${i}`]);
      const result = compare([...common, ...tailA], [...common, ...tailB]);
      expect(result.firstDivergence).toBe(k);
      expect(result.summary.same).toBe(k);
    }
  });

  it('pairs one type-same message of a changed stretch as changed, the rest one-sided', () => {
    const result = compare(
      [['a', 'b', 'request', '1'], ['a', 'b', 'direct', 'x'], ['a', 'b', 'request', '3']],
      [['a', 'b', 'request', '1'], ['a', 'b', 'handoff', 'q'], ['a', 'b', 'direct', 'y'], ['a', 'b', 'request', '3']],
    );
    expect(result.rows.map((r) => r.status)).toEqual(['same', 'only-b', 'changed', 'same']);
  });

  it('finds as many equal messages as a naive LCS, per channel, on random small inputs', () => {
    const rand = prng(2026);
    for (let round = 0; round < 500; round++) {
      const make = () => Float64Array.from({ length: Math.floor(rand() * 14) }, () => Math.floor(rand() * 4));
      const a = make();
      const b = make();
      const script = diffChannel(a, b, 1000, { work: 1e9 })!;
      const equal: [number, number][] = [];
      const seenA: number[] = [];
      const seenB: number[] = [];
      for (let k = 0; k < script.length; k += 2) {
        if (script[k]! >= 0) seenA.push(script[k]!);
        if (script[k + 1]! >= 0) seenB.push(script[k + 1]!);
        if (script[k]! >= 0 && script[k + 1]! >= 0) equal.push([script[k]!, script[k + 1]!]);
      }
      expect(equal.length).toBe(naiveLcs([...a], [...b]));
      expect(equal.every(([x, y]) => a[x] === b[y])).toBe(true);
      expect(seenA).toEqual([...a.keys()]); // every message once, in order
      expect(seenB).toEqual([...b.keys()]);
    }
  });

  it('aligns random runs keeping every message once, A in order, equal messages paired as far as they go', () => {
    const rand = prng(2027);
    for (let round = 0; round < 300; round++) {
      const channels = 1 + Math.floor(rand() * 3);
      const make = (): MessageKey[] =>
        Array.from({ length: Math.floor(rand() * 12) }, () => {
          const c = Math.floor(rand() * channels);
          const type = rand() < 0.5 ? 'request' : 'response';
          return { from: `s${c}`, to: `r${c}`, type, hash: messageHash(type, String(Math.floor(rand() * 4))) };
        });
      const a = make();
      const b = make();
      const alignment = alignConversations(a, b, round % 2 ? {} : { maxEdits: 3 });
      // Same messages: per channel and key, as many as the side with fewer has.
      const tally = (keys: MessageKey[]) => keys.reduce((m, k) => m.set(`${k.from}/${k.hash}`, (m.get(`${k.from}/${k.hash}`) ?? 0) + 1), new Map<string, number>());
      const ta = tally(a);
      const tb = tally(b);
      expect(alignment.same).toBe([...ta].reduce((sum, [key, n]) => sum + Math.min(n, tb.get(key) ?? 0), 0));
      expect(alignment.same + alignment.changed + alignment.onlyA).toBe(a.length);
      expect(alignment.same + alignment.changed + alignment.onlyB).toBe(b.length);
      expect([...alignment.a].filter((i) => i >= 0)).toEqual(a.map((_, i) => i));
      expect([...alignment.b].filter((j) => j >= 0).sort((x, y) => x - y)).toEqual(b.map((_, j) => j));
      alignment.status.forEach((s, row) => {
        const [x, y] = [alignment.a[row]!, alignment.b[row]!];
        if (s === SAME) expect(a[x]!.hash).toBe(b[y]!.hash);
        if (s === CHANGED) expect([a[x]!.from, a[x]!.type, a[x]!.hash !== b[y]!.hash]).toEqual([b[y]!.from, b[y]!.type, true]);
      });
    }
  });

  it('calls a message that moved within its channel the same', () => {
    const a: Spec[] = [['c', 'w', 'request', 'q1'], ['c', 'w', 'request', 'q2'], ['c', 'w', 'request', 'q3']];
    const result = compare(a, [a[1]!, a[0]!, a[2]!]);
    expect(result.summary).toMatchObject({ same: 3, changed: 0, onlyA: 0, onlyB: 0 });
    const moved = compare(a, [a[1]!, ['c', 'w', 'request', 'q1 changed'], a[2]!, a[0]!]);
    expect(moved.summary).toMatchObject({ same: 3, changed: 0, onlyA: 0, onlyB: 1 });
    const changedAndMoved = compare(a, [a[1]!, a[2]!, ['c', 'w', 'request', 'q1 changed']]);
    expect(changedAndMoved.summary).toMatchObject({ same: 2, changed: 1, onlyA: 0, onlyB: 0 });
    expect(changedAndMoved.rows[0]).toMatchObject({ status: 'changed', a: { content: 'q1' }, b: { content: 'q1 changed' } });
  });

  it('past the cost bound matches by key, then by type in order, still counting every message', () => {
    const a: MessageKey[] = Array.from({ length: 3000 }, (_, i) => ({ from: 'a', to: 'b', type: 'direct', hash: messageHash('direct', `a${i}`) }));
    const b: MessageKey[] = Array.from({ length: 3000 }, (_, i) => ({ from: 'a', to: 'b', type: i % 2 ? 'direct' : 'request', hash: messageHash('direct', `b${i}`) }));
    const alignment = alignConversations(a, b, { maxEdits: 100 });
    const { fallbacks, same, changed, onlyA, onlyB } = alignment;
    expect({ fallbacks, same, changed, onlyA, onlyB }).toEqual({ fallbacks: 1, same: 0, changed: 1500, onlyA: 1500, onlyB: 1500 });
  });
});

describe('conversation of a trace', () => {
  const base = { time: '2026-01-01T00:00:00.000Z', mono: 0, reply: null, headers: null, truncated: false, encoding: 'utf8' };
  const message = (seq: number, subject: string, m: Partial<AgentMessage>): TraceRecord => {
    const full = { message_type: 'direct', from_agent: 'a', to_agent: 'b', content: 'hi', metadata: {}, timestamp: base.time, message_id: `id-${seq}`, in_reply_to: null, priority: 2, ...m };
    const payload = JSON.stringify(full);
    return TraceRecordSchema.parse({ ...base, seq, kind: 'message', subject, size: payload.length, payload, parsed: { ok: true, message: full } });
  };

  it('keeps AgentMessages, not infrastructure, presence, invalid payloads or events', () => {
    const records: TraceRecord[] = [
      message(1, 'agents.request.b', {}),
      message(2, 'agents.heartbeat.a', { message_type: 'heartbeat' }),
      message(3, '$KV.agents.a', {}),
      TraceRecordSchema.parse({ ...base, seq: 4, kind: 'message', subject: 'other', size: 3, payload: 'abc', parsed: { ok: false, reason: 'not JSON' } }),
      TraceRecordSchema.parse({ ...base, seq: 5, kind: 'event', name: 'agent.started', agent: 'a', payload: { agent: 'a', instance: 'a-1', subjects: [] } }),
      message(6, 'agents.request.a', { from_agent: 'b', to_agent: 'a', content: 'yo' }),
    ];
    expect(conversationOf(records).map((m) => [m.digest.seq, m.digest.from, m.digest.to, m.digest.content])).toEqual([
      [1, 'a', 'b', 'hi'],
      [6, 'b', 'a', 'yo'],
    ]);
  });
});

/** LCS length by the textbook O(n·m) table. */
function naiveLcs(a: readonly number[], b: readonly number[]): number {
  const t = Array.from({ length: a.length + 1 }, () => Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) t[i]![j] = a[i - 1] === b[j - 1] ? t[i - 1]![j - 1]! + 1 : Math.max(t[i - 1]![j]!, t[i]![j - 1]!);
  return t[a.length]![b.length]!;
}
