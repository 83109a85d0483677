/** Turns the host's connect settings into nats.js options; every connection the host makes uses it. */
import { credsAuthenticator, nkeyAuthenticator, type NodeConnectionOptions } from '@nats-io/transport-node';
import type { NatsConnectSettings } from './server-handle.js';

/** nats.js options for `settings` (servers, credentials, TLS); callers add name and timeouts. */
export function toConnectionOptions(settings: NatsConnectSettings): NodeConnectionOptions {
  const options: NodeConnectionOptions = { servers: settings.servers };
  const encode = (text: string) => new TextEncoder().encode(text);
  if (settings.nkeySeed) options.authenticator = nkeyAuthenticator(encode(settings.nkeySeed));
  else if (settings.creds) options.authenticator = credsAuthenticator(encode(settings.creds));
  if (settings.tls) {
    options.tls = {
      ...(settings.tls.caFile && { caFile: settings.tls.caFile }),
      ...(settings.tls.certFile && { certFile: settings.tls.certFile }),
      ...(settings.tls.keyFile && { keyFile: settings.tls.keyFile }),
    };
  }
  return options;
}
