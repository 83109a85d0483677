/** The one polling wait for tests: for state that has no event to await (a count, a status, a file). */

/**
 * Resolves once `check` holds, polling every `intervalMs`; rejects after `timeoutMs` with what was
 * awaited. An error thrown by `check` rejects at once (a dead process need not wait the timeout).
 */
export async function until(check: () => boolean | Promise<boolean>, what = 'the condition', timeoutMs = 15_000, intervalMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
