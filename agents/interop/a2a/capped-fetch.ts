/**
 * The fetch the A2A client calls peers with: it refuses an answer larger than the gateway allows
 * while it is being read, not after the SDK has buffered all of it (a peer that streams without
 * end, or answers gigabytes, would otherwise fill memory until the call's timeout). The wire may
 * carry somewhat more than the answer itself (JSON-RPC framing, escaping, SSE events), so the cap
 * on the wire is a multiple of `spec.protocolGateway.maxResponseBytes`; the gateway's sanitizer
 * still checks the answer's own size exactly.
 */

/** Bytes on the wire allowed per call for an answer limit of `maxResponseBytes`. */
export const wireCapOf = (maxResponseBytes: number): number => 2 * maxResponseBytes + 64 * 1024;

/** Why a call was cut: names the peer's URL, the bytes and the limit. */
function tooLarge(url: string, bytes: number, cap: number, limit: string): Error {
  return new Error(`the answer from ${url} passed ${cap} bytes (at ${bytes}): larger than ${limit} allows, so it was cut off.`);
}

/** A `fetch` whose response bodies error once more than `cap` bytes have arrived (Content-Length is checked first); `limit` names what sets the cap. */
export function cappedFetch(cap: number, base: typeof fetch = fetch, limit = 'spec.protocolGateway.maxResponseBytes'): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > cap) {
      await response.body?.cancel().catch(() => undefined);
      throw tooLarge(url, declared, cap, limit);
    }
    if (!response.body) return response;
    let seen = 0;
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen += chunk.byteLength;
          if (seen > cap) controller.error(tooLarge(url, seen, cap, limit));
          else controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
