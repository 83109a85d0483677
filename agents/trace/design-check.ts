/**
 * Designed vs observed as it crosses the contract (`trace.checkDesign`): the tracker's result
 * (designed-vs-observed.ts) made small and serializable, each list cut at a limit with its full
 * length beside it, so a run with a million undeclared messages still answers in a few kilobytes.
 * Isomorphic.
 */
import { z } from 'zod';
import { EdgeKindSchema } from '../topology/schema.js';
import type { DesignedVsObserved } from './designed-vs-observed.js';

/** The most items each findings list carries. */
export const DESIGN_CHECK_LIMIT = 100;

/** One declared edge and how many messages travelled on it. */
const EdgeUseSchema = z.object({
  /** Its position in `spec.edges`. */
  index: z.number().int().nonnegative(),
  kind: EdgeKindSchema,
  from: z.string(),
  to: z.string(),
  subject: z.string().nullable(),
  count: z.number().int().nonnegative(),
});

/** Designed vs observed for one run, as far as the host has read it. */
export const DesignCheckSchema = z.object({
  runId: z.string(),
  /** False when the run was recorded without a topology to compare with (then every list is empty). */
  designed: z.boolean(),
  /** Records compared so far, of `total` in the run; the next call goes on from `seen`. */
  seen: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  edges: z.array(EdgeUseSchema),
  undeclaredSubjects: z.array(z.object({ subject: z.string(), count: z.number().int(), senders: z.array(z.string()), firstSeq: z.number().int() })),
  undeclaredFlows: z.array(z.object({ kind: z.enum(['request', 'direct', 'handoff']), from: z.string(), to: z.string(), count: z.number().int(), firstSeq: z.number().int() })),
  /** Requests to an agent that got "no responders" or no reply in time. */
  noResponder: z.array(
    z.object({
      seq: z.number().int(),
      subject: z.string(),
      from: z.string().nullable(),
      to: z.string(),
      status: z.enum(['no_responders', 'timed_out']),
      timedOutBy: z.enum(['timeout', 'trace_end']).nullable(),
      /** Whether the addressee sent anything at all (a recorder's tap hides "no responders": a silent addressee is the tell). */
      targetSeen: z.boolean(),
    }),
  ),
  /** Full lengths of the lists (longer than the lists when cut at {@link DESIGN_CHECK_LIMIT}). */
  totals: z.object({ undeclaredSubjects: z.number().int(), undeclaredFlows: z.number().int(), noResponder: z.number().int() }),
});
export type DesignCheck = z.infer<typeof DesignCheckSchema>;

/** The tracker's result for the contract, `seen` of `total` records read. */
export function toDesignCheck(runId: string, result: DesignedVsObserved | null, seen: number, total: number, limit = DESIGN_CHECK_LIMIT): DesignCheck {
  if (!result) return { runId, designed: false, seen, total, edges: [], undeclaredSubjects: [], undeclaredFlows: [], noResponder: [], totals: { undeclaredSubjects: 0, undeclaredFlows: 0, noResponder: 0 } };
  const noResponder = result.noResponder.filter((n) => n.pair.to !== null && (n.pair.status === 'no_responders' || n.pair.status === 'timed_out'));
  return {
    runId,
    designed: true,
    seen,
    total,
    edges: result.edges.map(({ index, edge, count }) => ({ index, kind: edge.kind, from: edge.from, to: edge.to, subject: edge.subject ?? null, count })),
    undeclaredSubjects: result.undeclaredSubjects.slice(0, limit).map((u) => ({ ...u, senders: u.senders.slice(0, 20) })),
    undeclaredFlows: result.undeclaredFlows.slice(0, limit),
    // The newest first: on a live run those are what is going wrong now.
    noResponder: noResponder
      .slice(-limit)
      .reverse()
      .map(({ pair, targetSeen }) => ({
        seq: pair.request.seq,
        subject: pair.request.subject,
        from: pair.from,
        to: pair.to!,
        status: pair.status as 'no_responders' | 'timed_out',
        timedOutBy: pair.timedOutBy,
        targetSeen,
      })),
    totals: { undeclaredSubjects: result.undeclaredSubjects.length, undeclaredFlows: result.undeclaredFlows.length, noResponder: noResponder.length },
  };
}
