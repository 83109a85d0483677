/**
 * `trace.getTimeline`'s answers pinned on generated runs (test/helpers/trace-runs.ts `generate`
 * with receipts and long contents added, and a long run of test/helpers/trace-long-run.ts): the
 * snapshot was written by the timeline before its facts made labels lazily (and took sender,
 * receiver and latency without the row status), so a change of any answer shows here.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TRACE_FORMAT, type TraceRecord } from '../../agents/trace/record.js';
import { TimelineFacts, type Timeline } from '../../agents/trace/timeline.js';
import { TraceLibrary } from '../../main/host/trace/index.js';
import type { CachedRuns } from '../../main/host/trace/run-read-cache.js';
import { TimelineCache } from '../../main/host/trace/timeline-cache.js';
import { TraceStore } from '../../main/host/trace/trace-store.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { eventRecord, messageRecord, sampleMessage } from '../helpers/trace-events.js';
import { writeLongRun } from '../helpers/trace-long-run.js';
import { generate, prng } from '../helpers/trace-runs.js';

/** `generate`'s records with receipts (some recorded before their message), long and multi-line contents, renumbered. */
function generatedRun(count: number, seed: number): TraceRecord[] {
  const rand = prng(seed);
  const out: TraceRecord[] = [];
  for (const record of generate(count, seed)) {
    if (record.kind !== 'message' || !record.parsed.ok) {
      out.push(record);
      continue;
    }
    const message = { ...record.parsed.message };
    const roll = rand();
    if (roll < 0.05) message.content = `${'a long  line\n\t'.repeat(120)}end`;
    else if (roll < 0.15) message.content = `  ${message.content}\n${'x'.repeat(70)} `;
    else if (roll < 0.18) message.content = '   ';
    const copy: TraceRecord = { ...record, parsed: { ok: true, message } };
    const receipt = message.to_agent && rand() < 0.6 ? eventRecord({ ...record, mono: record.mono + (rand() < 0.3 ? -2 : 3) }, 'message.received', message.to_agent, { message: { from_agent: message.from_agent, to_agent: message.to_agent, message_id: message.message_id } }) : null;
    if (receipt && receipt.mono < record.mono) out.push(receipt, copy);
    else out.push(copy, ...(receipt ? [receipt] : []));
  }
  return out.map((record, i) => ({ ...record, seq: i + 1 }));
}

/** A short fingerprint of an answer (the whole answer for the small ones). */
const digest = (timeline: Timeline): string => createHash('sha256').update(JSON.stringify(timeline)).digest('hex').slice(0, 16);

/** The answers a run is pinned by: the whole run at three caps, two ranges. */
async function answers(cache: TimelineCache, runs: CachedRuns): Promise<Record<string, unknown>> {
  const whole = await cache.get('r', { maxItems: 20_000 }, runs);
  const mid = whole.from! + (whole.to! - whole.from!) / 2;
  const small = await cache.get('r', { from: mid, to: mid + 200, maxItems: 4000 }, runs);
  return {
    whole: digest(whole),
    counts: { total: whole.total, spans: whole.spans.length, messages: whole.messages.length, lanes: whole.lanes },
    capped: digest(await cache.get('r', { maxItems: 4000 }, runs)),
    tiny: await cache.get('r', { maxItems: 12 }, runs),
    range: digest(await cache.get('r', { from: mid, to: mid + (whole.to! - whole.from!) / 10, maxItems: 300 }, runs)),
    small,
  };
}

describe('trace.getTimeline pinned on generated runs', () => {
  let root: string;
  beforeEach(async () => {
    root = await makeTempDir('timeline-pinned');
  });
  afterEach(async () => {
    await removeTempDir(root);
  });

  it('answers a generated run with replies, receipts and long contents as before', async () => {
    const store = await TraceStore.create(root, { format: TRACE_FORMAT, run: 'r', startedAt: '2025-01-01T12:00:00.000Z', topology: null });
    try {
      for (const record of generatedRun(4000, 42)) store.append(record);
      const runs: CachedRuns = { isLive: () => false, withStore: async (_runId, use) => use(store) };
      expect(await answers(new TimelineCache(), runs)).toMatchSnapshot();
    } finally {
      await store.close();
    }
  });

  it('answers a long run as before', async () => {
    const library = new TraceLibrary(root);
    await writeLongRun(library, 'r', 20_000);
    const store = await library.open('r');
    try {
      const runs: CachedRuns = { isLive: () => false, withStore: async (_runId, use) => use(store) };
      expect(await answers(new TimelineCache(), runs)).toMatchSnapshot();
    } finally {
      await store.close();
    }
  });
});

describe('TimelineFacts past its pending limit', () => {
  it('forgets the oldest messages not yet received (and early receipts) first, the newest kept', () => {
    const facts = new TimelineFacts();
    const T = Date.UTC(2025, 0, 1, 12);
    let seq = 0;
    const base = (mono: number) => ({ seq: ++seq, time: new Date(T + Math.floor(mono)).toISOString(), mono });
    const send = (id: string) => {
      const message = sampleMessage({ from_agent: 'a', to_agent: 'b', message_id: id });
      facts.add(messageRecord(base(seq), 'agents.request.b', '{}', { parsed: { ok: true, message } }));
    };
    const receive = (id: string) => facts.add(eventRecord(base(seq + 0.5), 'message.received', 'b', { message: { from_agent: 'a', to_agent: 'b', message_id: id } }));
    const COUNT = 70_000; // past the 65,536 remembered
    receive('m1'); // received first, remembered, then taken by m1 before it is forgotten
    for (let i = 1; i <= COUNT; i++) send(`m${i}`);
    receive('m3'); // forgotten: the oldest went first
    receive('m4000'); // forgotten
    receive(`m${COUNT - 65_536 + 1}`); // the oldest kept
    receive(`m${COUNT}`);
    const received = (id: string) => facts.messages[Number(id.slice(1)) - 1]!.received !== null;
    expect(['m1', 'm3', 'm4000', `m${COUNT - 65_536}`, `m${COUNT - 65_536 + 1}`, `m${COUNT}`].map(received)).toEqual([true, false, false, false, true, true]);
  }, 30_000); // 70,000 messages: ~2.5 s on a loaded 2-core machine, too close to the default 5 s
});
