/**
 * How Switchboard proves itself to an A2A peer, and what callers of served agents must send: a
 * header filled from an environment variable, or (peers) an OAuth2 client-credentials grant. Only
 * the NAMES of variables are ever written; a partly filled OAuth2 client is kept as a draft until
 * it is complete.
 */
import { useState } from 'react';
import type { z } from 'zod';
import { CredentialRefSchema, OAuth2CredentialSchema, type A2aPeerSchema } from '../../../../agents/topology/schema';
import type { Problem } from '../../../../agents/topology/validate';
import { FieldFeedback, SchemaField, useDraft } from './fields';

type Peer = z.infer<typeof A2aPeerSchema>;
type Credential = z.infer<typeof CredentialRefSchema>;
type OAuth2 = z.infer<typeof OAuth2CredentialSchema>;
const CREDENTIAL = CredentialRefSchema.shape;

type AuthMode = 'none' | 'header' | 'oauth2';

/** A peer's authentication: none, a header from a variable, or OAuth2 client credentials. */
export function PeerAuthField({ value, onCommit, problems, readOnly }: { value: Peer; onCommit(value: Peer): void; problems: Problem[]; readOnly: boolean }) {
  const [chosen, setChosen] = useState<AuthMode>('none');
  // What the file says wins; the choice only shows fields not yet filled in.
  const mode: AuthMode = value.oauth2 ? 'oauth2' : value.credential ? 'header' : chosen;
  const choose = (next: AuthMode) => {
    setChosen(next);
    if (next !== mode && (value.credential || value.oauth2)) onCommit({ ...value, credential: undefined, oauth2: undefined });
  };
  return (
    <>
      <label className="field">
        <span className="field-label">Authentication</span>
        <select value={mode} disabled={readOnly} data-testid="a2a-auth" onChange={(e) => choose(e.target.value as AuthMode)}>
          <option value="none">None</option>
          <option value="header">A header from an environment variable</option>
          <option value="oauth2">OAuth2 client credentials</option>
        </select>
      </label>
      {mode === 'header' && <CredentialField value={value.credential} onCommit={(credential) => onCommit({ ...value, credential })} readOnly={readOnly} />}
      {mode === 'oauth2' && <OAuth2Field value={value.oauth2} onCommit={(oauth2) => onCommit({ ...value, oauth2 })} problems={problems.filter((p) => p.path[0] === 'oauth2').map((p) => ({ ...p, path: p.path.slice(1) }))} readOnly={readOnly} />}
    </>
  );
}

/** The text of each OAuth2 field as typed (scopes space- or comma-separated). */
interface OAuth2Draft {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
}

/** OAuth2 client credentials: committed once the token URL, client id and secret variable are all valid. */
function OAuth2Field({ value, onCommit, problems, readOnly }: { value: OAuth2 | undefined; onCommit(value: OAuth2 | undefined): void; problems: Problem[]; readOnly: boolean }) {
  const [text, setText] = useDraft(value, (v) => JSON.stringify({ tokenUrl: v?.tokenUrl ?? '', clientId: v?.clientId ?? '', clientSecret: v?.clientSecret ?? '', scopes: v?.scopes.join(' ') ?? '' } satisfies OAuth2Draft));
  const draft = JSON.parse(text) as OAuth2Draft;
  const candidate = { ...(value?.audience && { audience: value.audience }), tokenUrl: draft.tokenUrl.trim(), clientId: draft.clientId.trim(), clientSecret: draft.clientSecret.trim(), scopes: draft.scopes.split(/[\s,]+/).filter(Boolean) };
  const parsed = OAuth2CredentialSchema.safeParse(candidate);
  const empty = !draft.tokenUrl.trim() && !draft.clientId.trim() && !draft.clientSecret.trim();
  const issue = parsed.success || empty ? null : parsed.error.issues[0];
  const error = issue ? `${String(issue.path[0] ?? 'oauth2')}: ${issue.message}` : null;
  const change = (key: keyof OAuth2Draft, input: string) => {
    const next = { ...draft, [key]: input };
    setText(JSON.stringify(next));
    const ok = OAuth2CredentialSchema.safeParse({ ...candidate, [key]: key === 'scopes' ? input.split(/[\s,]+/).filter(Boolean) : input.trim() });
    if (ok.success) onCommit(ok.data);
  };
  const input = (key: keyof OAuth2Draft, label: string, placeholder: string) => (
    <label className="field">
      <span className="field-label">{label}</span>
      <input type="text" value={draft[key]} readOnly={readOnly} spellCheck={false} data-testid={`a2a-oauth2-${key}`} placeholder={placeholder} onChange={(e) => change(key, e.target.value)} />
    </label>
  );
  return (
    <>
      {input('tokenUrl', 'Token URL', 'https://auth.example.com/oauth/token')}
      {input('clientId', 'Client ID', 'switchboard')}
      {input('clientSecret', 'Client secret: environment variable', 'e.g. PARTNER_CLIENT_SECRET')}
      {input('scopes', 'Scopes', 'e.g. agents.call (space-separated)')}
      <FieldFeedback error={error} problems={problems} />
      <span className="field-hint">The gateway trades the client ID and secret for a bearer token at the token URL (HTTP Basic), keeps it until shortly before it expires, and sends it as Authorization: Bearer. Only the variable’s NAME is written here.</span>
    </>
  );
}

/** The hint under a peer's credential: what the gateway does with it. */
const PEER_CREDENTIAL_HINT = 'The NAME of the variable holding the token, never the token: the gateway reads it when it calls. Empty: no credential.';

/** A credential by reference (a peer's, or what callers of served agents must send): a header filled from an environment variable, never a value. */
export function CredentialField({ value, onCommit, readOnly, hint = PEER_CREDENTIAL_HINT, testId = 'a2a-secret' }: { value: Credential | undefined; onCommit(value: Credential | undefined): void; readOnly: boolean; hint?: string; testId?: string }) {
  const [secret, setSecret] = useDraft(value?.secret, (v) => v ?? '');
  const secretError = secret === '' ? null : (CREDENTIAL.secret.safeParse(secret).error?.issues[0]?.message ?? null);
  const change = (text: string) => {
    setSecret(text);
    if (text === '') onCommit(undefined);
    else if (CREDENTIAL.secret.safeParse(text).success) onCommit(CredentialRefSchema.parse({ ...value, secret: text }));
  };
  const set = (key: 'header' | 'scheme') => (v: unknown) => value && onCommit(CredentialRefSchema.parse({ ...value, [key]: v }));
  return (
    <>
      <label className="field">
        <span className="field-label">Credential: environment variable</span>
        <input type="text" value={secret} readOnly={readOnly} spellCheck={false} aria-invalid={Boolean(secretError)} data-testid={testId} placeholder="e.g. PARTNER_AGENT_TOKEN" onChange={(e) => change(e.target.value)} />
      </label>
      <FieldFeedback error={secretError} problems={[]} />
      <span className="field-hint">{hint}</span>
      {value && (
        <>
          <SchemaField name="header" label="Header" schema={CREDENTIAL.header} value={value.header} onCommit={set('header')} readOnly={readOnly} />
          <SchemaField name="scheme" label="Scheme" schema={CREDENTIAL.scheme} value={value.scheme} onCommit={set('scheme')} readOnly={readOnly} hint={<>Sent as <code>{`${value.header}: ${value.scheme ? `${value.scheme} ` : ''}$${value.secret}`}</code></>} />
        </>
      )}
    </>
  );
}
