/**
 * Drives a replay the run session started (`replay` option): sends the recorded inputs again at
 * the same points, stops at the first divergence, and says whether the replay followed the record
 * to its end — every input answered as recorded and every recorded model call asked again. The
 * app's RunManager and `switchboard replay` both run replays through this.
 */
import { replyDifference, sendInputs, type InputOutcome } from '../../agents/runtime/replay/input-schedule.js';
import type { Divergence } from '../../agents/runtime/replay/replay-coordinator.js';
import type { RunSession } from './run-session.js';

/** How a replay ended. */
export interface ReplayOutcome {
  /** `followed`: every input answered (as recorded, for a plain replay) and no divergence. */
  state: 'followed' | 'diverged';
  /** Where it diverged, in a line or two; null when it followed. */
  divergence: string | null;
  /** The first divergence of a model or tool call, when that is why. */
  call: Divergence | null;
  /** Each input as the replay sent it, with its reply. */
  inputs: InputOutcome[];
}

/** Options for {@link driveReplay}. */
export interface DriveOptions {
  /** How long each input waits for its reply. */
  timeoutMs: number;
  /** How long a plain replay waits, after the last reply, for recorded model calls still to come. */
  settleMs?: number;
}

const DEFAULT_SETTLE_MS = 5000;
const SETTLE_POLL_MS = 20;

/** Runs the replay of `session` to its end or its first divergence (the caller stops the session). */
export async function driveReplay(session: RunSession, options: DriveOptions): Promise<ReplayOutcome> {
  const replay = session.replay;
  if (!replay) throw new Error('driveReplay needs a session started with the replay option.');
  const inputs = replay.recording.inputs;
  const stop = new AbortController();
  let unsubscribe = () => {};
  const diverged = new Promise<Divergence>((resolve) => (unsubscribe = replay.onDiverged((d) => (stop.abort(), resolve(d)))));
  const sending = sendInputs(inputs, async (input) => (await session.send(input.to, input.content, { timeoutMs: options.timeoutMs })).content, stop.signal);
  // A divergence ends the replay at once: replies still awaited fail when the session stops.
  const first = await Promise.race([sending.then(() => null), diverged]);
  unsubscribe();
  if (first) return { state: 'diverged', divergence: first.text, call: first, inputs: await settledOrEmpty(sending) };
  const outcomes = await sending;
  if (!replay.fork) {
    const late = await waitForRecordedCalls(session, options.settleMs ?? DEFAULT_SETTLE_MS);
    const call = replay.divergence;
    if (call) return { state: 'diverged', divergence: call.text, call, inputs: outcomes };
    const differs = inputs.map((input) => replyDifference(input, outcomes[input.index]!)).find((d) => d !== null);
    if (differs) return { state: 'diverged', divergence: `the reply to ${differs}`, call: null, inputs: outcomes };
    if (late) return { state: 'diverged', divergence: late, call: null, inputs: outcomes };
  } else {
    const call = replay.divergence;
    if (call) return { state: 'diverged', divergence: call.text, call, inputs: outcomes };
    if (!replay.isLive) return { state: 'diverged', divergence: `the fork point (${replay.fork.agent}, decision ${replay.fork.turn}) was never reached.`, call: null, inputs: outcomes };
  }
  return { state: 'followed', divergence: null, call: null, inputs: outcomes };
}

/** Waits until every recorded model call was asked again; what is still missing after `settleMs`, or null. */
async function waitForRecordedCalls(session: RunSession, settleMs: number): Promise<string | null> {
  const replay = session.replay!;
  const deadline = Date.now() + settleMs;
  while (replay.unanswered().length > 0 && !replay.divergence && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
  const missing = replay.unanswered();
  if (missing.length === 0) return null;
  return `the replay ended before ${missing.map((m) => `${m.agent} made ${m.left} of its ${m.recorded} recorded decision(s)`).join(', ')}.`;
}

/** The outcomes of inputs still in flight when the replay stopped: they settle when the session stops, so do not wait. */
async function settledOrEmpty(sending: Promise<InputOutcome[]>): Promise<InputOutcome[]> {
  return Promise.race([sending, new Promise<InputOutcome[]>((resolve) => setTimeout(() => resolve([]), 0))]);
}
