/**
 * Sends a recorded run's outside inputs again "at the same points": input k goes once the replies
 * that had arrived before it was first sent have arrived again, so inputs that were concurrent
 * stay concurrent and a follow-up question still waits for the answer it followed.
 */
import type { RecordedInput } from './recording.js';

/** What became of one input in the replay. */
export interface InputOutcome {
  index: number;
  to: string;
  content: string;
  /** The replay's reply; null when it failed or was never sent. */
  reply: string | null;
  /** Why it failed, or "not sent" when the replay stopped first; null when answered. */
  error: string | null;
}

/** Sends `inputs` through `send`, each after its `after` replies; stops sending once `signal` aborts. */
export async function sendInputs(inputs: readonly RecordedInput[], send: (input: RecordedInput) => Promise<string>, signal: AbortSignal): Promise<InputOutcome[]> {
  const outcomes: InputOutcome[] = inputs.map(({ index, to, content }) => ({ index, to, content, reply: null, error: 'not sent' }));
  const settled: Promise<void>[] = [];
  const stopped = new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
  for (const input of inputs) {
    await Promise.race([Promise.all(input.after.map((i) => settled[i])), stopped]);
    if (signal.aborted) break;
    const outcome = outcomes[input.index]!;
    outcome.error = null;
    settled[input.index] = send(input).then(
      (reply) => void (outcome.reply = reply),
      (error: unknown) => void (outcome.error = error instanceof Error ? error.message : String(error)),
    );
  }
  await Promise.all(settled.filter(Boolean));
  return outcomes;
}

/** How the replay's answer to an input differs from the recorded one; null when it is the same. */
export function replyDifference(input: RecordedInput, outcome: InputOutcome): string | null {
  const recorded = input.reply;
  if (!recorded) return null; // nothing was recorded to compare with
  if (outcome.error === 'not sent') return `input ${input.index + 1} to ${input.to} was not sent.`;
  const got = outcome.reply ?? `failed: ${outcome.error ?? ''}`;
  if (recorded.failed ? outcome.reply === null : outcome.reply === recorded.content) return null;
  return `input ${input.index + 1} to ${input.to}: the record's reply was ${JSON.stringify(cut(recorded.failed ? `failed: ${recorded.content}` : recorded.content))}, the replay's ${JSON.stringify(cut(got))}.`;
}

const cut = (text: string) => (text.length > 120 ? `${text.slice(0, 120)}…` : text);
