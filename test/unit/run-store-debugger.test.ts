// The run store's debugger actions over the contract's dispatcher and the host mocks: breakpoints
// (with conditions) live in the topology document — one undoable edit, saved with the file — and
// pause all, continue all and step over reach the host as the contract says.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Breakpoint } from '../../agents/protocol/breakpoint.js';
import { loadTopology } from '../../agents/topology/load.js';
import { createRpcDispatcher } from '../../main/bridge/rpc.js';
import { ApiClient, type Transport } from '../../renderer/src/api.js';
import { createStores } from '../../renderer/src/stores/stores.js';
import { fakeHandlers } from '../helpers/host-fixtures.js';

const trio = readFileSync('templates/seed-000-trio.yaml', 'utf8');

/** The stores over the host mocks, every call validated by the contract as the bridges do. */
function storesOverMocks() {
  const handlers = fakeHandlers();
  const dispatch = createRpcDispatcher(handlers);
  const transport: Transport = { call: (method, input) => dispatch(method, input), on: () => () => undefined, onConnection: () => () => undefined };
  const stores = createStores(new ApiClient(transport));
  stores.document.getState().open(trio, { path: null });
  return { handlers, ...stores };
}

const toolCondition: Breakpoint = { agent: 'weather_bot', phase: 'act', condition: { kind: 'tool', name: 'get_current_weather' } };

describe('the run store’s debugger actions', () => {
  it('keeps breakpoints with conditions in the topology: one undoable edit, saved with the file', () => {
    const { run, document } = storesOverMocks();
    expect(run.getState().breakpoints).toEqual([]);
    run.getState().setBreakpoints([{ agent: 'task_coordinator', phase: 'decide' }, toolCondition, { agent: 'ghost', phase: 'act' }]);

    // Topology order, the agent nobody has dropped.
    expect(run.getState().breakpoints).toEqual([{ agent: 'task_coordinator', phase: 'decide' }, toolCondition]);
    const agents = document.getState().topology!.spec.agents;
    expect(agents.find((a) => a.name === 'weather_bot')!.breakpoints).toEqual([{ phase: 'act', condition: { kind: 'tool', name: 'get_current_weather' } }]);
    expect(agents.find((a) => a.name === 'task_coordinator')!.breakpoints).toEqual(['decide']);

    // The saved text reads back to the same breakpoints.
    const saved = loadTopology(document.getState().text(), 'trio.yaml');
    expect(saved.problems).toEqual([]);
    expect(saved.topology!.spec.agents.find((a) => a.name === 'weather_bot')!.breakpoints).toEqual([{ phase: 'act', condition: { kind: 'tool', name: 'get_current_weather' } }]);

    document.getState().undo();
    expect(run.getState().breakpoints).toEqual([]);
  });

  it('a condition the runtime cannot evaluate is a problem of the topology, with the reason', () => {
    const text = trio.replace('    - name: weather_bot\n', '    - name: weather_bot\n      breakpoints:\n        - phase: observe\n          condition: { kind: tool, name: get_current_weather }\n');
    const loaded = loadTopology(text, 'trio.yaml');
    expect(loaded.topology).toBeNull();
    expect(loaded.problems.map((p) => p.message).join('\n')).toContain('A tool condition can only break before act');
  });

  it('warns of a tool condition on a tool the agent does not list (a typo, most likely)', () => {
    const typo = trio.replace('    - name: weather_bot\n', '    - name: weather_bot\n      breakpoints:\n        - phase: act\n          condition: { kind: tool, name: get_wether }\n');
    const loaded = loadTopology(typo, 'trio.yaml');
    expect(loaded.topology).not.toBeNull();
    expect(loaded.problems).toEqual([
      expect.objectContaining({ severity: 'warning', message: 'Breaks when weather_bot is about to call "get_wether", which is not among its tools (get_current_weather): it stops only if the model calls it anyway.' }),
    ]);
    expect(loadTopology(typo.replace('get_wether', 'get_current_weather'), 'trio.yaml').problems).toEqual([]);
  });

  it('pause all, continue all and step over reach the host', async () => {
    const { run, handlers } = storesOverMocks();
    await run.getState().pauseAll();
    expect(handlers['ooda.pause']).toHaveBeenCalledWith({});
    await run.getState().continueAll();
    expect(handlers['ooda.continueAll']).toHaveBeenCalledTimes(1);
    await run.getState().resume('run-7', 'stepOver');
    expect(handlers['ooda.resume']).toHaveBeenCalledWith({ runId: 'run-7', mode: 'stepOver' });
    await run.getState().pause('weather_bot');
    expect(handlers['ooda.pause']).toHaveBeenLastCalledWith({ agent: 'weather_bot' });
    expect(run.getState().error).toBeNull();
  });
});
