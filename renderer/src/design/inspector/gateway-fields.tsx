/**
 * The topology's settings for other protocols' agents: serving its agents over A2A (address, who is
 * served, the credential callers must send) and the protocol gateway's rules (which personal data is stripped from what leaves for
 * A2A and MCP peers, how large an answer may be). Left at the defaults, nothing is written.
 */
import type { z } from 'zod';
import { A2aExposureSchema, ProtocolGatewaySchema, type Topology } from '../../../../agents/topology/schema';
import type { Problem } from '../../../../agents/topology/validate';
import { CredentialField } from './credential-fields';
import { SchemaField } from './fields';

type Exposure = z.infer<typeof A2aExposureSchema>;
type Gateway = z.infer<typeof ProtocolGatewaySchema>;
const DEFAULT_EXPOSURE: Exposure = A2aExposureSchema.parse({});
const DEFAULT_GATEWAY: Gateway = ProtocolGatewaySchema.parse({});
const EXPOSURE = A2aExposureSchema.shape;
const PII = ProtocolGatewaySchema.shape.pii.unwrap().shape;

/** The same as `defaults` (then nothing needs writing)? */
const isDefault = (value: unknown, defaults: unknown) => JSON.stringify(value) === JSON.stringify(defaults);

/** `spec.a2a` and `spec.protocolGateway`, as two fieldsets of the topology card. */
export function TopologyGatewayFields({ topology, problems, readOnly, onCommit }: { topology: Topology; problems: (...path: string[]) => Problem[]; readOnly: boolean; onCommit(key: 'a2a' | 'protocolGateway', value: unknown): void }) {
  const exposure = topology.spec.a2a ?? DEFAULT_EXPOSURE;
  const gateway = topology.spec.protocolGateway ?? DEFAULT_GATEWAY;
  const setExposure = (key: keyof Exposure) => (value: unknown) => {
    const next = { ...exposure, [key]: value === undefined ? DEFAULT_EXPOSURE[key] : value };
    onCommit('a2a', isDefault(next, DEFAULT_EXPOSURE) ? undefined : next);
  };
  const setPii = (key: keyof Gateway['pii']) => (value: unknown) => {
    const next = { ...gateway, pii: { ...gateway.pii, [key]: value === undefined ? DEFAULT_GATEWAY.pii[key] : value } };
    onCommit('protocolGateway', isDefault(next, DEFAULT_GATEWAY) ? undefined : next);
  };
  const setMax = (value: unknown) => {
    const next = { ...gateway, maxResponseBytes: value === undefined ? DEFAULT_GATEWAY.maxResponseBytes : value };
    onCommit('protocolGateway', isDefault(next, DEFAULT_GATEWAY) ? undefined : next);
  };
  return (
    <>
      <fieldset className="fieldset" data-testid="field-a2a-exposure">
        <legend className="fieldset-title">A2A serving</legend>
        <SchemaField name="exposeAll" label="Serve every agent over A2A" schema={EXPOSURE.exposeAll} value={exposure.exposeAll} onCommit={setExposure('exposeAll')} problems={problems('spec', 'a2a', 'exposeAll')} readOnly={readOnly} hint="Each served agent gets an agent card and a JSON-RPC endpoint. An agent’s own setting overrides this." />
        <SchemaField name="host" label="Listen on" schema={EXPOSURE.host} value={exposure.host} onCommit={setExposure('host')} problems={problems('spec', 'a2a', 'host')} readOnly={readOnly} hint="127.0.0.1: this machine only. 0.0.0.0 lets other machines in — ask them for a credential (below)." />
        <SchemaField name="port" label="Port" schema={EXPOSURE.port} value={exposure.port} onCommit={setExposure('port')} problems={problems('spec', 'a2a', 'port')} readOnly={readOnly} hint="0: any free port (the run prints the URLs)." />
        <CredentialField value={exposure.credential} onCommit={setExposure('credential')} readOnly={readOnly} testId="a2a-serve-secret" hint="What callers must send: the NAME of the variable holding the token, read when the run starts. The cards say so; a call without it is refused (401). Empty: any caller is answered." />
      </fieldset>
      <fieldset className="fieldset" data-testid="field-protocol-gateway">
        <legend className="fieldset-title">Protocol gateway</legend>
        <span className="field-hint">What is stripped from payloads leaving for A2A agents and MCP servers. The trace records what kind was stripped and where, never the value.</span>
        <SchemaField name="emails" label="Strip e-mail addresses" schema={PII.emails} value={gateway.pii.emails} onCommit={setPii('emails')} problems={problems('spec', 'protocolGateway', 'pii', 'emails')} readOnly={readOnly} />
        <SchemaField name="phones" label="Strip phone numbers" schema={PII.phones} value={gateway.pii.phones} onCommit={setPii('phones')} problems={problems('spec', 'protocolGateway', 'pii', 'phones')} readOnly={readOnly} />
        <SchemaField name="cards" label="Strip card numbers" schema={PII.cards} value={gateway.pii.cards} onCommit={setPii('cards')} problems={problems('spec', 'protocolGateway', 'pii', 'cards')} readOnly={readOnly} hint="Only numbers that pass the card checksum (Luhn), so order numbers survive." />
        <SchemaField name="fields" label="Strip these fields" schema={PII.fields} value={gateway.pii.fields} onCommit={setPii('fields')} problems={problems('spec', 'protocolGateway', 'pii', 'fields')} readOnly={readOnly} hint="JSON field names whose values are removed at any depth (e.g. ssn, date_of_birth)." />
        <SchemaField name="maxResponseBytes" label="Largest answer (bytes)" schema={ProtocolGatewaySchema.shape.maxResponseBytes} value={gateway.maxResponseBytes} onCommit={setMax} problems={problems('spec', 'protocolGateway', 'maxResponseBytes')} readOnly={readOnly} hint="A peer’s answer larger than this is refused with a clear error." />
      </fieldset>
    </>
  );
}
