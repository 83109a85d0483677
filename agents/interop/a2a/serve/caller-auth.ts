/**
 * Callers' credentials on the served A2A endpoints (`spec.a2a.credential`: a header, a scheme and
 * the NAME of the variable holding the secret, read when the run starts). The cards stay public (a
 * client reads one to learn how to call) and declare the scheme (spec v1.0 `securitySchemes`,
 * HTTP auth for `Authorization`, an API key header otherwise); every other request without the
 * header's exact value is refused with HTTP 401 before its body is read. Nothing here ever says
 * the secret.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { AGENT_CARD_PATH, type AgentCard } from '@a2a-js/sdk';
import type { RequestHandler } from 'express';
import type { SecretSource } from '../../../llm/factory.js';
import type { CredentialRef } from '../../gateway/types.js';
import { credentialHeaders, CredentialError, envSecretSource } from '../../gateway/credentials.js';

/** The name the cards give the scheme. */
export const SERVED_SECURITY_SCHEME = 'switchboard';

/** What a caller must send: one header and its whole value. */
export interface CallerCredential {
  header: string;
  /** `Bearer` (or another scheme) for HTTP auth on `Authorization`; '' for a raw value. */
  scheme: string;
  value: string;
}

/** The credential `ref` stands for, read now; a missing variable is an error naming it (never a value). */
export function callerCredential(ref: CredentialRef, secrets: SecretSource = envSecretSource()): CallerCredential {
  try {
    const headers = credentialHeaders('the served A2A agents', ref, secrets);
    return { header: ref.header, scheme: ref.scheme, value: headers[ref.header]! };
  } catch (error) {
    if (!(error instanceof CredentialError)) throw error;
    const what = error.problem === 'line_break' ? `the value of ${ref.secret} contains a line break` : `set the environment variable ${ref.secret} before the run`;
    throw new Error(`spec.a2a.credential: ${what}; the served agents check callers' ${ref.header} header against it.`, { cause: error });
  }
}

/** The card fields that say how to call: HTTP auth on `Authorization` with a scheme, else an API key in the header. */
export function securityOfCard(credential: Pick<CallerCredential, 'header' | 'scheme'>): Pick<AgentCard, 'securitySchemes' | 'securityRequirements'> {
  const http = credential.header.toLowerCase() === 'authorization' && credential.scheme !== '';
  const description = 'The credential the Switchboard run was given (spec.a2a.credential).';
  return {
    securitySchemes: {
      [SERVED_SECURITY_SCHEME]: {
        scheme: http
          ? { $case: 'httpAuthSecurityScheme', value: { description, scheme: credential.scheme, bearerFormat: '' } }
          : { $case: 'apiKeySecurityScheme', value: { description, location: 'header', name: credential.header } },
      },
    },
    securityRequirements: [{ schemes: { [SERVED_SECURITY_SCHEME]: { list: [] } } }],
  };
}

/** Refuses (401) every request but a card's GET that lacks the credential's exact header value. */
export function requireCallerCredential(credential: CallerCredential): RequestHandler {
  const expected = digest(credential.value);
  const challenge = credential.scheme ? `${credential.scheme} realm="switchboard"` : null;
  return (req, res, next) => {
    if (req.method === 'GET' && req.path.endsWith(`/${AGENT_CARD_PATH}`)) return next();
    const sent = req.get(credential.header);
    if (sent !== undefined && timingSafeEqual(digest(sent), expected)) return next();
    if (challenge) res.set('WWW-Authenticate', challenge);
    const what = credential.scheme ? `${credential.header}: ${credential.scheme} <token>` : `the ${credential.header} header`;
    res.status(401).json({ jsonrpc: '2.0', id: null, error: { code: -32600, message: sent === undefined ? `this A2A agent asks for a credential: send ${what} (its card's securitySchemes say so)` : `the ${credential.header} header does not hold the credential this A2A agent takes` } });
  };
}

/** Same-length digests, so comparing takes as long whatever was sent. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
