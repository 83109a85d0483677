/** Contract-valid sample values and fake host handlers shared by the RPC and bridge tests. */
import { vi } from 'vitest';
import { EventBus, type EventListener } from '../../main/host/event-bus.js';
import { RpcError, type CallHandlers, type EventName, type HostInfo, type ServerStatus } from '../../preload/contract.js';

/** A running embedded server's status, with overrides. */
export const sampleStatus = (over: Partial<ServerStatus> = {}): ServerStatus => ({
  mode: 'embedded',
  state: 'running',
  version: '2.9.10',
  clientUrl: 'nats://127.0.0.1:4222',
  monitorUrl: 'http://127.0.0.1:8222',
  pid: 42,
  readyAt: '2026-01-01T00:00:00.000Z',
  restarts: 0,
  lastError: null,
  stats: null,
  ...over,
});

/** Host facts, with overrides. */
export const sampleHostInfo = (over: Partial<HostInfo> = {}): HostInfo => ({
  appVersion: '0.1.0',
  shell: 'headless',
  platform: 'linux',
  arch: 'x64',
  nodeVersion: 'v20.19.0',
  dataDir: '/tmp/switchboard',
  natsBinary: '/usr/sbin/nats-server',
  ...over,
});

const idleRun = { state: 'idle' as const, runId: null, topology: null, agents: [], startedAt: null, error: null };

/** A full set of valid handlers, each a spy; `server.getLogs` returns one line after `afterSeq`. */
export function fakeHandlers(status: ServerStatus = sampleStatus()) {
  return {
    'host.getInfo': vi.fn<CallHandlers['host.getInfo']>(async () => sampleHostInfo()),
    'server.getStatus': vi.fn<CallHandlers['server.getStatus']>(async () => status),
    'server.restart': vi.fn<CallHandlers['server.restart']>(async () => status),
    'server.getLogs': vi.fn<CallHandlers['server.getLogs']>(async (input) => ({
      lines: [{ seq: (input?.afterSeq ?? 0) + 1, time: '2026-01-01T00:00:00.000Z', source: 'stdout' as const, text: 'hello' }],
    })),
    'bus.listAgents': vi.fn<CallHandlers['bus.listAgents']>(async () => ({ agents: [] })),
    'peer.getCard': vi.fn<CallHandlers['peer.getCard']>(async ({ url }) => ({
      card: { cardUrl: url, name: 'echo', description: '', version: '1.0.0', endpoint: { url, binding: 'JSONRPC', protocolVersion: '1.0' }, streaming: false, skills: [] },
    })),
    'topology.listTemplates': vi.fn<CallHandlers['topology.listTemplates']>(async () => ({ templates: [] })),
    'file.open': vi.fn<CallHandlers['file.open']>(async ({ path }) => ({ path, text: '', mtimeMs: 0 })),
    'file.save': vi.fn<CallHandlers['file.save']>(async ({ path, text }) => ({ path, text, mtimeMs: 0 })),
    'file.listRecent': vi.fn<CallHandlers['file.listRecent']>(async () => ({ paths: [] })),
    'file.autosave': vi.fn<CallHandlers['file.autosave']>(async () => ({ savedAt: '2026-01-01T00:00:00.000Z' })),
    'file.listRecoveries': vi.fn<CallHandlers['file.listRecoveries']>(async () => ({ recoveries: [] })),
    'file.discardRecovery': vi.fn<CallHandlers['file.discardRecovery']>(async () => ({})),
    'file.takeOpenRequest': vi.fn<CallHandlers['file.takeOpenRequest']>(async () => ({ path: null })),
    'topology.export': vi.fn<CallHandlers['topology.export']>(async () => ({ files: [], writtenTo: null })),
    'run.start': vi.fn<CallHandlers['run.start']>(async () => idleRun),
    'run.replay': vi.fn<CallHandlers['run.replay']>(async ({ runId, fork }) => ({ ...idleRun, state: 'running' as const, runId: 'run-replay', replay: { of: runId, fork: fork ? { agent: fork.agent, turn: fork.turn } : null, state: 'replaying' as const, divergence: null } })),
    'run.stop': vi.fn<CallHandlers['run.stop']>(async () => idleRun),
    'run.getStatus': vi.fn<CallHandlers['run.getStatus']>(async () => idleRun),
    'run.send': vi.fn<CallHandlers['run.send']>(async () => ({ content: 'ok', metadata: {} })),
    'run.startWorkflow': vi.fn<CallHandlers['run.startWorkflow']>(async () => ({ workflowId: 'wf-1', status: 'finished', result: 'ok', reason: null })),
    'ooda.setBreakpoints': vi.fn<CallHandlers['ooda.setBreakpoints']>(async () => ({})),
    'ooda.pause': vi.fn<CallHandlers['ooda.pause']>(async () => ({})),
    'ooda.continueAll': vi.fn<CallHandlers['ooda.continueAll']>(async () => ({})),
    'ooda.listPaused': vi.fn<CallHandlers['ooda.listPaused']>(async () => ({ runs: [] })),
    'ooda.resume': vi.fn<CallHandlers['ooda.resume']>(async () => ({})),
    'trace.listRuns': vi.fn<CallHandlers['trace.listRuns']>(async () => ({ runs: [] })),
    'trace.query': vi.fn<CallHandlers['trace.query']>(async () => ({ records: [], hasMore: false, total: 0, offset: null })),
    'trace.getPosition': vi.fn<CallHandlers['trace.getPosition']>(async () => ({ position: 0, matches: false, total: 0 })),
    'trace.getRelated': vi.fn<CallHandlers['trace.getRelated']>(async ({ seq }) => {
      throw new RpcError('not_found', `No record ${seq}.`);
    }),
    'trace.getTimeline': vi.fn<CallHandlers['trace.getTimeline']>(async () => ({ from: null, to: null, lanes: [], spans: [], messages: [], total: 0, truncated: false })),
    'trace.getCycles': vi.fn<CallHandlers['trace.getCycles']>(async ({ runId }) => ({ runId, records: 0, agents: [] })),
    'trace.republish': vi.fn<CallHandlers['trace.republish']>(async ({ subject, payload, request }) => ({ subject, reply: request ? '_INBOX_switchboard_workbench.1' : null, bytes: new TextEncoder().encode(payload).length })),
    'trace.count': vi.fn<CallHandlers['trace.count']>(async () => ({ records: 0, messages: 0, events: 0, subjects: {}, agents: {}, types: {}, hiddenInfrastructure: 0, exact: true })),
    'trace.checkDesign': vi.fn<CallHandlers['trace.checkDesign']>(async ({ runId }) => ({ runId, designed: false, seen: 0, total: 0, edges: [], undeclaredSubjects: [], undeclaredFlows: [], noResponder: [], totals: { undeclaredSubjects: 0, undeclaredFlows: 0, noResponder: 0 } })),
    'trace.openRun': vi.fn<CallHandlers['trace.openRun']>(async ({ runId }) => ({ runId, startedAt: '2026-01-01T00:00:00.000Z', topology: null, records: 0, bytes: 0, live: false, topologyText: null })),
    'trace.getMetrics': vi.fn<CallHandlers['trace.getMetrics']>(async ({ runId }) => ({ runId, live: false, records: 0, from: null, to: null, bucketMs: 1000, times: [], agents: {}, system: { activeAgents: [], endToEnd: { count: 0, p50Ms: null, p95Ms: null, series: { count: [], p50Ms: [], p95Ms: [] } }, tasks: { completed: 0, failed: 0, rate: null, series: { completed: [], failed: [] } }, errors: { total: 0, byKind: {}, series: {} } } })),
    'trace.compare': vi.fn<CallHandlers['trace.compare']>(async ({ a, b, offset }) => ({ summary: { a: { runId: a, messages: 0 }, b: { runId: b, messages: 0 }, same: 0, changed: 0, onlyA: 0, onlyB: 0 }, firstDivergence: null, total: 0, offset: offset ?? 0, rows: [] })),
    'trace.import': vi.fn<CallHandlers['trace.import']>(async () => ({ runId: 'r', startedAt: '2026-01-01T00:00:00.000Z', topology: null, records: 0 })),
    'trace.export': vi.fn<CallHandlers['trace.export']>(async ({ path }) => ({ path: path ?? null, text: path ? null : '' })),
    'trace.delete': vi.fn<CallHandlers['trace.delete']>(async () => ({})),
    'trace.cancel': vi.fn<CallHandlers['trace.cancel']>(async () => ({ cancelled: false })),
    'secrets.list': vi.fn<CallHandlers['secrets.list']>(async () => ({ secrets: [], canStore: false })),
    'secrets.set': vi.fn<CallHandlers['secrets.set']>(async () => ({})),
    'secrets.delete': vi.fn<CallHandlers['secrets.delete']>(async () => ({})),
  } satisfies CallHandlers;
}

/** An EventBus that counts its live listeners, to see that unsubscribing really happens. */
export class CountingEventBus extends EventBus {
  active = 0;
  override on<E extends EventName>(name: E, listener: EventListener<E>): () => void {
    const off = super.on(name, listener);
    this.active++;
    let done = false;
    return () => {
      if (!done) this.active--;
      done = true;
      off();
    };
  }
}
