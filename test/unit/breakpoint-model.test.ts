// The debugger's breakpoint rules (renderer/src/debugger/breakpoint-model.ts): the gutter dot's
// toggle and look, phases on and off, conditional entries edited in place, switched off for now;
// and the run store sending the host only the enabled ones while a topology runs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Breakpoint } from '../../agents/protocol/breakpoint.js';
import { createRpcDispatcher } from '../../main/bridge/rpc.js';
import { ApiClient, type Transport } from '../../renderer/src/api.js';
import { breakpointKey, breakpointRows, dotState, hostBreakpoints, toggled, withEnabled, withEntry, withPhase } from '../../renderer/src/debugger/breakpoint-model.js';
import { createStores } from '../../renderer/src/stores/stores.js';
import { fakeHandlers } from '../helpers/host-fixtures.js';

const tool: Breakpoint = { agent: 'weather_bot', phase: 'act', condition: { kind: 'tool', name: 'get_current_weather' } };
const decide: Breakpoint = { agent: 'weather_bot', phase: 'decide' };

describe('breakpoint rules', () => {
  it('a gutter click sets a breakpoint before Decide, the next one clears the plain ones and keeps conditions', () => {
    const once = toggled([tool], 'weather_bot');
    expect(once).toEqual([tool, decide]);
    expect(dotState(once, [], 'weather_bot')).toBe('plain');
    const twice = toggled(once, 'weather_bot');
    expect(twice).toEqual([tool]);
    expect(dotState(twice, [], 'weather_bot')).toBe('conditional');
    expect(dotState(twice, [], 'task_coordinator')).toBe('none');
    expect(dotState(twice, [breakpointKey(tool)], 'weather_bot')).toBe('disabled');
  });

  it('phases go on and off without touching conditions or other agents', () => {
    const other: Breakpoint = { agent: 'task_coordinator', phase: 'observe' };
    const list = withPhase([other, tool], 'weather_bot', 'orient', true);
    expect(list).toEqual([other, tool, { agent: 'weather_bot', phase: 'orient' }]);
    expect(withPhase(list, 'weather_bot', 'orient', false)).toEqual([other, tool]);
    expect(withPhase(list, 'weather_bot', 'act', false)).toEqual(list); // the conditional one before act stays
  });

  it('a conditional entry is replaced in place, removed, or appended', () => {
    const edited: Breakpoint = { ...tool, condition: { kind: 'tool', name: 'other_tool' } };
    expect(withEntry([decide, tool], 1, edited)).toEqual([decide, edited]);
    expect(withEntry([decide, tool], 0, null)).toEqual([tool]);
    expect(withEntry([decide], -1, tool)).toEqual([decide, tool]);
  });

  it('one switched off is listed but not sent; switched on again it is', () => {
    const off = withEnabled([], breakpointKey(tool), false);
    expect(breakpointRows([decide, tool], off).map((r) => r.enabled)).toEqual([true, false]);
    expect(hostBreakpoints([decide, tool], off)).toEqual([decide]);
    expect(hostBreakpoints([decide, tool], withEnabled(off, breakpointKey(tool), true))).toEqual([decide, tool]);
    // Keys tell conditions apart.
    expect(breakpointKey(tool)).not.toBe(breakpointKey({ ...tool, condition: { kind: 'tool', name: 'x' } }));
  });

  it('the run store sends the host the enabled breakpoints while a topology runs', () => {
    const handlers = fakeHandlers();
    const dispatch = createRpcDispatcher(handlers);
    const transport: Transport = { call: (method, input) => dispatch(method, input), on: () => () => undefined, onConnection: () => () => undefined };
    const stores = createStores(new ApiClient(transport));
    stores.document.getState().open(readFileSync('templates/seed-000-trio.yaml', 'utf8'), { path: null });
    const run = stores.run;
    const stop = run.getState().connect();
    run.setState({ status: { state: 'running', runId: 'r1', topology: null, agents: [{ name: 'weather_bot', instances: 1 }], startedAt: null, error: null } });

    run.getState().setBreakpoints([decide, tool]);
    expect(handlers['ooda.setBreakpoints']).toHaveBeenLastCalledWith({ breakpoints: [decide, tool] });
    run.getState().enableBreakpoint(breakpointKey(tool), false);
    expect(handlers['ooda.setBreakpoints']).toHaveBeenLastCalledWith({ breakpoints: [decide] });
    // Still in the topology (saved with the file), only switched off.
    expect(run.getState().breakpoints).toEqual([decide, tool]);
    stop();
  });
});
