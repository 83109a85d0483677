/** The run panel's store: what runs, its live trace, and the last reply; actions call the host. */
import { createStore, type StoreApi } from 'zustand';
import { breakpointOf, topologyEntryOf, type Breakpoint } from '../../../agents/protocol/breakpoint';
import type { ResumeMode } from '../../../agents/protocol/runtime-events';
import type { Topology } from '../../../agents/topology/schema';
import type { TraceRecord } from '../../../agents/trace/record';
import type { PausedRunInfo, RunStatus } from '../../../preload/contract';
import type { ApiClient } from '../api';
import { hostBreakpoints, withEnabled } from '../debugger/breakpoint-model';
import { agentStatuses, appendRecords } from '../run/run-model';
import type { DesignStore } from './design-store';
import type { DocumentStore } from './document-store';
import { storeHook } from './stores-context';

/** Run state and actions. */
export interface RunStore {
  status: RunStatus | null;
  records: TraceRecord[];
  /** Records the panel fell behind on (they are in the store; the list shows the newest). */
  skipped: number;
  reply: { to: string; content: string; failed: boolean } | null;
  /** Runs waiting at a breakpoint or a step (since `pausedAt`, for `reason`). */
  paused: PausedRunInfo[];
  /** Every breakpoint of the open topology (its agents' `breakpoints`), with conditions. */
  breakpoints: Breakpoint[];
  /** Breakpoints switched off for now (their keys, debugger/breakpoint-model.ts): listed, not sent to the host. */
  breakpointsOff: string[];
  /** Switches a breakpoint on or off for this session. */
  enableBreakpoint(key: string, enabled: boolean): void;
  busy: boolean;
  error: string | null;
  /** Starts following the host's run events; returns the function that stops it. */
  connect(): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
  send(to: string, input: string): Promise<void>;
  /** Starts a durable workflow of the running topology and shows how it ended (its steps are in the trace). */
  startWorkflow(workflow: string, input: string): Promise<void>;
  /** Lets a paused run go on (`stepOver`: to the next Observe of that run); before Act, `replace` is the edited decision. */
  resume(runId: string, mode: ResumeMode, replace?: unknown): Promise<void>;
  /** Stops an agent before its next phase. */
  pause(agent: string): Promise<void>;
  /** Stops every agent of the running topology before its next phase. */
  pauseAll(): Promise<void>;
  /** Resumes every paused run and drops pause requests (breakpoints stay). */
  continueAll(): Promise<void>;
  /** Replaces the topology's breakpoints with `list` (one undoable edit, saved with the file; a running topology gets them at once). */
  setBreakpoints(list: readonly Breakpoint[]): void;
}

/** Every breakpoint of `topology`, agent by agent. */
const breakpointsOf = (topology: Topology | null): Breakpoint[] => topology?.spec.agents.flatMap((a) => a.breakpoints.map((entry) => breakpointOf(a.name, entry))) ?? [];

/** `topology` with each agent's breakpoints taken from `list` (breakpoints of agents it does not have are dropped). */
const withBreakpoints = (topology: Topology, list: readonly Breakpoint[]): Topology => ({
  ...topology,
  spec: { ...topology.spec, agents: topology.spec.agents.map((a) => ({ ...a, breakpoints: list.filter((b) => b.agent === a.name).map(topologyEntryOf) })) },
});

/** The stores the run store reads (the document it runs) and writes (the canvas's status dots). */
interface RunStoreDeps {
  document: StoreApi<DocumentStore>;
  design: StoreApi<DesignStore>;
}

/** Creates the run store, talking to the host through `client`. */
export function createRunStore(client: ApiClient, { document, design }: RunStoreDeps): StoreApi<RunStore> {
  return createStore<RunStore>()((set, get, store) => {
    /** Keeps the canvas's status dots in step with the run. */
    const showStatus = () => design.getState().setAgentStatus(agentStatuses(get().status, get().records));
    const attempt = async (work: () => Promise<void>) => {
      set({ busy: true, error: null });
      try {
        await work();
      } catch (error) {
        set({ error: error instanceof Error ? error.message : String(error) });
      } finally {
        set({ busy: false });
      }
    };

    document.subscribe((doc, before) => {
      if (doc.topology !== before.topology) set({ breakpoints: breakpointsOf(doc.topology) });
    });

    return {
      status: null,
      records: [],
      skipped: 0,
      reply: null,
      paused: [],
      breakpoints: breakpointsOf(document.getState().topology),
      breakpointsOff: [],
      busy: false,
      error: null,

      connect() {
        const offStatus = client.on('run.statusChanged', (status) => {
          // A new run (its id first appears while starting) begins with an empty list.
          const fresh = status.runId !== null && status.runId !== get().status?.runId && status.state === 'starting';
          set(fresh ? { status, records: [], skipped: 0, reply: null } : { status });
          showStatus();
        });
        const offTrace = client.on('trace.appended', (batch) => {
          if (batch.runId !== get().status?.runId) return;
          set((s) => ({ records: appendRecords(s.records, batch.records), skipped: s.skipped + (batch.skipped?.count ?? 0) }));
          showStatus();
        });
        const offPaused = client.on('ooda.pausedChanged', ({ runs }) => set({ paused: runs }));
        // While a topology runs, breakpoints changed or switched off in the debugger take effect at
        // once; a run starts with all of its topology's, so one switched off is sent as it starts.
        let sentBreakpoints = '';
        const sendBreakpoints = () => {
          if (get().status?.state !== 'running') return;
          const breakpoints = hostBreakpoints(get().breakpoints, get().breakpointsOff);
          const key = JSON.stringify(breakpoints);
          if (key === sentBreakpoints) return;
          sentBreakpoints = key;
          void client.call('ooda.setBreakpoints', { breakpoints }).catch((error: unknown) => set({ error: error instanceof Error ? error.message : String(error) }));
        };
        const offBreakpoints = store.subscribe((s, before) => {
          if (s.status?.state === 'running' && before.status?.state !== 'running') sentBreakpoints = JSON.stringify(s.breakpoints);
          if (s.breakpoints !== before.breakpoints || s.breakpointsOff !== before.breakpointsOff || s.status?.state !== before.status?.state) sendBreakpoints();
        });
        const offConnection = client.transport.onConnection((state) => {
          if (state === 'open') void client.call('run.getStatus').then((status) => set({ status }), () => undefined);
        });
        return () => {
          offStatus();
          offTrace();
          offPaused();
          offBreakpoints();
          offConnection();
        };
      },

      start: () =>
        attempt(async () => {
          const doc = document.getState();
          const status = await client.call('run.start', { text: doc.text(), ...(doc.path && { fileName: doc.path }) });
          set({ status });
          showStatus();
        }),

      stop: () =>
        attempt(async () => {
          set({ status: await client.call('run.stop') });
          showStatus();
        }),

      resume: (runId, mode, replace) =>
        attempt(async () => {
          await client.call('ooda.resume', { runId, mode, ...(replace !== undefined && { replace }) });
        }),

      pause: (agent) =>
        attempt(async () => {
          await client.call('ooda.pause', { agent });
        }),

      pauseAll: () =>
        attempt(async () => {
          await client.call('ooda.pause', {});
        }),

      continueAll: () =>
        attempt(async () => {
          await client.call('ooda.continueAll');
        }),

      enableBreakpoint: (key, enabled) => set((s) => ({ breakpointsOff: withEnabled(s.breakpointsOff, key, enabled) })),

      setBreakpoints(list) {
        if (!document.getState().topology) return;
        document.getState().edit('Breakpoints', (topology) => withBreakpoints(topology, list));
      },

      startWorkflow: (workflow, input) =>
        attempt(async () => {
          const to = `workflow ${workflow}`;
          try {
            const ended = await client.call('run.startWorkflow', { workflow, input });
            const failed = ended.status === 'failed';
            set({ reply: { to: `${to} ${ended.workflowId}`, content: failed ? `failed: ${ended.reason ?? 'no reason given'}` : (ended.result ?? ''), failed } });
          } catch (error) {
            set({ reply: { to, content: error instanceof Error ? error.message : String(error), failed: true } });
          }
        }),

      send: (to, input) =>
        attempt(async () => {
          try {
            const reply = await client.call('run.send', { to, input });
            set({ reply: { to, content: reply.content, failed: false } });
          } catch (error) {
            set({ reply: { to, content: error instanceof Error ? error.message : String(error), failed: true } });
          }
        }),
    };
  });
}

/** The run store's hook (see {@link storeHook}). */
export const useRunStore = storeHook('run');
