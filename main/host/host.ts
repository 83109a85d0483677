/**
 * The host: composes the NATS server (embedded or external) and implements every call of the
 * contract. Electron's main process and `switchboard serve` both run exactly this.
 */
import path from 'node:path';
import { RpcError, type CallHandlers, type HostInfo, type Template } from '../../preload/contract.js';
import { exportForApp } from './export-files.js';
import { TopologyFiles } from './files.js';
import { republish } from './republish.js';
import { listAgents } from './list-agents.js';
import { RunManager } from './runs.js';
import { SecretStore, type OsCipher } from './secrets.js';
import { readTemplates } from './templates.js';
import { TraceRuns } from './trace-runs.js';
import { EventBus } from './event-bus.js';
import { OpenRequests } from './open-request.js';
import { MetricsCache } from './trace/run-metrics.js';
import { TimelineCache } from './trace/timeline-cache.js';
import { CycleCache } from './trace/cycle-index.js';
import { DesignChecks } from './trace/design-checks.js';
import { RunComparisons } from './trace/compare-runs.js';
import type { NatsServerHandle } from './nats/server-handle.js';
import { startNatsServer, type NatsChoice } from './run-session-server.js';
import { getPeerCard } from './peer-card.js';

/** Options for {@link startHost}. */
export interface HostOptions {
  shell: HostInfo['shell'];
  appVersion: string;
  dataDir: string;
  /** The package root (for the bundled binary) and, in Electron, the resources path. */
  appRoot: string;
  resourcesPath?: string;
  nats: NatsChoice;
  /** The OS keychain's encryption (Electron's safeStorage); absent in browser mode and the CLI. */
  osCipher?: OsCipher;
}

/** A running host. */
export interface Host {
  readonly handlers: CallHandlers;
  readonly events: EventBus;
  readonly server: NatsServerHandle;
  /** Asks the page to open `file` (absolute): now if it is up, else when it connects (open-request.ts). */
  requestOpen(file: string): void;
  /** Stops everything the host started; safe to call twice. */
  stop(): Promise<void>;
}

/** Starts the NATS server and returns the host; rejects with a RunFailure (the reason) if it cannot. */
export async function startHost(options: HostOptions): Promise<Host> {
  const events = new EventBus();
  const { handle: server, binary } = await startNatsServer(options.nats, {
    appRoot: options.appRoot,
    dataDir: options.dataDir,
    ...(options.resourcesPath !== undefined && { resourcesPath: options.resourcesPath }),
    onStatus: (status) => events.emit('server.statusChanged', status),
  });

  const info: HostInfo = {
    appVersion: options.appVersion,
    shell: options.shell,
    platform: process.platform,
    arch: process.arch,
    nodeVersion: process.versions.node,
    dataDir: options.dataDir,
    natsBinary: binary,
  };

  const files = new TopologyFiles(options.dataDir);
  const openRequests = new OpenRequests(events);
  await files.removeLeftovers(); // what a crashed save left beside the user's files
  const secrets = new SecretStore(options.dataDir, options.osCipher ?? null);
  const runs = new RunManager(server, events, secrets, options.dataDir, options.appVersion);
  const metrics = new MetricsCache();
  const cycles = new CycleCache();
  const timelines = new TimelineCache();
  const designChecks = new DesignChecks();
  const comparisons = new RunComparisons(runs);
  const traceRuns = new TraceRuns(runs, events, options.dataDir, (runId) => (metrics.forget(runId), designChecks.forget(runId), cycles.forget(runId), comparisons.forget(runId), timelines.forget(runId)));
  let templates: Template[] | undefined;
  const handlers: CallHandlers = {
    'host.getInfo': async () => info,
    'server.getStatus': async () => ({ ...server.status(), stats: await server.stats() }),
    'server.restart': async () => {
      try {
        await server.restart();
      } catch (error) {
        throw new RpcError('failed', error instanceof Error ? error.message : String(error));
      }
      return { ...server.status(), stats: await server.stats() };
    },
    'server.getLogs': async (input) => ({ lines: server.logs(input?.afterSeq, input?.limit) }),
    'bus.listAgents': async (input) => listAgents(server, input),
    'peer.getCard': async ({ url }) => getPeerCard(url),
    'topology.listTemplates': async () => ({ templates: (templates ??= await readTemplates(path.join(options.appRoot, 'templates'))) }),
    'file.open': async ({ path: file }) => files.open(file),
    'file.save': async ({ path: file, text, expectedMtimeMs, createOnly }) => files.save(file, text, expectedMtimeMs, createOnly),
    'file.listRecent': async () => ({ paths: await files.recent() }),
    'file.autosave': async ({ key, path: file, text }) => ({ savedAt: await files.autosave(key, file, text) }),
    'file.listRecoveries': async () => ({ recoveries: await files.recoveries() }),
    'file.discardRecovery': async ({ key }) => (await files.discardRecovery(key), {}),
    'file.takeOpenRequest': async () => ({ path: openRequests.take() }),
    'topology.export': async ({ text, fileName, format, dir, clusterNodes }) => exportForApp(text, format, fileName, dir, clusterNodes),
    'run.start': async ({ text, fileName }) => runs.start(text, fileName),
    'run.replay': async ({ runId, fork }) => runs.replay(runId, fork),
    'run.stop': async () => runs.stop(),
    'run.getStatus': async () => runs.current(),
    'run.send': async ({ to, input, timeoutMs }) => runs.send(to, input, timeoutMs),
    'run.startWorkflow': async ({ workflow, input, timeoutMs }) => runs.startWorkflow(workflow, input, timeoutMs),
    'ooda.setBreakpoints': async ({ breakpoints }) => (runs.setBreakpoints(breakpoints), {}),
    'ooda.pause': async ({ agent }) => (runs.controller().pause(agent), {}),
    'ooda.continueAll': async () => (runs.controller().continueAll(), {}),
    'ooda.listPaused': async () => ({ runs: runs.current().state === 'running' ? runs.controller().paused() : [] }),
    'ooda.resume': async ({ runId, mode, replace }) => (runs.resume(runId, mode, replace), {}),
    'trace.query': async ({ runId, query, withFacts }) => runs.withStore(runId, (store) => (withFacts ? store.queryWithFacts(query) : store.query(query))),
    'trace.getRelated': async ({ runId, seq }) =>
      runs.withStore(runId, async (store) => {
        const related = await store.related(seq);
        if (!related) throw new RpcError('not_found', `Run ${runId} has no record ${seq} (it has ${store.size}).`);
        return related;
      }),
    'trace.count': async ({ runId, query }) => runs.withStore(runId, (store) => store.count(query)),
    'trace.republish': async (input) => republish(server, runs.current().state === 'running', input),
    'trace.getMetrics': async ({ runId, ...range }) => metrics.get(runId, range, runs),
    'trace.getCycles': async (input) => cycles.get(input, runs),
    'trace.getTimeline': async ({ runId, ...range }) => timelines.get(runId, range, runs),
    'trace.getPosition': async ({ runId, query, seq }) => runs.withStore(runId, (store) => store.locate(query, seq)),
    'trace.checkDesign': async ({ runId }) => runs.withStore(runId, (store) => designChecks.check(store, runs.current().state === 'running' && runs.current().runId === runId)),
    'trace.compare': async (input) => comparisons.compare(input),
    ...traceRuns.handlers(),
    'secrets.list': async (input) => (await secrets.load(), { secrets: secrets.list(input?.wanted), canStore: secrets.canStore }),
    'secrets.set': async ({ name, value }) => {
      if (!secrets.canStore) throw new RpcError('unavailable', 'No OS secret store here (the desktop app has one): set the environment variable instead.');
      await secrets.set(name, value);
      return {};
    },
    'secrets.delete': async ({ name }) => (await secrets.delete(name), {}),
  };

  let stopping: Promise<void> | null = null;
  return {
    handlers,
    events,
    server,
    requestOpen: (file) => openRequests.request(file),
    // The run first: its agents and recorder need the server to say goodbye and flush.
    stop: () => (stopping ??= runs.stop().then(() => traceRuns.close()).then(() => server.stop())),
  };
}

