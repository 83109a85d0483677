/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4; seed 004 sequence 2.3 "Attach OAuth2 credentials"):
 * the gateway trades a peer's client id and secret (read by reference at call time) for a bearer
 * token at its token endpoint, and keeps the token until shortly before it expires. Calls in flight
 * at once share one token request (bounded by its own deadline; each call waits on it only as long
 * as its own time allows); a call that fails on the wire drops the token, so one the peer may have
 * refused (revoked, expired early) is not sent again.
 * Errors name the peer, the endpoint and what it said (its `error` code and description, cleaned
 * and cut), never the secret or a token.
 */
import type { SecretSource } from '../../llm/factory.js';
import { raceAbort } from '../../runtime/race-abort.js';
import { cappedFetch } from '../a2a/capped-fetch.js';
import { fetchFailure } from '../fetch-failure.js';
import { CredentialError, envSecretSource } from './credentials.js';
import { stripControlChars } from './sanitize.js';
import type { OAuth2Credential } from './types.js';

/** A token endpoint's answer is small: more than this is refused while it is read. */
const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;
/** A token without `expires_in` is kept this long (ms); a call that fails on the wire drops it sooner. */
const DEFAULT_TOKEN_LIFETIME_MS = 5 * 60_000;
/** A token is renewed this long before it expires (at most half its lifetime). */
const RENEW_BEFORE_MS = 30_000;
/** One token request, shared by every call waiting on it, gives up after this long. */
const TOKEN_REQUEST_TIMEOUT_MS = 30_000;

interface Held {
  token: string;
  expiresAt: number;
}

/** The bearer tokens of one gateway's peers. */
export class OAuth2Tokens {
  private readonly held = new Map<string, Held>();
  private readonly pending = new Map<string, Promise<Held>>();
  private readonly fetchToken: typeof fetch;

  constructor(
    private readonly secrets: SecretSource = envSecretSource(),
    private readonly now: () => number = Date.now,
    base: typeof fetch = fetch,
  ) {
    this.fetchToken = cappedFetch(MAX_TOKEN_RESPONSE_BYTES, base, `the ${MAX_TOKEN_RESPONSE_BYTES / 1024} KiB a token answer may take`);
  }

  /** The `Authorization` header for `peer` (`label` names it in errors): a held token, else a new one, bounded by `signal`. */
  async headers(peer: string, label: string, ref: OAuth2Credential, signal?: AbortSignal): Promise<Record<string, string>> {
    const key = keyOf(peer, ref);
    const held = this.held.get(key);
    if (held && held.expiresAt > this.now()) return bearer(held.token);
    let asked = this.pending.get(key);
    if (!asked) {
      // Not the first caller's signal: a caller that gives up early would fail every call sharing it.
      // Kept when it comes, even if every caller waiting on it has given up meanwhile.
      asked = this.request(label, ref, AbortSignal.timeout(TOKEN_REQUEST_TIMEOUT_MS))
        .then((fresh) => (this.held.set(key, fresh), fresh))
        .finally(() => this.pending.delete(key));
      this.pending.set(key, asked);
    }
    const fresh = await (signal ? raceAbort(asked, signal) : asked);
    return bearer(fresh.token);
  }

  /** Drops `peer`'s token (it answered 401): the next call asks for a new one. */
  forget(peer: string, ref: OAuth2Credential): void {
    this.held.delete(keyOf(peer, ref));
  }

  private async request(label: string, ref: OAuth2Credential, signal: AbortSignal): Promise<Held> {
    const secret = this.secrets.get(ref.clientSecret);
    if (secret === undefined || secret === '') {
      throw new CredentialError(label, ref.clientSecret, `${label}'s OAuth2 client secret is not set: set the environment variable ${ref.clientSecret} before calling it.`);
    }
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (ref.scopes.length > 0) form.set('scope', ref.scopes.join(' '));
    if (ref.audience) form.set('audience', ref.audience);
    // RFC 6749 §2.3.1: the id and secret form-encoded, then Basic.
    const basic = Buffer.from(`${formEncode(ref.clientId)}:${formEncode(secret)}`).toString('base64');
    const from = `no OAuth2 token for ${label} from ${ref.tokenUrl}`;
    const asked = this.now();
    let response: Response;
    let text: string;
    try {
      response = await this.fetchToken(ref.tokenUrl, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        redirect: 'error', // the secret goes to the endpoint the topology names, nowhere else
        signal,
      });
      text = await response.text();
    } catch (error) {
      const what = signal?.aborted ? `no answer within ${TOKEN_REQUEST_TIMEOUT_MS} ms` : clean(fetchFailure(error));
      throw new Error(`${from}: ${what}`, { cause: error });
    }
    const body = parseJson(text);
    if (!response.ok) {
      const said = typeof body?.['error'] === 'string' ? ` ${body['error']}${typeof body['error_description'] === 'string' ? ` (${body['error_description']})` : ''}` : '';
      throw new Error(`${from}: HTTP ${response.status}${clean(said)}`);
    }
    const token = body?.['access_token'];
    if (typeof token !== 'string' || token === '' || /[\r\n\0]/.test(token)) throw new Error(`${from}: the answer has no usable access_token`);
    const type = body?.['token_type'];
    if (typeof type === 'string' && type.toLowerCase() !== 'bearer') throw new Error(`${from}: the token is of type "${clean(type)}", not a bearer token`);
    const expiresIn = Number(body?.['expires_in']);
    const lifetime = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : DEFAULT_TOKEN_LIFETIME_MS;
    return { token, expiresAt: asked + lifetime - Math.min(RENEW_BEFORE_MS, lifetime / 2) };
  }
}

const keyOf = (peer: string, ref: OAuth2Credential) => `${peer}\n${ref.tokenUrl}\n${ref.clientId}\n${ref.scopes.join(' ')}\n${ref.audience ?? ''}`;
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
/** application/x-www-form-urlencoded, as §2.3.1 asks before Basic. */
const formEncode = (text: string) => encodeURIComponent(text).replace(/%20/g, '+');
/** What the token endpoint said: control characters out, one line, cut. */
const clean = (text: string) => stripControlChars(text).text.replace(/\s+/g, ' ').slice(0, 300);

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
