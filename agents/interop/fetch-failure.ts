/**
 * Why a fetch failed, from what undici hides under `fetch failed`: the system error code of its
 * cause and the innermost message. Shared by the A2A card reader and the OAuth2 token request.
 */

/** The system error code under a fetch failure (`fetch failed` hides it in `cause`). */
export function causeCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** The message of the innermost cause of `error` (what actually failed). */
export function innermostMessage(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  for (let e: unknown = (error as { cause?: unknown })?.cause, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof Error && e.message) message = e.message;
  }
  return message;
}

/** A fetch failure in words: connection refused, host not found, a connect timeout, else the code and what failed. */
export function fetchFailure(error: unknown): string {
  const code = causeCode(error);
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return 'connecting timed out';
  const detail = innermostMessage(error);
  return code ? `${code} (${detail})` : detail;
}
