/**
 * `trace.checkDesign`: designed vs observed per run, kept between calls. Each run has a tracker
 * and a correlator fed only the records appended since the last call (at most READ_BUDGET a call,
 * so the first look at a big past run comes in steps instead of one long wait), and a past run
 * that has been read to its end is finished once (its unanswered requests then timed out).
 */
import { toDesignCheck, type DesignCheck } from '../../../agents/trace/design-check.js';
import { DesignedVsObservedTracker } from '../../../agents/trace/designed-vs-observed.js';
import { Correlator, type RequestPair } from '../../../agents/trace/correlate.js';
import { loadTopology } from '../../../agents/topology/load.js';
import type { TraceStore } from './trace-store.js';

/** Records read per query page, and at most per call. */
const PAGE = 1000;
const READ_BUDGET = 50_000;
/** Runs whose trackers are kept (the live one and the past runs looked at last). */
const KEEP = 2;

/** One run's comparison so far. */
interface RunCheck {
  tracker: DesignedVsObservedTracker | null;
  correlator: Correlator;
  /** Requests that got "no responders" or timed out, as the correlator reported them. */
  failed: RequestPair[];
  seen: number;
  finished: boolean;
  /** Calls on one run run one after the other. */
  queue: Promise<unknown>;
}

/** Designed-vs-observed trackers of the runs asked about, fed incrementally. */
export class DesignChecks {
  private readonly runs = new Map<string, RunCheck>();

  /** Reads what `store` recorded since the last call and returns the comparison; `live` runs are not finished. */
  check(store: TraceStore, live: boolean): Promise<DesignCheck> {
    const run = this.runOf(store);
    const next = run.queue.then(() => this.advance(store, run, live));
    run.queue = next.catch(() => undefined);
    return next;
  }

  /** Forgets a run (deleted). */
  forget(runId: string): void {
    this.runs.delete(runId);
  }

  private runOf(store: TraceStore): RunCheck {
    let run = this.runs.get(store.runId);
    if (run) {
      // Most recently used last, so the oldest is dropped first.
      this.runs.delete(store.runId);
      this.runs.set(store.runId, run);
      return run;
    }
    const text = store.header.topology;
    // A header may carry a name only (older traces); only a whole document can be compared.
    const topology = text && /[\n{]/.test(text) ? loadTopology(text).topology : null;
    run = { tracker: topology ? new DesignedVsObservedTracker(topology) : null, correlator: new Correlator(), failed: [], seen: 0, finished: false, queue: Promise.resolve() };
    this.runs.set(store.runId, run);
    for (const id of this.runs.keys()) if (this.runs.size > KEEP) this.runs.delete(id);
    return run;
  }

  private async advance(store: TraceStore, run: RunCheck, live: boolean): Promise<DesignCheck> {
    const total = store.size;
    if (run.tracker && !run.finished) {
      const stop = Math.min(total, run.seen + READ_BUDGET);
      while (run.seen < stop) {
        const page = await store.query({ after: run.seen, limit: PAGE });
        if (page.records.length === 0) break;
        for (const record of page.records) {
          if (record.seq > stop) break;
          run.tracker.add(record);
          const step = run.correlator.add(record);
          if (step.resolved?.status === 'no_responders') run.failed.push(step.resolved);
          for (const pair of step.expired) run.failed.push(pair);
          run.seen = record.seq;
        }
      }
      if (!live && run.seen >= total) {
        run.finished = true;
        for (const pair of run.correlator.finish().pairs) if (pair.status === 'timed_out' && pair.timedOutBy === 'trace_end') run.failed.push(pair);
      }
    } else if (!run.tracker) {
      run.seen = total;
    }
    return toDesignCheck(store.runId, run.tracker?.result(run.failed) ?? null, run.seen, total);
  }
}
