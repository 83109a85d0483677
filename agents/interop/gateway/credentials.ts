/**
 * Credentials attached by reference (seed 004, part 2: "Attach credentials"): a topology names the
 * header and the environment variable (or OS-stored secret) holding the value; the gateway reads it
 * at call time, so a rotated secret applies to the next call and no value is ever in a file, an
 * event or a log. Errors name the variable, never its value.
 */
import type { SecretSource } from '../../llm/factory.js';
import type { CredentialRef } from './types.js';

/** Secrets from the environment (the host passes its SecretStore instead: OS store first, then env). */
export const envSecretSource = (env: NodeJS.ProcessEnv = process.env): SecretSource => ({ get: (name) => env[name] });

/** A credential that cannot be attached: the variable is missing or unusable (the message names it, not its value). */
export class CredentialError extends Error {
  constructor(
    readonly peer: string,
    readonly variable: string,
    message: string,
    /** What is wrong with it: not set (or empty), or a value a header cannot hold. */
    readonly problem: 'unset' | 'line_break' = 'unset',
  ) {
    super(message);
    this.name = 'CredentialError';
  }
}

/** The headers `ref` stands for, read now from `secrets`; no credential: no headers. */
export function credentialHeaders(peer: string, ref: CredentialRef | undefined, secrets: SecretSource = envSecretSource()): Record<string, string> {
  if (!ref) return {};
  const value = secrets.get(ref.secret);
  if (value === undefined || value === '') {
    throw new CredentialError(peer, ref.secret, `${peer}'s credential is not set: set the environment variable ${ref.secret} (its ${ref.header} header) before calling it.`);
  }
  // A line break in a header value would let the secret inject headers of its own.
  if (/[\r\n\0]/.test(value)) throw new CredentialError(peer, ref.secret, `${peer}'s credential in ${ref.secret} contains a line break; a header value cannot.`, 'line_break');
  return { [ref.header]: ref.scheme ? `${ref.scheme} ${value}` : value };
}
