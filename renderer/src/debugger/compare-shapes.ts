/**
 * TEMPORARY: the shapes of DIFF's `trace.compare` and REPLAY's `run.replay` as agreed, until they
 * land in the contract (then these go and the real types are imported).
 */
import type { ApiClient } from '../api';
import type { RunStatus } from '../../../preload/contract';

/** One message of a run as the comparison shows it. */
export interface MessageDigest {
  seq: number;
  time: string;
  from: string;
  to: string | null;
  type: string;
  subject: string;
  content: string;
}

/** One aligned row: a message of A, of B, or both. */
export interface AlignedRow {
  index: number;
  status: 'same' | 'changed' | 'only-a' | 'only-b';
  a: MessageDigest | null;
  b: MessageDigest | null;
  differs: string[];
}

/** One page of the alignment of two runs, with its summary. */
export interface TraceComparison {
  summary: { a: { runId: string; messages: number }; b: { runId: string; messages: number }; same: number; changed: number; onlyA: number; onlyB: number };
  firstDivergence: number | null;
  total: number;
  offset: number;
  rows: AlignedRow[];
}

/** What a replay run says of itself. */
export interface ReplayInfo {
  of: string;
  fork: { agent: string; turn: number } | null;
  state: 'replaying' | 'followed' | 'diverged';
  divergence: string | null;
}

/** `trace.compare` through the untyped transport until the contract has it. */
export async function callCompare(client: ApiClient, input: { a: string; b: string; offset?: number; limit?: number }): Promise<TraceComparison> {
  const result = await client.transport.call('trace.compare', input);
  if (!result.ok) throw new Error(result.error.message);
  return result.value as TraceComparison;
}

/** `run.replay` through the untyped transport until the contract has it. */
export async function callReplay(client: ApiClient, input: { runId: string; fork?: unknown }): Promise<RunStatus> {
  const result = await client.transport.call('run.replay', input);
  if (!result.ok) throw new Error(result.error.message);
  return result.value as RunStatus;
}

/** A run status's replay part (absent until REPLAY adds it). */
export const replayOf = (status: RunStatus | null): ReplayInfo | null => ((status as (RunStatus & { replay?: ReplayInfo | null }) | null)?.replay ?? null);
