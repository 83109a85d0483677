// The shared --nats/--creds/--tls-* flags: embedded by default, clear errors for bad combinations.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../main/commands/flags.js';
import { natsChoiceFromFlags } from '../../main/commands/nats-flags.js';

describe('natsChoiceFromFlags', () => {
  it('chooses the embedded server without --nats', () => {
    expect(natsChoiceFromFlags({})).toEqual({ mode: 'embedded' });
  });
  it('takes an external server with credentials and TLS', () => {
    expect(natsChoiceFromFlags({ nats: 'tls://a:4222,tls://b:4222', creds: 'u.creds', 'tls-ca': 'ca.pem' })).toEqual({
      mode: 'external',
      url: 'tls://a:4222,tls://b:4222',
      credsFile: 'u.creds',
      tls: { caFile: 'ca.pem' },
    });
  });
  it('accepts host:port', () => {
    expect(natsChoiceFromFlags({ nats: 'localhost:4222' })).toMatchObject({ mode: 'external', url: 'localhost:4222' });
  });
  it.each([
    [{ creds: 'u.creds' }, '--creds and --tls-* go with --nats'],
    [{ nats: 'nats://a:4222', 'tls-cert': 'c.pem' }, '--tls-cert and --tls-key go together'],
    [{ nats: 'http://a:4222' }, 'is not a NATS URL'],
    [{ nats: '' }, '--nats: give a NATS URL'],
    [{ nats: 'not a url' }, '--nats: "not a url" is not a NATS URL'],
  ])('refuses %j', (flags, message) => {
    expect(() => natsChoiceFromFlags(flags)).toThrow(UsageError);
    expect(() => natsChoiceFromFlags(flags)).toThrow(message);
  });
});
