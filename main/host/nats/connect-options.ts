/** Turns the host's connect settings into nats.js options; every connection the host makes uses it. */
import { credsAuthenticator, nkeyAuthenticator, type NodeConnectionOptions } from '@nats-io/transport-node';
import type { NatsConnectSettings } from './server-handle.js';

/** nats.js options for `settings` (servers, credentials, TLS); callers add name and timeouts. */
export function toConnectionOptions(settings: NatsConnectSettings): NodeConnectionOptions {
  // Reconnect for as long as it takes, retrying every 250 ms: the embedded server is restarted
  // within ~200 ms of a crash (nats.js's defaults, 2 s and 10 attempts, resumed after ~2 s and
  // gave up for good after ~20 s). Callers that must not reconnect say `reconnect: false`.
  const options: NodeConnectionOptions = { servers: settings.servers, reconnectTimeWait: 250, maxReconnectAttempts: -1 };
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
