// Fault: 10,000 malformed or hostile messages on every subject the agents of a running topology
// listen on (read from the server's /connz, not a list), while valid requests keep coming. The
// topology runs as `switchboard run` (a process, as a user runs it) with a trace; the storm comes
// from a raw nats.js publisher. No crash, every hostile message that reaches an agent recorded as
// `message.invalid` with its reason, the valid requests all answered, memory bounded.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { p50p95 } from '../../agents/trace/metrics.js';
import { cliPath } from '../helpers/cli.js';
import { startTestServer, type TestServer } from '../helpers/nats-server.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';
import { until } from '../helpers/until.js';
import { agentMessage, hostileMessages, stormTargets, subscriptionsOf, type StormTarget } from './storm-messages.js';

const TOTAL = 10_000;
const HUGE = 30;
const STORM_BUDGET_MS = 60_000;
const PROBE_EVERY_MS = 100;
/** The run process may grow this much over its size before the storm (generous: a leak grows without bound). */
const RSS_HEADROOM_MB = 400;

/** What each probed agent answers to its question (the trio's scripted replies). */
const PROBES = [
  { agent: 'weather_bot', input: "What's the weather in Paris?", reply: /^Weather-Bot: It is 18°C and partly cloudy in Paris\.$/ },
  { agent: 'general_assistant', input: 'hello', reply: /^General-Assistant: Hello!/ },
  { agent: 'task_coordinator', input: "What's the weather in Oslo?", reply: /Weather-Bot: It is 18°C and partly cloudy in Oslo\./ },
];

interface Probe {
  phase: 'before' | 'storm' | 'after';
  ms: number;
  ok: boolean;
  error?: string;
}

let server: TestServer;
let tmp: string;
let child: ChildProcess;
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
let output = '';
let prober: NatsConnection;
let publisher: NatsConnection;

const rssMb = (pid: number): number => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
};
const alive = () => child.exitCode === null && child.signalCode === null;

beforeEach(async () => {
  tmp = await makeTempDir('storm');
  server = await startTestServer({ nkey: false });
  prober = await connect({ ...server.connection, name: 'storm-prober' });
  publisher = await connect({ ...server.connection, name: 'storm-publisher' });
}, 60_000);

afterEach(async () => {
  await prober?.close();
  await publisher?.close();
  if (child && alive()) {
    child.kill('SIGKILL');
    await exited;
  }
  await server?.stop();
  await removeTempDir(tmp);
});

/** Runs the trio under `profile` as `switchboard run` with a trace, on the test server. */
function startRun(profile: string): void {
  const topology = path.join(tmp, `trio-${profile}.yaml`);
  writeFileSync(topology, readFileSync('templates/seed-000-trio.yaml', 'utf8').replace(/^ {2}profile: seed-000$/m, `  profile: ${profile}`));
  output = '';
  const prof = process.env['STORM_PROF'] ? ['--cpu-prof', '--cpu-prof-dir=/tmp/storm-prof'] : [];
  child = spawn(process.execPath, [...prof, cliPath, 'run', topology, '--nats', server.url, '--trace', path.join(tmp, 'trace.ndjson'), '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output = (output + d).slice(-20_000)));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output = (output + d).slice(-20_000)));
  exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** How a profile's valid requests look on the wire: its request subject, body, and reply. */
interface Wire {
  subject(agent: string): string;
  body(agent: string, content: string): string;
  /** The reply's status and text. */
  reply(text: string): { status: string | undefined; content: string };
}

const WIRES: Record<'seed-000' | 'seed-001', Wire> = {
  'seed-000': {
    subject: (agent) => `agents.request.${agent}`,
    body: (agent, content) => JSON.stringify(agentMessage({ from_agent: 'storm_prober', to_agent: agent, content })),
    reply: (text) => {
      const r = JSON.parse(text) as { content: string; metadata: { status?: string } };
      return { status: r.metadata.status, content: r.content };
    },
  },
  'seed-001': {
    subject: (agent) => `agent.${agent}.task`,
    body: (_agent, content) => JSON.stringify({ task_id: `probe-${Math.random().toString(36).slice(2)}`, task_type: 'chat', payload: { content, from_agent: 'storm_prober' }, priority: 'normal' }),
    reply: (text) => {
      const r = JSON.parse(text) as { status: string; result: { content?: string } | null; error: string | null };
      return { status: r.status, content: r.result?.content ?? r.error ?? '' };
    },
  },
};

/** One valid request to an agent, as any NATS client would send it; its latency and whether the right reply came. */
async function probe(wire: Wire, phase: Probe['phase'], n: number): Promise<Probe> {
  const p = PROBES[n % PROBES.length]!;
  const started = performance.now();
  try {
    const msg = await prober.request(wire.subject(p.agent), wire.body(p.agent, p.input), { timeout: 20_000 });
    const reply = wire.reply(msg.string());
    const ok = reply.status === 'completed' && p.reply.test(reply.content);
    return { phase, ms: performance.now() - started, ok, ...(!ok && { error: `${p.agent}: ${reply.content.slice(0, 200)}` }) };
  } catch (error) {
    return { phase, ms: performance.now() - started, ok: false, error: `${p.agent}: ${(error as Error).message}` };
  }
}

const figures = (probes: Probe[]) => {
  const ms = probes.map((p) => p.ms);
  const { p50Ms, p95Ms } = p50p95([...ms]);
  return `p50 ${p50Ms?.toFixed(1)} ms, p95 ${p95Ms?.toFixed(1)} ms, max ${Math.max(...ms).toFixed(1)} ms (n=${ms.length})`;
};

describe('a storm of hostile messages on every subject the agents listen on', () => {
  it.each(['seed-000', 'seed-001'] as const)('%s: keeps the run alive, records each as invalid with its reason, and answers valid requests throughout', async (profile) => {
    const wire = WIRES[profile];
    startRun(profile);
    const say = (line: string) => console.log(`[faults] message storm ${profile}: ${line}`);
    // Ready: each agent answers (the coordinator also needs the registry to know its specialists).
    for (let n = 0; n < PROBES.length; n++) await until(async () => (await probe(wire, 'before', n)).ok || !alive(), `${PROBES[n]!.agent} answering`, 30_000, 200);
    expect(alive(), output).toBe(true);

    // What the agents listen on, as the server sees it: every subscription of the run's agent
    // connections (name#instance) and of its registry; not the recorder's `>` nor our own.
    const subs = await subscriptionsOf(server.monitorUrl, (name) => name.includes('#') || name === 'switchboard-registry');
    const targets: StormTarget[] = stormTargets(subs);
    say(`targets: ${targets.map((t) => `${t.pattern}(${t.handlers})`).join(' ')}`);
    for (const p of PROBES) expect(targets.map((t) => t.pattern)).toContain(wire.subject(p.agent));
    // Subjects under the same prefixes that nobody holds.
    const held = new Set(targets.map((t) => t.subject));
    const strangers = [...new Set(targets.filter((t) => t.handlers > 0).map((t) => `${t.subject.split('.').slice(0, -1).join('.')}.nobody_here`))].filter((s) => !held.has(s));
    const maxPayload = publisher.info!.max_payload;
    const stormSubjects = new Set([...held, ...strangers]);

    const probes: Probe[] = [];
    for (let n = 0; n < 15; n++) probes.push(await probe(wire, 'before', n));
    const rssBefore = rssMb(child.pid!);
    let rssPeak = rssBefore;

    // The storm, with a valid request every PROBE_EVERY_MS and the run's memory sampled meanwhile.
    let storming = true;
    const prober$ = (async () => {
      const pending: Promise<Probe>[] = [];
      for (let n = 0; storming; n++) {
        pending.push(probe(wire, 'storm', n));
        rssPeak = Math.max(rssPeak, rssMb(child.pid!));
        await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
      }
      probes.push(...(await Promise.all(pending)));
    })();
    const started = performance.now();
    let sent = 0;
    let expectedInvalid = 0;
    const kinds = new Map<string, number>();
    for (const m of hostileMessages({ targets, total: TOTAL, maxPayload, huge: HUGE, strangers })) {
      publisher.publish(m.subject, m.data, { ...(m.reply && { reply: m.reply }), ...(m.headers && { headers: m.headers }) });
      sent++;
      expectedInvalid += m.expectInvalid;
      const kind = m.kind.replace(/[+@].*/, '');
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      // As fast as the client goes, with a flush now and then so its own buffer stays bounded.
      if (sent % 250 === 0) {
        await publisher.flush();
        if (performance.now() - started > STORM_BUDGET_MS) break;
      }
    }
    await publisher.flush();
    const stormMs = performance.now() - started;
    // Once flush() returned, the server had queued every hostile message to the agents: the
    // probes after it reach each agent behind them, so their answers mean the storm was read.
    storming = false;
    await prober$;
    for (let n = 0; n < 6; n++) probes.push(await probe(wire, 'after', n));
    rssPeak = Math.max(rssPeak, rssMb(child.pid!));
    const varz = (await (await fetch(`${server.monitorUrl}/varz`)).json()) as { slow_consumers: number };

    say(`${sent} hostile messages in ${(stormMs / 1000).toFixed(1)} s (${Math.round(sent / (stormMs / 1000))} msg/s) to ${targets.length} subjects + ${strangers.length} unheld ones; kinds: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    say(`valid requests before: ${figures(probes.filter((p) => p.phase === 'before'))}`);
    say(`valid requests during: ${figures(probes.filter((p) => p.phase === 'storm'))}`);
    say(`valid requests after: ${figures(probes.filter((p) => p.phase === 'after'))}`);
    say(`run process RSS ${rssBefore.toFixed(0)} MB before, peak ${rssPeak.toFixed(0)} MB; server slow consumers ${varz.slow_consumers}`);

    expect(sent).toBe(TOTAL);
    expect(alive(), output).toBe(true);
    expect(probes.filter((p) => !p.ok).map((p) => `${p.phase}: ${p.error}`)).toEqual([]);
    expect(probes.filter((p) => p.phase === 'storm').length).toBeGreaterThan(5);
    expect(rssPeak - rssBefore).toBeLessThan(RSS_HEADROOM_MB);

    // Stop the run as a user does; it ends cleanly and writes its trace.
    child.kill('SIGTERM');
    const end = await exited;
    expect(end, output).toEqual({ code: 0, signal: null });
    const records = readFileSync(path.join(tmp, 'trace.ndjson'), 'utf8').trim().split('\n').slice(1).map((line) => JSON.parse(line) as TraceLine);
    const invalid = records.filter((r) => r.kind === 'event' && r.name === 'message.invalid');
    const reasons = new Map<string, number>();
    for (const r of invalid) {
      const reason = String(r.payload?.['reason']).replace(/[:(].*/s, '');
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    say(`${invalid.length} message.invalid records (expected ${expectedInvalid}); reasons: ${[...reasons].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    // The recorder's tap saw every hostile message, held or not (KV updates on a watch inbox may add a few).
    const tapped = records.filter((r) => r.kind === 'message' && stormSubjects.has(r.subject ?? '') && r.parsed?.ok === false).length;
    say(`${tapped} hostile messages in the trace as bus records (sent ${sent})`);
    expect(tapped).toBeGreaterThanOrEqual(sent);
    const longest = Math.max(...invalid.map((r) => JSON.stringify(r.payload).length));
    say(`largest message.invalid record ${longest} bytes`);
    // Nothing lost to slow-consumer handling: the server would cut an agent whose pending bytes pass
    // max_pending (64 MB) and drop them; the agent reconnects in 250 ms (connect-options.ts) without
    // recording the loss, so the exact count below would fall short and this figure say why.
    expect(varz.slow_consumers).toBe(0);
    expect(invalid.length).toBe(expectedInvalid);
    for (const r of invalid) {
      expect(String(r.payload?.['reason'])).toMatch(/^(not JSON|not a valid message|nested deeper)/);
      expect(String(r.payload?.['preview']).length).toBeLessThanOrEqual(200);
    }
    expect(longest).toBeLessThan(4096);
  });
});

interface TraceLine {
  kind: 'message' | 'event';
  name?: string;
  subject?: string;
  payload?: Record<string, unknown>;
  parsed?: { ok: boolean };
}
