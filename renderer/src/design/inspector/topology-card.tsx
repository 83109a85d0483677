/** With nothing selected: the topology's own settings (name, profile, model settings…), from its schema. */
import { z } from 'zod';
import { LlmSettingsSchema, NodeNameSchema, TopologySchema, TopologySpecSchema, type Topology } from '../../../../agents/topology/schema';
import type { Problem } from '../../../../agents/topology/validate';
import { useDocumentStore } from '../../stores/document-store';
import { SchemaField } from './fields';
import { TopologyGatewayFields } from './gateway-fields';
import { TopologyClusterFields } from './synadia-fields';

const METADATA = TopologySchema.shape.metadata;
const LLMS = z.record(NodeNameSchema, LlmSettingsSchema);
const SPEC_FIELDS = ['profile', 'environment', 'registry'] as const;

/** The topology card. */
export function TopologyCard({ topology, problems }: { topology: Topology; problems: Problem[] }) {
  const edit = useDocumentStore((s) => s.edit);
  const readOnly = useDocumentStore((s) => s.readOnly);
  const at = (...path: string[]) => problems.filter((p) => path.every((k, i) => p.path[i] === k)).map((p) => ({ ...p, path: p.path.slice(path.length) }));
  const setMetadata = (key: string) => (value: unknown) =>
    edit(`Edit topology ${key}`, (t) => {
      const metadata: Record<string, unknown> = { ...t.metadata, [key]: value };
      if (value === undefined) delete metadata[key];
      return { ...t, metadata: metadata as Topology['metadata'] };
    }, `topology:${key}`);
  const setSpec = (key: string) => (value: unknown) =>
    edit(`Edit topology ${key}`, (t) => {
      const spec: Record<string, unknown> = { ...t.spec, [key]: value };
      // An optional setting cleared is left out of the file, not written as null.
      if (value === undefined) delete spec[key];
      return { ...t, spec: spec as Topology['spec'] };
    }, `topology:${key}`);

  return (
    <section className="card inspector-form" aria-label="Topology" data-testid="topology-card">
      <header className="card-header">
        <h3>Topology</h3>
        <span className="muted">{topology.spec.agents.length} agents</span>
      </header>
      <SchemaField name="name" schema={METADATA.shape.name} value={topology.metadata.name} onCommit={setMetadata('name')} problems={at('metadata', 'name')} readOnly={readOnly} />
      <SchemaField name="description" schema={METADATA.shape.description} value={topology.metadata.description} onCommit={setMetadata('description')} multiline readOnly={readOnly} />
      {SPEC_FIELDS.map((key) => (
        <SchemaField key={key} name={key} schema={TopologySpecSchema.shape[key]} value={topology.spec[key]} onCommit={setSpec(key)} problems={at('spec', key)} readOnly={readOnly} />
      ))}
      <SchemaField name="llms" label="LLM settings" schema={LLMS} value={topology.spec.llms} onCommit={setSpec('llms')} problems={at('spec', 'llms')} readOnly={readOnly} hint="Named model settings agents refer to; API keys by environment variable name (apiKeyEnv), never inline." />
      <SchemaField name="budget" label="Budget envelope" schema={TopologySpecSchema.shape.budget} value={topology.spec.budget} onCommit={setSpec('budget')} problems={at('spec', 'budget')} readOnly={readOnly} />
      <TopologyClusterFields topology={topology} problems={at} readOnly={readOnly} onCommit={(key, value) => setSpec(key)(value)} />
      <TopologyGatewayFields topology={topology} problems={at} readOnly={readOnly} onCommit={(key, value) => setSpec(key)(value)} />
      <SchemaField
        name="workflows"
        label="Durable workflows"
        schema={TopologySpecSchema.shape.workflows}
        value={topology.spec.workflows}
        onCommit={setSpec('workflows')}
        problems={at('spec', 'workflows')}
        readOnly={readOnly}
        hint='Seed 003: steps across agents kept in a JetStream stream, so a run killed mid-way resumes at the first unfinished step. E.g. [{"name": "pipeline", "steps": [{"name": "extract", "agent": "extractor"}, {"name": "report", "agent": "writer", "input": "Report on {{previous}}"}]}]. Start one with switchboard run --workflow NAME --input TEXT.'
      />
      <SchemaField name="example" label="Example request" schema={METADATA.shape.example} value={topology.metadata.example} onCommit={setMetadata('example')} problems={at('metadata', 'example')} readOnly={readOnly} />
    </section>
  );
}
