/**
 * Issue #6's benchmarks, each against the raw NATS client (or a raw read) in the same run:
 * (1) publisher throughput with the recorder on vs off, beside a nats.js `>` tap and a tap that
 * only reads (the floor for any recorder), and (1b) the same over a burst long enough that the
 * recorder cannot leave decoding for later; (2) the highest paced rate the recorder captures 100%
 * of, and its unpaced receive rate vs a nats.js `>` tap; (3) query time over a stored
 * million-record run. Publishers run in a child process (this file, started with a role in the
 * environment), as in STACK.md's raw baselines; the recorder runs here. Everything targets
 * 127.0.0.1, is bounded in count and time, and cleans up after itself.
 *
 * Capture steps last SWITCHBOARD_BENCH_TRACE_WINDOW_S each (default 5 s), except the 50,000 msg/s
 * step the issue names, which lasts SWITCHBOARD_BENCH_TRACE_TARGET_WINDOW_S (default 30 s).
 */
import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { TraceQuerySchema, matchesQuery, type TraceQuery } from '../../agents/trace/query.js';
import type { TraceRecord } from '../../agents/trace/record.js';
import { toConnectionOptions } from '../../main/host/nats/connect-options.js';
import type { NatsConnectSettings } from '../../main/host/nats/server-handle.js';
import { NatsTap } from '../../main/host/trace/nats-tap.js';
import { TraceRecorder } from '../../main/host/trace/recorder.js';
import { TraceLibrary, TraceStore } from '../../main/host/trace/index.js';
import { startTestServer, type TestServer } from '../helpers/nats-server.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { median, report } from './stats.js';

const ROLE_ENV = 'SWITCHBOARD_TRACE_BENCH_ROLE';
const BURST = 200_000;
const BYTES = 200;
const BURST_RUNS = 9;
const SUSTAINED = 2_000_000;
const SUSTAINED_RUNS = 3;
const STEPS = [25_000, 50_000, 75_000, 100_000, 150_000, 200_000];
const QUERY_RECORDS = 1_000_000;
const QUERY_RUNS = 7;
const self = fileURLToPath(import.meta.url);

/** A valid 200-byte AgentMessage: the recorder parses it like real agent traffic. */
function agentPayload(bytes: number): string {
  const message = {
    message_type: 'request',
    from_agent: 'bench_pub',
    to_agent: 'bench_sink',
    content: '',
    metadata: {},
    timestamp: '2025-01-01T00:00:00.000Z',
    message_id: '00000000-0000-4000-8000-000000000000',
    in_reply_to: null,
    priority: 2,
  };
  const base = JSON.stringify(message).length;
  return JSON.stringify({ ...message, content: 'x'.repeat(Math.max(0, bytes - base)) });
}

// ---------- the publisher child ----------

interface ChildResult {
  sent: number;
  ms: number;
}

/** Runs in the child: publishes a burst (as fast as possible) or a paced stream, prints the result. */
async function publisherChild(role: string): Promise<void> {
  const settings = JSON.parse(process.env['SWITCHBOARD_TRACE_BENCH_NATS']!) as NatsConnectSettings;
  const subject = process.env['SWITCHBOARD_TRACE_BENCH_SUBJECT']!;
  const count = Number(process.env['SWITCHBOARD_TRACE_BENCH_COUNT']);
  const rate = Number(process.env['SWITCHBOARD_TRACE_BENCH_RATE'] ?? 0);
  const nc = await connect({ ...toConnectionOptions(settings), name: 'bench-trace-publisher' });
  const payload = new TextEncoder().encode(agentPayload(BYTES));
  const started = performance.now();
  let sent = 0;
  if (role === 'burst') {
    for (; sent < count; sent++) nc.publish(subject, payload);
  } else {
    // Paced: every ~1 ms, publish what is due by now; the rate holds on average over the window.
    while (sent < count) {
      const due = Math.min(count, Math.floor(((performance.now() - started) * rate) / 1000));
      for (; sent < due; sent++) nc.publish(subject, payload);
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  await nc.flush();
  const result: ChildResult = { sent, ms: performance.now() - started };
  await nc.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Starts this file as a publisher child and returns what it reports. */
function publish(server: TestServer, role: 'burst' | 'paced', subject: string, count: number, rate = 0): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', self], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        [ROLE_ENV]: role,
        SWITCHBOARD_TRACE_BENCH_NATS: JSON.stringify(server.connectSettings),
        SWITCHBOARD_TRACE_BENCH_SUBJECT: subject,
        SWITCHBOARD_TRACE_BENCH_COUNT: String(count),
        SWITCHBOARD_TRACE_BENCH_RATE: String(rate),
      },
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      if (code === 0 && last) resolve(JSON.parse(last) as ChildResult);
      else reject(new Error(`publisher child exited with ${code}`));
    });
  });
}

/** Waits until `count()` reaches `target` or stops growing for `idleMs`; returns the last count. */
async function settle(count: () => number, target: number, idleMs = 2000): Promise<number> {
  let last = -1;
  let since = performance.now();
  for (;;) {
    const now = count();
    if (now >= target) return now;
    if (now !== last) [last, since] = [now, performance.now()];
    else if (performance.now() - since > idleMs) return now;
    await new Promise((r) => setTimeout(r, 20));
  }
}

// ---------- (1) and (2): recording ----------

/** Records of `subject` per second of receipt, from the first and last record's `mono`. */
async function recordedRate(store: TraceStore, subject: string): Promise<number> {
  const first = (await store.query({ subject, limit: 1 })).records[0];
  const last = (await store.query({ subject, before: store.nextSeq, limit: 1 })).records[0];
  const n = store.counts().subjects[subject] ?? 0;
  return first && last && n > 1 ? ((n - 1) / (last.mono - first.mono)) * 1000 : 0;
}

/** A fresh run with a recorder tapping the server; `done` stops, closes and deletes it. */
async function recordRun(library: TraceLibrary, nats: TestServer, warn: (text: string) => void) {
  const store = await library.create({});
  const recorder = new TraceRecorder(store, { warn });
  await recorder.tap(nats.connection);
  return {
    store,
    recorded: (subject: string) => store.counts().subjects[subject] ?? 0,
    done: async () => {
      await recorder.stop();
      await store.close();
      await library.remove(store.runId); // keeps the bench's disk use to one run at a time
    },
  };
}

async function recording(): Promise<void> {
  const nats = await startTestServer();
  const dir = await makeTempDir('bench-trace');
  const warnings = new Set<string>();
  const warn = (text: string) => warnings.add(text);
  try {
    const library = new TraceLibrary(dir);
    await publish(nats, 'burst', 'bench.warmup', 20_000); // warms the server, unmeasured

    // (1) The same publisher and burst with nobody listening, a raw counting `>` tap, and the
    // recorder; alternated run by run so they share the machine's noise.
    const off: number[] = [];
    const raw: number[] = [];
    const floor: number[] = [];
    const on: number[] = [];
    const rawReceive: number[] = [];
    const recorderReceive: number[] = [];
    const captured: string[] = [];
    for (let run = 0; run < BURST_RUNS; run++) {
      const offRun = await publish(nats, 'burst', `bench.off.${run}`, BURST);
      off.push((offRun.sent / offRun.ms) * 1000);

      const tap = await connect({ ...nats.connection, name: 'bench-raw-tap' });
      let count = 0;
      let first = 0;
      let last = 0;
      tap.subscribe('>', {
        callback: () => {
          last = performance.now();
          if (count++ === 0) first = last;
        },
      });
      await tap.flush();
      const rawRun = await publish(nats, 'burst', `bench.raw.${run}`, BURST);
      raw.push((rawRun.sent / rawRun.ms) * 1000);
      await settle(() => count, rawRun.sent);
      rawReceive.push(((count - 1) / (last - first)) * 1000);
      await tap.close();

      // The floor for any recorder: a tap that reads the bytes and keeps none (the recorder's own
      // connection code with a listener that drops everything).
      const reader = new NatsTap(nats.connection, '>', { stream: () => undefined, data: () => undefined, lost: () => undefined }, 'bench-reading-tap');
      await reader.start();
      const floorRun = await publish(nats, 'burst', `bench.floor.${run}`, BURST);
      floor.push((floorRun.sent / floorRun.ms) * 1000);
      reader.close();

      const recording = await recordRun(library, nats, warn);
      const subject = `bench.on.${run}`;
      const onRun = await publish(nats, 'burst', subject, BURST);
      on.push((onRun.sent / onRun.ms) * 1000);
      const got = await settle(() => recording.recorded(subject), onRun.sent);
      captured.push(`${((got / onRun.sent) * 100).toFixed(1)}%`);
      recorderReceive.push(await recordedRate(recording.store, subject));
      await recording.done();
    }
    const burst = `${BURST / 1000}k x ${BYTES} B`;
    report({ name: `publish ${burst}, recorder on`, value: median(on), unit: 'msg/s', runs: BURST_RUNS, baseline: { name: 'recorder off', value: median(off) }, target: 'ratio >= 0.85' });
    report({ name: `publish ${burst}, nats.js > tap on`, value: median(raw), unit: 'msg/s', runs: BURST_RUNS, baseline: { name: 'recorder off', value: median(off) } });
    report({ name: `publish ${burst}, reading-only tap on`, value: median(floor), unit: 'msg/s', runs: BURST_RUNS, baseline: { name: 'recorder off', value: median(off) } });
    report({ name: `receive ${burst} burst, recorder`, value: median(recorderReceive), unit: 'msg/s', runs: BURST_RUNS, baseline: { name: 'nats.js > tap', value: median(rawReceive) } });
    console.log(`  the recorder captured ${captured.join(', ')} of each burst`);

    // (1b) A burst longer than the recorder's decoding lag (1 s): decoding has to run alongside.
    const sustainedOff: number[] = [];
    const sustainedOn: number[] = [];
    const sustainedCaptured: string[] = [];
    for (let run = 0; run < SUSTAINED_RUNS; run++) {
      const offRun = await publish(nats, 'burst', `bench.long.off.${run}`, SUSTAINED);
      sustainedOff.push((offRun.sent / offRun.ms) * 1000);
      const recording = await recordRun(library, nats, warn);
      const subject = `bench.long.on.${run}`;
      const onRun = await publish(nats, 'burst', subject, SUSTAINED);
      sustainedOn.push((onRun.sent / onRun.ms) * 1000);
      const got = await settle(() => recording.recorded(subject), onRun.sent, 5000);
      sustainedCaptured.push(`${((got / onRun.sent) * 100).toFixed(1)}%`);
      await recording.done();
    }
    report({ name: `publish ${SUSTAINED / 1_000_000}M x ${BYTES} B, recorder on`, value: median(sustainedOn), unit: 'msg/s', runs: SUSTAINED_RUNS, baseline: { name: 'recorder off', value: median(sustainedOff) } });
    console.log(`  (lasts ~${(SUSTAINED / median(sustainedOff)).toFixed(1)} s: past the recorder's 1 s decoding lag, so decoding competes for the CPU) captured ${sustainedCaptured.join(', ')}`);

    // (2) Paced steps: the highest rate of which every message is recorded over its window. A
    // step counts only if the publisher really reached its rate.
    const windowS = Number(process.env['SWITCHBOARD_BENCH_TRACE_WINDOW_S'] ?? 5);
    const targetWindowS = Number(process.env['SWITCHBOARD_BENCH_TRACE_TARGET_WINDOW_S'] ?? 30);
    let best = 0;
    for (const rate of STEPS) {
      const seconds = rate === 50_000 ? targetWindowS : windowS;
      const recording = await recordRun(library, nats, warn);
      const subject = `bench.step.${rate}`;
      const result = await publish(nats, 'paced', subject, rate * seconds, rate);
      const got = await settle(() => recording.recorded(subject), result.sent);
      await recording.done();
      const achieved = (result.sent / result.ms) * 1000;
      console.log(`  step ${rate} msg/s x ${seconds} s: published ${result.sent} at ${achieved.toFixed(0)} msg/s, recorded ${got} (${((got / result.sent) * 100).toFixed(2)}%)`);
      if (got < result.sent) break;
      if (achieved < rate * 0.98) {
        console.log(`  (the publisher could not reach ${rate} msg/s on this machine: steps end here)`);
        break;
      }
      best = rate;
    }
    report({ name: `recorder: highest paced rate captured 100%`, value: best, unit: 'msg/s', runs: 1, target: `>= 50000 msg/s over 30 s (windows: 50k ${targetWindowS} s, others ${windowS} s)` });
    for (const w of warnings) console.log(`  warning: ${w}`);
  } finally {
    await removeTempDir(dir);
    await nats.stop();
  }
}

// ---------- (3): queries over a million records ----------

const AGENTS = Array.from({ length: 20 }, (_, i) => `agent_${String(i).padStart(2, '0')}`);

/** Record `seq` of a synthetic run: requests, unique response subjects, broadcasts, inbox replies, events, JetStream calls and their replies, a few failures. */
function syntheticRecord(seq: number, rareFrom: number): TraceRecord {
  const time = new Date(Date.UTC(2025, 0, 1) + seq).toISOString();
  const base = { seq, time, mono: seq / 1000 };
  const kind = seq % 10;
  const from = AGENTS[seq % AGENTS.length]!;
  if (seq % 100 === 4 || seq % 100 === 5) {
    // A KV registry lookup: a JetStream API call from an agent's connection and its reply on the agent's inbox.
    const call = seq % 100 === 4;
    const inbox = `_INBOX_${AGENTS[(call ? seq : seq - 1) % AGENTS.length]!}.js.${call ? seq : seq - 1}`;
    const payload = call ? '' : '{"type":"io.nats.jetstream.api.v1.stream_info_response","total":1}';
    const parsed = { ok: false as const, reason: call ? 'not an AgentMessage: the payload is empty' : 'not an AgentMessage: message_type is missing' };
    return { ...base, kind: 'message', subject: call ? '$JS.API.STREAM.INFO.KV_switchboard_agents' : inbox, reply: call ? inbox : null, headers: null, size: payload.length, payload, encoding: 'utf8', truncated: false, parsed };
  }
  const to = seq >= rareFrom && kind === 1 ? 'agent_rare' : AGENTS[(seq * 7 + 3) % AGENTS.length]!;
  if (kind === 9) {
    const runId = `run-${seq >> 4}`;
    // Complete payloads (event records are typed by name), kept as small as the schema allows.
    return seq % 20 === 9
      ? { ...base, kind: 'event', name: 'llm.call', agent: from, payload: { agent: from, runId, turn: 1, provider: 's', model: 'm', request: { model: 'm', system: '', messages: [], tools: [] }, response: null, error: seq % 200 === 9 ? 'rate limited' : null, latencyMs: 12 } }
      : { ...base, kind: 'event', name: 'ooda.phase', agent: from, payload: { agent: from, runId, turn: 1, phase: 'decide', input: null, output: null, durationMs: 12 } };
  }
  const type = kind < 4 ? 'request' : kind < 8 ? 'response' : 'heartbeat';
  const subject = type === 'request' ? `agents.request.${to}` : type === 'response' ? `agents.response.${from}.m${seq}` : 'agents.all';
  const message = {
    message_type: type as 'request',
    from_agent: from,
    to_agent: type === 'heartbeat' ? null : to,
    content: `message ${seq} about the weather`,
    metadata: seq % 100 === 6 ? { conversation_id: `c${seq >> 6}`, status: 'failed', error: 'boom' } : { conversation_id: `c${seq >> 6}` },
    timestamp: time,
    message_id: `m${seq}`,
    in_reply_to: type === 'response' ? `m${seq - 4}` : null,
    priority: 2,
  };
  const payload = JSON.stringify(message);
  return { ...base, kind: 'message', subject, reply: null, headers: null, size: payload.length, payload, encoding: 'utf8', truncated: false, parsed: { ok: true, message } };
}

/** What a query (or a count, with no limit) costs without the index: read every line from the start, parse, filter. */
async function naiveFirstPage(store: TraceStore, q: TraceQuery, limit: number): Promise<number> {
  let found = 0;
  const parsed = TraceQuerySchema.parse(q);
  for (let n = 1; found < limit; n++) {
    const file = path.join(store.dir, `segment-${String(n).padStart(6, '0')}.ndjson`);
    const fh = await open(file, 'r').catch(() => null);
    if (!fh) break;
    try {
      let rest = '';
      const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
      for (let position = 0; found < limit; ) {
        const { bytesRead } = await fh.read(buffer, 0, buffer.length, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        const lines = (rest + buffer.toString('utf8', 0, bytesRead)).split('\n');
        rest = lines.pop()!;
        for (const line of lines) {
          const record = JSON.parse(line) as TraceRecord & { format?: string };
          if (record.format === undefined && matchesQuery(record, parsed) && ++found === limit) break;
        }
      }
    } finally {
      await fh.close();
    }
  }
  return found;
}

async function queries(): Promise<void> {
  const dir = await makeTempDir('bench-trace-query');
  try {
    const library = new TraceLibrary(dir);
    const store = await library.create({ run: 'million' });
    const rareFrom = QUERY_RECORDS - QUERY_RECORDS / 100;
    let t = performance.now();
    for (let seq = 1; seq <= QUERY_RECORDS; seq++) store.append(syntheticRecord(seq, rareFrom));
    await store.close();
    const generateMs = performance.now() - t;
    t = performance.now();
    const reopened = await library.open('million');
    const reopenMs = performance.now() - t;
    console.log(`  generated ${QUERY_RECORDS} records in ${(generateMs / 1000).toFixed(1)} s; index ${TraceStore.INDEX_BYTES_PER_RECORD} B/record (${(reopened.indexBytes / 2 ** 20).toFixed(1)} MiB allocated)`);
    report({ name: 'reopen 1M-record run (rebuild index)', value: reopenMs, unit: 'ms', runs: 1 });

    const cases: { name: string; q: TraceQuery }[] = [
      { name: 'agents.request.* + agent, first page', q: { subject: 'agents.request.*', agent: 'agent_07', limit: 100 } },
      { name: 'agents.> + agent, first page', q: { subject: 'agents.>', agent: 'agent_07', limit: 100 } },
      { name: 'agents.> + rare agent, first page', q: { subject: 'agents.>', agent: 'agent_rare', limit: 100 } },
      { name: 'agents.> + agent, newest page', q: { subject: 'agents.>', agent: 'agent_07', before: QUERY_RECORDS + 1, limit: 100 } },
      { name: 'infrastructure hidden + errors only, first page', q: { infrastructure: 'hide', errors: true, limit: 100 } },
    ];
    for (const { name, q } of cases) {
      const times: number[] = [];
      let got = 0;
      for (let run = 0; run < QUERY_RUNS; run++) {
        const started = performance.now();
        got = (await reopened.query(q)).records.length;
        times.push(performance.now() - started);
      }
      const naive: number[] = [];
      for (let run = 0; run < (name.includes('rare') || name.includes('newest') ? 1 : 3); run++) {
        const started = performance.now();
        if (q.before === undefined) await naiveFirstPage(reopened, q, q.limit ?? 100);
        else await naiveFirstPage(reopened, { ...q, before: undefined }, Number.MAX_SAFE_INTEGER); // newest first needs them all
        naive.push(performance.now() - started);
      }
      report({ name: `query ${name} (${got})`, value: median(times), unit: 'ms', runs: QUERY_RUNS, baseline: { name: 'scan+parse from disk', value: median(naive) }, target: '< 200 ms' });
      console.log(`    first (cold) run ${times[0]!.toFixed(1)} ms`);
    }
    // Counts beside the filter: totals, per subject, agent and type, and the infrastructure hidden, from the index.
    const countCases: { name: string; q: TraceQuery }[] = [
      { name: 'agents.> + agent, infrastructure hidden', q: { subject: 'agents.>', agent: 'agent_07', infrastructure: 'hide' } },
      { name: 'everything, infrastructure hidden', q: { infrastructure: 'hide' } },
    ];
    for (const { name, q } of countCases) {
      const times: number[] = [];
      let got = 0;
      for (let run = 0; run < QUERY_RUNS; run++) {
        const started = performance.now();
        got = (await reopened.count(q)).records;
        times.push(performance.now() - started);
      }
      const started = performance.now();
      await naiveFirstPage(reopened, q, Number.MAX_SAFE_INTEGER);
      const naive = performance.now() - started;
      report({ name: `count ${name} (${got})`, value: median(times), unit: 'ms', runs: QUERY_RUNS, baseline: { name: 'scan+parse from disk', value: naive }, target: '< 200 ms' });
    }
    await reopened.close();
  } finally {
    await removeTempDir(dir);
  }
}

/** Runs the trace benchmarks and prints their lines. */
export async function runTraceBench(): Promise<void> {
  await recording();
  await queries();
}

const role = process.env[ROLE_ENV];
if (role) await publisherChild(role);
