/**
 * The cycle inspector's store: `trace.getCycles` for the run the Trace view shows (the agents with
 * their run counts, then one agent's page of OODA runs; polled once a second while that run is
 * live and the tab shows), the selected agent, run, turn and phase (the agent and run shared with
 * the debug store's focus, so the trace explorer can point here), the selected phase's records
 * (`trace.query` by seq), "Show in trace", and "Fork from here" (`run.replay` with `fork`; the
 * Trace view then follows the fork, and the replay notice offers the comparison).
 */
import { createStore, type StoreApi } from 'zustand';
import type { OodaPhase } from '../../../agents/protocol/runtime-events';
import type { AgentCycles } from '../../../agents/trace/cycles';
import type { TraceRecord } from '../../../agents/trace/record';
import type { ApiClient } from '../api';
import { decisionOf, locateSeq, NO_SELECTION, parseDecision, phaseSeqs, type CycleSelection } from '../debugger/cycle-model';
import type { DebugStore } from './debug-store';
import { livePoll } from './live-poll';
import { oneAtATime } from '../lib/one-at-a-time';
import { storeHook } from './stores-context';
import type { TraceStore } from './trace-store';
import type { ViewStore } from './view-store';

/** A fork being edited: the turn it starts from and the decision's text. */
export interface ForkDraft {
  agent: string;
  /** The agent's N-th decision (what `run.replay`'s `fork.turn` names). */
  decision: number;
  oodaRun: string;
  turn: number;
  /** The recorded decision, as JSON (the editor starts from it). */
  initial: string;
  text: string;
  error: string | null;
  busy: boolean;
}

/** Cycle inspector state and actions. */
export interface CyclesStore {
  /** The run shown (the Trace view's run). */
  runId: string | null;
  /** Every agent with OODA runs, with how many. */
  agents: { agent: string; runCount: number }[];
  /** The selected agent's page of runs. */
  page: AgentCycles | null;
  selection: CycleSelection;
  /** Records read for the selected phase, by seq. */
  records: Record<number, TraceRecord>;
  loading: boolean;
  error: string | null;
  fork: ForkDraft | null;
  /** The tab shows (or stops showing): loads the run and polls while it is live. */
  setActive(active: boolean): void;
  /** Asks the host again. */
  refresh(): Promise<void>;
  selectAgent(agent: string): Promise<void>;
  /** Shows the page of runs starting at `offset`. */
  pageTo(offset: number): Promise<void>;
  selectRun(oodaRun: string): void;
  selectPhase(oodaRun: string, turn: number, phase: OodaPhase): Promise<void>;
  /** Opens record `seq` in the Trace view. */
  showInTrace(seq: number): void;
  /** Opens the selected turn's decision in the fork editor. */
  openFork(): Promise<void>;
  setForkText(text: string): void;
  closeFork(): void;
  /** Replays the run with the edited decision at the fork point; the Trace view follows the new run. */
  runFork(): Promise<void>;
}

/** Polls while the run is live, as the metrics store does. */
const POLL_MS = 1000;
/** Runs per page. */
export const CYCLES_PAGE = 100;
const PAGE = CYCLES_PAGE;
/** How long after a run ends it is asked for once more (its last records land a moment later). */
const ENDED_REFRESH_MS = 1500;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Creates the cycle inspector's store on the trace store's run. */
export function createCyclesStore(client: ApiClient, deps: { trace: StoreApi<TraceStore>; view: StoreApi<ViewStore>; debug: StoreApi<DebugStore> }): StoreApi<CyclesStore> {
  return createStore<CyclesStore>()((set, get) => {
    const poll = livePoll(deps.trace, () => void get().refresh(), {
      pollMs: POLL_MS,
      endedRefreshMs: ENDED_REFRESH_MS,
      onRunChanged: (runId) => set({ runId, agents: [], page: null, records: {}, selection: NO_SELECTION, fork: null, error: null }),
    });
    const runOf = (oodaRun: string | null) => get().page?.runs.find((r) => r.runId === oodaRun) ?? null;

    /** Reads the records `seqs` not read yet (one `trace.query` each, side by side). */
    const readRecords = async (runId: string, seqs: number[]) => {
      const missing = seqs.filter((seq) => !(seq in get().records));
      if (missing.length === 0) return;
      const pages = await Promise.all(missing.map((seq) => client.call('trace.query', { runId, query: { after: seq - 1, limit: 1 } })));
      if (get().runId !== runId) return;
      const found: Record<number, TraceRecord> = {};
      for (const page of pages) for (const record of page.records) found[record.seq] = record;
      set((s) => ({ records: { ...s.records, ...found } }));
    };

    /** Loads the selected phase's records. */
    const loadSelected = async () => {
      const { runId, selection } = get();
      const run = runOf(selection.oodaRun);
      const turn = run?.turns.find((t) => t.turn === selection.turn);
      if (!runId || !run || !turn || !selection.phase) return;
      try {
        await readRecords(runId, phaseSeqs(run, turn, selection.phase));
      } catch (error) {
        set({ error: message(error) });
      }
    };

    /** Loads `agent`'s page at `offset` (the page holding `oodaRun` when given and found). */
    const loadPage = async (runId: string, agent: string, offset: number, oodaRun?: string | null) => {
      let answer = (await client.call('trace.getCycles', { runId, agent, offset, limit: PAGE })).agents[0] ?? null;
      // A run asked for by id may be on a later page: look through them (a few calls at most for a big run).
      if (oodaRun && answer && !answer.runs.some((r) => r.runId === oodaRun)) {
        for (let at = 0; at < answer.runCount; at += PAGE) {
          if (at === offset) continue;
          const next = (await client.call('trace.getCycles', { runId, agent, offset: at, limit: PAGE })).agents[0];
          if (next?.runs.some((r) => r.runId === oodaRun)) {
            answer = next;
            break;
          }
        }
      }
      return answer;
    };

    /** Applies the debug store's focus (set by the trace explorer's "Show in cycle inspector"). */
    const applyFocus = async () => {
      const { agent, oodaRun, seq } = deps.debug.getState().focus;
      const runId = get().runId;
      if (!runId || !agent) return;
      const { selection, page } = get();
      if (agent !== selection.agent) set({ selection: { ...NO_SELECTION, agent } });
      if (agent !== page?.agent || (oodaRun && !runOf(oodaRun))) {
        const next = await loadPage(runId, agent, 0, oodaRun);
        if (get().runId !== runId) return;
        set({ page: next });
      }
      const run = runOf(oodaRun) ?? (oodaRun === null && agent === selection.agent ? runOf(selection.oodaRun) : null);
      const at = run && seq !== null ? locateSeq(run, seq) : null;
      set({ selection: { agent, oodaRun: run?.runId ?? null, turn: at?.turn ?? null, phase: at?.phase ?? null } });
      await loadSelected();
    };

    deps.debug.subscribe((s, before) => {
      if (s.focus === before.focus) return;
      const { selection } = get();
      const { agent, oodaRun, seq } = s.focus;
      // Our own selections are echoed into the focus: only a focus set elsewhere moves the selection.
      if (agent === selection.agent && oodaRun === selection.oodaRun && seq === null) return;
      void applyFocus();
    });

    return {
      runId: deps.trace.getState().runId,
      agents: [],
      page: null,
      selection: NO_SELECTION,
      records: {},
      loading: false,
      error: null,
      fork: null,

      setActive(next) {
        poll.setActive(next);
      },

      refresh: oneAtATime(async () => {
        const runId = deps.trace.getState().runId;
        if (runId !== get().runId) set({ runId, agents: [], page: null, records: {}, selection: NO_SELECTION, fork: null });
        if (!runId) return;
        set({ loading: true });
        try {
          const all = await client.call('trace.getCycles', { runId, limit: 0 });
          if (deps.trace.getState().runId !== runId) return;
          const agents = all.agents.map((a) => ({ agent: a.agent, runCount: a.runCount }));
          const chosen = get().selection.agent ?? deps.debug.getState().focus.agent ?? agents[0]?.agent ?? null;
          const known = chosen !== null && agents.some((a) => a.agent === chosen);
          const page = known ? await loadPage(runId, chosen, get().page?.agent === chosen ? get().page!.offset : 0) : null;
          if (deps.trace.getState().runId !== runId) return;
          const now = get().selection.agent;
          // Another agent was picked meanwhile: its own load brings its page.
          if (now !== null && now !== chosen) set({ agents, error: null });
          else set((s) => ({ agents, page, error: null, selection: known && now === null ? { ...NO_SELECTION, agent: chosen } : s.selection }));
          await loadSelected();
        } catch (error) {
          set({ error: message(error) });
        } finally {
          set({ loading: false });
        }
      }, { again: true }),

      async selectAgent(agent) {
        const runId = get().runId;
        if (!runId) return;
        set({ selection: { ...NO_SELECTION, agent }, fork: null });
        deps.debug.getState().setFocus({ agent, oodaRun: null, seq: null });
        try {
          const page = await loadPage(runId, agent, 0);
          if (get().selection.agent === agent) set({ page });
        } catch (error) {
          set({ error: message(error) });
        }
      },

      async pageTo(offset) {
        const { runId, selection } = get();
        if (!runId || !selection.agent) return;
        const page = await loadPage(runId, selection.agent, Math.max(0, offset));
        if (get().selection.agent === selection.agent) set({ page });
      },

      selectRun(oodaRun) {
        const { selection } = get();
        if (selection.oodaRun === oodaRun) return;
        set({ selection: { ...selection, oodaRun, turn: null, phase: null }, fork: null });
        deps.debug.getState().setFocus({ agent: selection.agent, oodaRun, seq: null });
      },

      async selectPhase(oodaRun, turn, phase) {
        const { selection } = get();
        set({ selection: { ...selection, oodaRun, turn, phase }, fork: get().fork?.oodaRun === oodaRun && get().fork?.turn === turn ? get().fork : null });
        if (selection.oodaRun !== oodaRun) deps.debug.getState().setFocus({ agent: selection.agent, oodaRun, seq: null });
        await loadSelected();
      },

      showInTrace(seq) {
        deps.view.getState().setView('trace');
        // A jump brings the record into view even when its row is loaded already (select only marks it).
        const record = get().records[seq];
        if (record) void deps.trace.getState().jumpTo(record);
        else deps.trace.getState().select(seq);
      },

      async openFork() {
        const { runId, selection } = get();
        const run = runOf(selection.oodaRun);
        const turn = run?.turns.find((t) => t.turn === selection.turn);
        if (!runId || !run || !turn || !selection.agent) return;
        if (turn.decision === null || turn.llmSeq === null) return set({ error: 'This turn has no model call recorded: there is no decision to fork from.' });
        await readRecords(runId, [turn.llmSeq]);
        const decision = decisionOf(get().records[turn.llmSeq]);
        const initial = JSON.stringify(decision ?? { text: '', toolCalls: [] }, null, 2);
        set({ fork: { agent: selection.agent, decision: turn.decision, oodaRun: run.runId, turn: turn.turn, initial, text: initial, error: decision ? null : 'The model call failed: write the decision to use.', busy: false } });
      },

      setForkText(text) {
        const fork = get().fork;
        if (fork) set({ fork: { ...fork, text, error: null } });
      },

      closeFork() {
        set({ fork: null });
      },

      async runFork() {
        const { fork, runId } = get();
        if (!fork || !runId || fork.busy) return;
        const parsed = parseDecision(fork.text);
        if ('error' in parsed) return set({ fork: { ...fork, error: parsed.error } });
        set({ fork: { ...fork, busy: true, error: null } });
        try {
          const status = await client.call('run.replay', { runId, fork: { agent: fork.agent, turn: fork.decision, decision: parsed.decision } });
          set({ fork: null });
          // The new run takes over the Trace view (as run.start does), even when a past run was shown; the
          // replay notice under the top bar offers the comparison with the original.
          if (status.runId && deps.trace.getState().runId !== status.runId) await deps.trace.getState().openRun(status.runId);
        } catch (error) {
          const current = get().fork;
          if (current) set({ fork: { ...current, busy: false, error: message(error) } });
        }
      },

    };
  });
}

/** The cycles store's hook (see {@link storeHook}). */
export const useCyclesStore = storeHook('cycles');
