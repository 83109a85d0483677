// The debugger through the host's contract on a real nats-server: the seed-000 trio on the scripted
// provider with a conditional breakpoint saved in its topology (stops only when the tool is about
// to be called, while another agent keeps answering), a refused edit, step over to the next
// Observe, a failed reply, pause all / continue all, a message condition, and a condition refused
// where it cannot be evaluated.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../main/host/host.js';
import { calls, type PausedRunInfo } from '../../preload/contract.js';
import { repoRoot } from '../helpers/nats-binary.js';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.js';

let host: Host;
let dataDir: string;
let trio: string;
beforeAll(async () => {
  dataDir = await makeTempDir('ooda-breakpoints');
  host = await startHost({ shell: 'headless', appVersion: '0.0.0-test', appRoot: repoRoot, dataDir, nats: { mode: 'embedded' } });
  trio = await readFile(path.join(repoRoot, 'templates/seed-000-trio.yaml'), 'utf8');
});
afterEach(async () => {
  await host.handlers['run.stop'](undefined);
});
afterAll(async () => {
  await host.stop();
  await removeTempDir(dataDir);
});

/** The trio with `yaml` (indented list lines) as weather_bot's breakpoints. */
const trioWith = (yaml: string) => {
  const text = trio.replace('    - name: weather_bot\n', `    - name: weather_bot\n      breakpoints:\n${yaml}`);
  expect(text).not.toBe(trio);
  return text;
};

/** Every pause the host announces, in order (a run counted once per stop). */
function recordPauses(): { stops: PausedRunInfo[]; off: () => void } {
  const stops: PausedRunInfo[] = [];
  const seen = new Set<string>();
  const off = host.events.on('ooda.pausedChanged', ({ runs }) => {
    for (const run of runs) {
      const key = `${run.runId}/${run.turn}/${run.phase}/${run.pausedAt}`;
      if (seen.has(key)) continue;
      seen.add(key);
      stops.push(run);
    }
  });
  return { stops, off };
}

/** Resolves with the paused runs once `ready` holds for them. */
const pausedWhen = (ready: (runs: PausedRunInfo[]) => boolean) =>
  new Promise<PausedRunInfo[]>((resolve) => {
    const off = host.events.on('ooda.pausedChanged', ({ runs }) => {
      if (!ready(runs)) return;
      off();
      resolve(runs);
    });
  });

const send = (to: string, input: string) => host.handlers['run.send']({ to, input });
const WEATHER_PARIS = 'Weather-Bot: It is 18°C and partly cloudy in Paris.';

describe('breakpoints and stepping in a running topology', () => {
  it('a tool condition saved in the topology stops only before that tool is called; other agents keep answering; a bad edit is refused', async () => {
    const h = host.handlers;
    const pauses = recordPauses();
    await h['run.start']({ text: trioWith('        - phase: act\n          condition: { kind: tool, name: get_current_weather }\n'), fileName: 'trio.yaml' });

    // No tool call in the decision: no stop.
    expect((await send('weather_bot', 'hi there')).content).toMatch(/^Weather-Bot: which city\?/);
    expect(pauses.stops).toEqual([]);

    const weather = send('task_coordinator', "What's the weather in Paris?");
    const [stopped] = await pausedWhen((runs) => runs.length === 1);
    expect(stopped).toMatchObject({ agent: 'weather_bot', phase: 'act', turn: 1, reason: 'condition', detail: 'tool get_current_weather' });
    expect(new Date(stopped!.pausedAt).toISOString()).toBe(stopped!.pausedAt);
    expect(stopped!.payload).toMatchObject({ toolCalls: [{ name: 'get_current_weather', arguments: { city: 'Paris' } }] });

    // While weather_bot waits, the general assistant answers.
    expect((await send('general_assistant', 'hello')).content).toMatch(/^General-Assistant: Hello!/);

    // An invalid decision is refused with the reason; the run stays paused.
    await expect(h['ooda.resume']({ runId: stopped!.runId, mode: 'continue', replace: { text: 42 } })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/text/) });
    expect((await h['ooda.listPaused'](undefined)).runs.map((r) => r.runId)).toEqual([stopped!.runId]);

    await h['ooda.resume']({ runId: stopped!.runId, mode: 'continue' });
    expect((await weather).content).toBe(WEATHER_PARIS);
    // Its second turn (the reply, no tool) did not stop, nor did the coordinator's request_agent.
    expect(pauses.stops.map((s) => `${s.agent}:${s.phase}:${s.turn}`)).toEqual(['weather_bot:act:1']);
    pauses.off();
  });

  it('step over runs the rest of the cycle and stops before the next Observe of the same run', async () => {
    const h = host.handlers;
    const pauses = recordPauses();
    await h['run.start']({ text: trioWith('        - decide\n'), fileName: 'trio.yaml' });
    const weather = send('weather_bot', "What's the weather in Rome?");
    const [atDecide] = await pausedWhen((runs) => runs.length === 1);
    expect(atDecide).toMatchObject({ agent: 'weather_bot', phase: 'decide', turn: 1, reason: 'breakpoint', detail: null });
    await h['ooda.setBreakpoints']({ breakpoints: [] });

    const next = pausedWhen((runs) => runs.length === 1);
    await h['ooda.resume']({ runId: atDecide!.runId, mode: 'stepOver' });
    const [atObserve] = await next;
    expect(atObserve).toMatchObject({ runId: atDecide!.runId, agent: 'weather_bot', phase: 'observe', turn: 2, reason: 'step', detail: 'step over' });
    expect(atObserve!.payload).toMatchObject({ toolResults: [{ name: 'get_current_weather', isError: false }] });

    // Over the last cycle: the run replies and ends, nothing left to stop at.
    await h['ooda.resume']({ runId: atObserve!.runId, mode: 'stepOver' });
    expect((await weather).content).toBe('Weather-Bot: It is 18°C and partly cloudy in Rome.');
    expect(pauses.stops.map((s) => `${s.phase}:${s.turn}`)).toEqual(['decide:1', 'observe:2']);
    expect((await h['ooda.listPaused'](undefined)).runs).toEqual([]);
    pauses.off();
  });

  it('a failedReply condition stops the Observe that sees a failed answer, not one that sees a good one', async () => {
    const h = host.handlers;
    const pauses = recordPauses();
    // weather_bot may take one turn: it needs two for the weather, so its reply to the coordinator fails.
    const text = trio
      .replace('    - name: task_coordinator\n', '    - name: task_coordinator\n      breakpoints:\n        - phase: observe\n          condition: { kind: failedReply }\n')
      .replace('    - name: weather_bot\n', '    - name: weather_bot\n      budget: { maxTurns: 1 }\n');
    await h['run.start']({ text, fileName: 'trio.yaml' });
    expect((await send('task_coordinator', 'hello')).content).toMatch(/^General-Assistant: Hello!/);
    expect(pauses.stops).toEqual([]);

    const weather = send('task_coordinator', "What's the weather in Paris?");
    const [stopped] = await pausedWhen((runs) => runs.length === 1);
    expect(stopped).toMatchObject({ agent: 'task_coordinator', phase: 'observe', turn: 2, reason: 'condition', detail: expect.stringMatching(/^failed result of request_agent: .*max_turns/) });
    expect(stopped!.payload).toMatchObject({ toolResults: [{ name: 'request_agent', isError: true }] });
    await h['ooda.continueAll'](undefined);
    await weather.catch(() => undefined); // the coordinator answers what the model makes of the failure
    expect(pauses.stops).toHaveLength(1);
    pauses.off();
  });

  it('pause all stops every agent, continue all releases them; message conditions keep stopping until removed; a bad condition is refused', async () => {
    const h = host.handlers;
    await h['run.start']({ text: trio, fileName: 'trio.yaml' });
    await h['ooda.pause']({});
    const both = pausedWhen((runs) => runs.length === 2);
    const weather = send('task_coordinator', "What's the weather in Paris?");
    const hello = send('general_assistant', 'hello');
    const paused = await both;
    expect(paused.map((r) => [r.agent, r.phase, r.reason, r.detail]).sort()).toEqual([
      ['general_assistant', 'observe', 'pause', 'pause all'],
      ['task_coordinator', 'observe', 'pause', 'pause all'],
    ]);
    await h['ooda.continueAll'](undefined);
    expect((await weather).content).toBe(WEATHER_PARIS); // weather_bot did not stop: continue all dropped the pause
    expect((await hello).content).toMatch(/^General-Assistant: Hello!/);

    await h['ooda.setBreakpoints']({ breakpoints: [{ agent: 'weather_bot', phase: 'observe', condition: { kind: 'message', subject: 'agents.request.*', text: 'ROME' } }] });
    expect((await send('task_coordinator', "What's the weather in Paris?")).content).toBe(WEATHER_PARIS);
    for (let i = 0; i < 2; i++) {
      const first = pausedWhen((runs) => runs.length === 1);
      const rome = send('task_coordinator', "What's the weather in Rome?");
      expect((await first)[0]).toMatchObject({ agent: 'weather_bot', phase: 'observe', turn: 1, reason: 'condition', detail: "message on agents.request.weather_bot matches 'ROME'" });
      // The condition holds for the whole run: its next Observe (the tool's result) stops too.
      const second = pausedWhen((runs) => runs.length === 1);
      await h['ooda.continueAll'](undefined);
      expect((await second)[0]).toMatchObject({ agent: 'weather_bot', phase: 'observe', turn: 2, reason: 'condition' });
      await h['ooda.continueAll'](undefined); // keeps the breakpoint: the second Rome stops too
      expect((await rome).content).toBe('Weather-Bot: It is 18°C and partly cloudy in Rome.');
    }

    // Refused by the contract's schema and by the host alike, with the reason; the breakpoints in effect stay.
    const bad = { breakpoints: [{ agent: 'weather_bot', phase: 'observe' as const, condition: { kind: 'tool' as const, name: 'get_current_weather' } }] };
    const parsed = calls['ooda.setBreakpoints'].input.safeParse(bad);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe('weather_bot before observe: A tool condition can only break before act (the tools a decision calls are known only before Act), not before observe.');
    await expect(h['ooda.setBreakpoints'](bad)).rejects.toMatchObject({ code: 'invalid_input', message: parsed.error?.issues[0]?.message });
    const stop = pausedWhen((runs) => runs.length === 1);
    const rome = send('task_coordinator', "What's the weather in Rome?");
    expect((await stop)[0]?.reason).toBe('condition');
    await h['ooda.setBreakpoints']({ breakpoints: [] });
    await h['ooda.continueAll'](undefined);
    expect((await rome).content).toContain('Rome');
  });
});
