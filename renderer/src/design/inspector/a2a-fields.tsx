/**
 * Inspector fields for A2A and batches: an agent served over A2A, an external A2A agent (card URL,
 * authentication by reference (credential-fields.tsx), timeout, the card's skills with "Refresh card"), and an agent's seed-002
 * batch window. Each says what leaving it empty means.
 */
import { useState } from 'react';
import type { z } from 'zod';
import { A2aExposureSchema, A2aPeerSchema, BatchSchema, type Topology } from '../../../../agents/topology/schema';
import type { Problem } from '../../../../agents/topology/validate';
import { useBusStore } from '../../stores/bus-store';
import { useDocumentStore } from '../../stores/document-store';
import { refreshA2aSkills } from '../model/add-a2a';
import { PeerAuthField } from './credential-fields';
import { FieldFeedback, SchemaField, useDraft } from './fields';
import { ServeField } from './serve-field';

type Peer = z.infer<typeof A2aPeerSchema>;
const DEFAULT_EXPOSURE = A2aExposureSchema.parse({});
const PEER = A2aPeerSchema.shape;

/** Where a served agent's card is (A2A serving puts one per agent under `/a2a/{agent}`). */
export const servedCardUrl = (topology: Topology, agent: string): string => {
  const { host, port } = topology.spec.a2a ?? DEFAULT_EXPOSURE;
  return `http://${host}:${port === 0 ? '<port>' : port}/a2a/${agent}/.well-known/agent-card.json`;
};

/** An agent's `a2a`: follow the topology's "serve every agent", or say yes or no for this one. */
export function AgentA2aField({ topology, agent, value, onCommit, problems, readOnly }: { topology: Topology; agent: string; value: boolean | undefined; onCommit(value: boolean | undefined): void; problems: Problem[]; readOnly: boolean }) {
  const exposure = topology.spec.a2a ?? DEFAULT_EXPOSURE;
  return (
    <ServeField
      label="Serve over A2A"
      testId="field-a2a"
      exposeAll={exposure.exposeAll}
      value={value}
      onCommit={onCommit}
      problems={problems}
      readOnly={readOnly}
      servedHint={<>A2A clients read its card at <code>{servedCardUrl(topology, agent)}</code>{exposure.port === 0 ? ' (the run prints the port)' : ''}.</>}
      notServedHint="A2A clients (any Agent2Agent SDK) can send it messages when served."
    />
  );
}

/** An agent's batch window: both numbers, or neither (one request per run). */
export function BatchField({ value, onCommit, problems, readOnly }: { value: z.infer<typeof BatchSchema> | undefined; onCommit(value: z.infer<typeof BatchSchema> | undefined): void; problems: Problem[]; readOnly: boolean }) {
  const [draft, setDraft] = useDraft(value, (v) => JSON.stringify({ size: v?.size ?? '', timeoutMs: v?.timeoutMs ?? '' }));
  const current = JSON.parse(draft) as { size: number | ''; timeoutMs: number | '' };
  const both = current.size !== '' && current.timeoutMs !== '';
  const parsed = BatchSchema.safeParse(current);
  const error = current.size === '' && current.timeoutMs === '' ? null : !both ? 'Give both (or neither).' : parsed.success ? null : `${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`;
  const change = (key: 'size' | 'timeoutMs', text: string) => {
    const next = { ...current, [key]: text.trim() === '' ? '' : Number(text) };
    setDraft(JSON.stringify(next));
    if (next.size === '' && next.timeoutMs === '') onCommit(undefined);
    else {
      const ok = BatchSchema.safeParse(next);
      if (ok.success) onCommit(ok.data);
    }
  };
  return (
    <fieldset className="fieldset" data-testid="field-batch">
      <legend className="fieldset-title">Batch</legend>
      <label className="field">
        <span className="field-label">Size (at most)</span>
        <input type="number" min={2} value={current.size} readOnly={readOnly} aria-invalid={Boolean(error)} data-testid="batch-size" onChange={(e) => change('size', e.target.value)} />
      </label>
      <label className="field">
        <span className="field-label">Window (ms)</span>
        <input type="number" min={1} value={current.timeoutMs} readOnly={readOnly} aria-invalid={Boolean(error)} data-testid="batch-timeout" onChange={(e) => change('timeoutMs', e.target.value)} />
      </label>
      <FieldFeedback error={error} problems={problems} />
      <span className="field-hint">
        {value ? `Requests arriving within ${value.timeoutMs} ms (up to ${value.size}) are one OODA run; each still gets its own answer.` : 'Empty: every request is its own run. Seed 002’s batch_size / batch_timeout.'}
      </span>
    </fieldset>
  );
}

/** An external agent's A2A settings: its card, credential by reference, timeout and the card's skills. */
export function ExternalA2aField({ name, value, onCommit, problems, readOnly }: { name: string; value: Peer | undefined; onCommit(value: Peer | undefined): void; problems: Problem[]; readOnly: boolean }) {
  const [card, setCard] = useDraft(value?.card, (v) => v ?? '');
  const cardError = card.trim() === '' ? null : (PEER.card.safeParse(card.trim()).error?.issues[0]?.message ?? null);
  const commitCard = (text: string) => {
    setCard(text);
    if (text.trim() === '') onCommit(undefined);
    else if (PEER.card.safeParse(text.trim()).success) onCommit(A2aPeerSchema.parse({ ...value, card: text.trim() }));
  };
  const set = <K extends keyof Peer>(key: K) => (v: unknown) => value && onCommit(A2aPeerSchema.parse({ ...value, [key]: v }));
  return (
    <fieldset className="fieldset" data-testid="field-a2a">
      <legend className="fieldset-title">A2A agent</legend>
      <label className="field">
        <span className="field-label">Agent card URL</span>
        <input type="url" value={card} readOnly={readOnly} spellCheck={false} aria-invalid={Boolean(cardError)} data-testid="a2a-card" placeholder="https://agent.example.com" onChange={(e) => commitCard(e.target.value)} />
      </label>
      <FieldFeedback error={cardError} problems={problems.filter((p) => p.path.length === 0 || p.path[0] === 'card')} />
      {value ? (
        <>
          <PeerAuthField value={value} onCommit={(peer) => onCommit(A2aPeerSchema.parse(peer))} problems={problems} readOnly={readOnly} />
          <SchemaField name="timeoutMs" label="Timeout (ms)" schema={PEER.timeoutMs} value={value.timeoutMs} onCommit={set('timeoutMs')} problems={problems.filter((p) => p.path[0] === 'timeoutMs')} readOnly={readOnly} hint="How long one call may take end to end; a peer that hangs fails after it." />
          <SkillsField name={name} peer={value} readOnly={readOnly} />
        </>
      ) : (
        <span className="field-hint">Empty: not an A2A agent (it speaks the topology’s profile). With a card URL, your agents reach it through the protocol gateway only.</span>
      )}
    </fieldset>
  );
}

/** The card's skills as last fetched, and "Refresh card" to read them again. */
function SkillsField({ name, peer, readOnly }: { name: string; peer: Peer; readOnly: boolean }) {
  const readCard = useBusStore((s) => s.readCard);
  const edit = useDocumentStore((s) => s.edit);
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const refresh = async () => {
    setState({ busy: true, error: null });
    try {
      const card = await readCard(peer.card);
      edit(`Refresh ${name}'s A2A card`, (t) => refreshA2aSkills(t, name, card));
      setState({ busy: false, error: null });
    } catch (error) {
      setState({ busy: false, error: error instanceof Error ? error.message : String(error) });
    }
  };
  return (
    <div className="field" data-testid="a2a-skills">
      <span className="field-label">Skills (from its card)</span>
      {peer.skills.length === 0 ? (
        <span className="field-hint">None recorded. Refresh to read them from the card.</span>
      ) : (
        <ul className="a2a-skills">
          {peer.skills.map((skill) => (
            <li key={skill.id}>
              <span className="a2a-skill-name">{skill.name || skill.id}</span>
              {skill.description && <span className="muted"> — {skill.description}</span>}
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="btn btn-small" onClick={() => void refresh()} disabled={readOnly || state.busy} data-testid="a2a-refresh">
        {state.busy ? 'Reading the card…' : 'Refresh card'}
      </button>
      {state.error && (
        <span className="field-error" role="alert">
          {state.error}
        </span>
      )}
    </div>
  );
}

