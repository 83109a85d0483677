/**
 * Inspector fields for running beyond one process: an agent served as a Synadia Agent Protocol
 * agent, an external agent's Synadia identity, and the topology's Synadia exposure and JetStream
 * replicas. Each says what leaving it empty means, since "empty" is a real setting here.
 */
import type { z } from 'zod';
import { JetStreamSettingsSchema, SynadiaExposureSchema, SynadiaIdentitySchema, type Topology } from '../../../../agents/topology/schema';
import type { Problem } from '../../../../agents/topology/validate';
import { FieldFeedback, SchemaField, useDraft } from './fields';
import { ServeField } from './serve-field';

type Exposure = z.infer<typeof SynadiaExposureSchema>;
type Identity = z.infer<typeof SynadiaIdentitySchema>;
const DEFAULT_EXPOSURE: Exposure = SynadiaExposureSchema.parse({});
const EXPOSURE = SynadiaExposureSchema.shape;

/** An agent's `synadia`: follow the topology's "serve every agent", or say yes or no for this one. */
export function AgentSynadiaField({ topology, agent, value, onCommit, problems, readOnly }: { topology: Topology; agent: string; value: boolean | undefined; onCommit(value: boolean | undefined): void; problems: Problem[]; readOnly: boolean }) {
  const exposure = topology.spec.synadia ?? DEFAULT_EXPOSURE;
  return (
    <ServeField
      label="Serve as a Synadia agent"
      testId="field-synadia"
      exposeAll={exposure.exposeAll}
      value={value}
      onCommit={onCommit}
      problems={problems}
      readOnly={readOnly}
      servedHint={<>Protocol clients reach it on <code>agents.prompt.switchboard.{exposure.owner}.{agent}</code>.</>}
      notServedHint="Synadia Agent Protocol clients (Claude Code, Codex… plugins) can discover and prompt it when served."
    />
  );
}

/** An external agent's Synadia identity: all three parts, or none (it then speaks the topology's profile). */
export function ExternalSynadiaField({ value, onCommit, problems, readOnly }: { value: Identity | undefined; onCommit(value: Identity | undefined): void; problems: Problem[]; readOnly: boolean }) {
  const [draft, setDraft] = useDraft(value, (v) => JSON.stringify(v ?? { agent: '', owner: '', name: '' }));
  const current = JSON.parse(draft) as Identity;
  const parts = ['agent', 'owner', 'name'] as const;
  const filled = parts.filter((p) => current[p] !== '').length;
  const parsed = SynadiaIdentitySchema.safeParse(current);
  const error = filled === 0 ? null : filled < 3 ? 'Fill in all three (or none).' : parsed.success ? null : `${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`;
  const change = (part: (typeof parts)[number], text: string) => {
    const next = { ...current, [part]: text };
    setDraft(JSON.stringify(next));
    if (parts.every((p) => next[p] === '')) onCommit(undefined);
    else {
      const ok = SynadiaIdentitySchema.safeParse(next);
      if (ok.success) onCommit(ok.data);
    }
  };
  return (
    <fieldset className="fieldset" data-testid="field-synadia">
      <legend className="fieldset-title">Synadia agent</legend>
      {parts.map((part) => (
        <label key={part} className="field">
          <span className="field-label">{part}</span>
          <input type="text" value={current[part]} readOnly={readOnly} spellCheck={false} aria-invalid={Boolean(error)} data-testid={`synadia-${part}`} onChange={(e) => change(part, e.target.value)} />
        </label>
      ))}
      <FieldFeedback error={error} problems={problems} />
      <span className="field-hint">
        {filled === 3 ? (
          <>
            Prompted on <code>agents.prompt.{current.agent}.{current.owner}.{current.name}</code> (found by discovery).
          </>
        ) : (
          'A Synadia Agent Protocol agent, as the Agents on the bus panel lists it. Empty: it speaks the topology’s profile.'
        )}
      </span>
    </fieldset>
  );
}

/** The topology's cluster settings: JetStream replicas, and serving its agents to Synadia clients. */
export function TopologyClusterFields({ topology, problems, readOnly, onCommit }: { topology: Topology; problems: (...path: string[]) => Problem[]; readOnly: boolean; onCommit(key: 'jetstream' | 'synadia', value: unknown): void }) {
  const exposure = topology.spec.synadia ?? DEFAULT_EXPOSURE;
  const setExposure = (key: keyof Exposure) => (value: unknown) => {
    const next = { ...exposure, [key]: value === undefined ? DEFAULT_EXPOSURE[key] : value };
    // All defaults: nothing to write (the same as not serving anything but opted-in agents).
    onCommit('synadia', JSON.stringify(next) === JSON.stringify(DEFAULT_EXPOSURE) ? undefined : next);
  };
  const replicas = topology.spec.jetstream?.replicas;
  return (
    <>
      <fieldset className="fieldset" data-testid="field-jetstream">
        <legend className="fieldset-title">JetStream</legend>
        <SchemaField
          name="replicas"
          label="Bucket replicas"
          schema={JetStreamSettingsSchema.shape.replicas}
          value={replicas}
          placeholder="automatic"
          onCommit={(v) => onCommit('jetstream', v === undefined ? undefined : { ...topology.spec.jetstream, replicas: v })}
          problems={problems('spec', 'jetstream', 'replicas')}
          readOnly={readOnly}
          hint="Copies of the registry and blackboard buckets, so they survive losing a node. Blank: automatic — as many as the cluster has nodes, up to 3 (1 on a single server)."
        />
      </fieldset>
      <fieldset className="fieldset" data-testid="field-synadia-exposure">
        <legend className="fieldset-title">Synadia Agent Protocol</legend>
        <SchemaField name="exposeAll" label="Serve every agent as a Synadia agent" schema={EXPOSURE.exposeAll} value={exposure.exposeAll} onCommit={setExposure('exposeAll')} problems={problems('spec', 'synadia', 'exposeAll')} readOnly={readOnly} hint="So Synadia Agent Protocol clients (Claude Code, Codex, OpenClaw plugins…) can discover and prompt them. An agent’s own setting overrides this." />
        <SchemaField name="owner" label="Owner" schema={EXPOSURE.owner} value={exposure.owner} onCommit={setExposure('owner')} problems={problems('spec', 'synadia', 'owner')} readOnly={readOnly} hint={<>The owner token clients see: <code>agents.prompt.switchboard.{exposure.owner}.&lt;agent&gt;</code></>} />
        <SchemaField name="heartbeatS" label="Heartbeat (seconds)" schema={EXPOSURE.heartbeatS} value={exposure.heartbeatS} onCommit={setExposure('heartbeatS')} problems={problems('spec', 'synadia', 'heartbeatS')} readOnly={readOnly} hint="How often served agents say they are alive (the protocol’s default: 30)." />
      </fieldset>
    </>
  );
}
