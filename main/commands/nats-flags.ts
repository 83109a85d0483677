/** The NATS connection flags every command shares: embedded by default, or --nats URL. */
import type { NatsChoice } from '../host/run-session-server.js';
import { UsageError } from './flags.js';

/** parseArgs option specs for the shared flags. */
export const natsFlagSpecs = {
  nats: { type: 'string' },
  creds: { type: 'string' },
  'tls-ca': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
} as const;

/** Help lines for the shared flags. */
export const natsFlagHelp = `  --nats URL          use your own NATS server or cluster (comma-separated URLs) instead of the embedded one
  --creds FILE        credentials (.creds) for --nats
  --tls-ca FILE       CA certificate for --nats over TLS
  --tls-cert FILE     client certificate for --nats over TLS (with --tls-key)
  --tls-key FILE      client key for --nats over TLS`;

/** Reads the shared flags into a NATS choice (serve, run and the app's shell); throws UsageError on bad ones. */
export function natsChoiceFromFlags(values: {
  nats?: string | undefined;
  creds?: string | undefined;
  'tls-ca'?: string | undefined;
  'tls-cert'?: string | undefined;
  'tls-key'?: string | undefined;
}): NatsChoice {
  const tls = {
    ...(values['tls-ca'] && { caFile: values['tls-ca'] }),
    ...(values['tls-cert'] && { certFile: values['tls-cert'] }),
    ...(values['tls-key'] && { keyFile: values['tls-key'] }),
  };
  const hasTls = Object.keys(tls).length > 0;
  if (values.nats === undefined) {
    if (values.creds || hasTls) throw new UsageError('--creds and --tls-* go with --nats URL.');
    return { mode: 'embedded' };
  }
  if (values.nats.trim() === '') throw new UsageError('--nats: give a NATS URL (e.g. nats://host:4222).');
  if (Boolean(tls.certFile) !== Boolean(tls.keyFile)) throw new UsageError('--tls-cert and --tls-key go together.');
  for (const url of values.nats.split(',')) {
    if (!/^(nats|tls|wss?):\/\/[^\s]+$/.test(url.trim()) && !/^[\w.-]+:\d+$/.test(url.trim())) {
      throw new UsageError(`--nats: "${url}" is not a NATS URL (expected e.g. nats://host:4222).`);
    }
  }
  return {
    mode: 'external',
    url: values.nats,
    ...(values.creds && { credsFile: values.creds }),
    ...(hasTls && { tls }),
  };
}
