// One wording for "the download did not happen" in the install-time scripts (dist.mjs,
// fetch-nats-server.mjs): fetch's own message is "fetch failed", which names neither host nor cause.

const MEANINGS = {
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  ENETUNREACH: 'network unreachable',
};

/** Why a fetch failed, in a few words ("host not found: ENOTFOUND", "no answer within 3 s"). */
export function describeFetchError(error, timeoutMs) {
  if (error?.name === 'TimeoutError' && timeoutMs) return `no answer within ${timeoutMs / 1000} s`;
  const code = error?.cause?.code;
  if (code) return MEANINGS[code] ? `${MEANINGS[code]}: ${code}` : code;
  return error?.cause?.message ?? error?.message ?? String(error);
}
