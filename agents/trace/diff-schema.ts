/**
 * The shapes of a message-by-message comparison of two runs (`trace.compare`, `switchboard trace
 * diff`): a digest per message, the aligned rows, and the comparison with its summary. Isomorphic.
 */
import { z } from 'zod';

/** The most characters of a message's content a digest carries. */
export const DIGEST_CONTENT_CHARS = 400;

/** The most rows one `trace.compare` page returns. */
export const COMPARE_PAGE_LIMIT = 500;

/** One message of a run's conversation, as a comparison shows it. */
export const MessageDigestSchema = z.object({
  seq: z.number().int().positive(),
  time: z.string(),
  /** Sender: the AgentMessage's `from_agent`. */
  from: z.string(),
  /** Receiver: the AgentMessage's `to_agent` (null: no one in particular, e.g. a broadcast). */
  to: z.string().nullable(),
  /** The message type (`request`, `response`, `handoff`, …). */
  type: z.string(),
  subject: z.string(),
  /** The content, cut at {@link DIGEST_CONTENT_CHARS} characters (ending with `…` when cut). */
  content: z.string(),
});
export type MessageDigest = z.infer<typeof MessageDigestSchema>;

/** How a row of the alignment relates its two messages. */
export const AlignedStatusSchema = z.enum(['same', 'changed', 'only-a', 'only-b']);
export type AlignedStatus = z.infer<typeof AlignedStatusSchema>;

/** One row of an alignment: a message of A, of B, or of both. */
export const AlignedRowSchema = z.object({
  /** The row's position in the whole alignment (run A's order, B-only rows beside their neighbours). */
  index: z.number().int().nonnegative(),
  status: AlignedStatusSchema,
  a: MessageDigestSchema.nullable(),
  b: MessageDigestSchema.nullable(),
  /** The fields that differ on a `changed` row (`content`), empty otherwise. */
  differs: z.array(z.string()),
});
export type AlignedRow = z.infer<typeof AlignedRowSchema>;

/** One side of the comparison: which run and how many conversation messages it has. */
const ComparedRunSchema = z.object({ runId: z.string(), messages: z.number().int().nonnegative() });

/** Two runs' conversations aligned message by message: the summary, the first divergence, a page of rows. */
export const TraceComparisonSchema = z.object({
  summary: z.object({
    a: ComparedRunSchema,
    b: ComparedRunSchema,
    same: z.number().int().nonnegative(),
    changed: z.number().int().nonnegative(),
    onlyA: z.number().int().nonnegative(),
    onlyB: z.number().int().nonnegative(),
  }),
  /** The index of the first row that is not `same`; null when the conversations are the same. */
  firstDivergence: z.number().int().nonnegative().nullable(),
  /** Rows in the whole alignment. */
  total: z.number().int().nonnegative(),
  /** The index of `rows[0]`. */
  offset: z.number().int().nonnegative(),
  rows: z.array(AlignedRowSchema),
});
export type TraceComparison = z.infer<typeof TraceComparisonSchema>;

/** `trace.compare`'s input: two run ids (past, imported or live) and the page of rows wanted. */
export const CompareInputSchema = z
  .object({
    a: z.string().min(1),
    b: z.string().min(1),
    offset: z.number().int().nonnegative().optional(),
    limit: z.number().int().min(0).max(COMPARE_PAGE_LIMIT).optional(),
  })
  .strict();
export type CompareInput = z.input<typeof CompareInputSchema>;
