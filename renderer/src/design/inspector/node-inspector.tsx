/** The inspector of one node: a form generated from its kind's zod schema, with a few fields given richer widgets. */
import type { ReactNode } from 'react';
import type { z } from 'zod';
import { AgentSchema, BlackboardSchema, ExternalAgentSchema, McpServerSchema, ToolSchema, type Topology } from '../../../../agents/topology/schema';
import type { Problem } from '../../../../agents/topology/validate';
import { AgentBreakpoints } from '../../debugger/breakpoint-editor';
import { PromptEditor } from '../../editors/prompt-editor';
import { useDocumentStore } from '../../stores/document-store';
import { deleteSelection, duplicateSelection } from '../actions';
import { KIND_LABEL, type NodeKind, type NodeRef } from '../model/node-kinds';
import { updateNode } from '../model/update';
import { FieldShell, SchemaField } from './fields';
import { nodeProblems } from './field-problems';
import { NameField } from './name-field';
import { PatternFields } from './pattern-fields';
import { AgentA2aField, BatchField, ExternalA2aField } from './a2a-fields';
import { AgentSynadiaField, ExternalSynadiaField } from './synadia-fields';
import { useStores } from '../../stores/stores-context';

const SCHEMAS: Record<NodeKind, z.ZodObject> = { agent: AgentSchema, external: ExternalAgentSchema, tool: ToolSchema, mcp: McpServerSchema, blackboard: BlackboardSchema };

/** Hints for fields whose meaning is not obvious from their name. */
const HINTS: Record<string, string> = {
  tools: 'Draw a line from the agent to a tool or MCP server to add one; built-ins (delegate, blackboard_write…) by name.',
  blackboards: 'Draw a line from the agent to a blackboard to add one.',
  allow: 'Only these agents may call it; empty: any agent that lists it.',
  capabilities: 'What the capability registry routes to this agent.',
  answers: 'Whether it answers requests.',
  exposeOnNats: 'Also serve it on the bus for agents in other processes.',
  bucket: 'The JetStream KV bucket; empty: the blackboard’s name.',
  replicas: 'Copies share the load through a queue group.',
};
const MULTILINE = new Set(['result', 'description']);

/** The inspector for `node`. */
export function NodeInspector({ topology, node, problems }: { topology: Topology; node: NodeRef; problems: Problem[] }) {
  const stores = useStores();
  const edit = useDocumentStore((s) => s.edit);
  const readOnly = useDocumentStore((s) => s.readOnly);
  const schema = SCHEMAS[node.kind];
  // An external agent speaks one protocol: once it is a Synadia or an A2A agent, the other's fields are noise.
  const other = node.kind === 'external' ? (node.spec.a2a ? 'synadia' : node.spec.synadia ? 'a2a' : null) : null;
  const keys = Object.keys(schema.shape).filter((k) => k !== 'name' && k !== other);
  const byField = nodeProblems(topology, problems, node, new Set(keys));
  const spec = node.spec as Record<string, unknown>;
  const commit = (key: string) => (value: unknown) => edit(`Edit ${node.name} ${key}`, (t) => updateNode(t, node.name, { [key]: value }), `field:${node.kind}:${node.index}:${key}`);

  const custom: Record<string, () => ReactNode> = {
    llm: () => <LlmField topology={topology} value={String(spec['llm'])} onCommit={commit('llm')} problems={byField.at('llm')} />,
    prompt: () => (
      <FieldShell label="Prompt" problems={byField.at('prompt')} testId="field-prompt" hint="{{variables}} are filled in at Orient; type {{ to complete one.">
        {/* The other half of the designer's Monaco prompt editor plugs in here. */}
        <PromptEditor value={String(spec['prompt'] ?? '')} onChange={commit('prompt')} variables={Object.keys((spec['variables'] as Record<string, string>) ?? {})} readOnly={readOnly} />
      </FieldShell>
    ),
    breakpoints: () => (
      <FieldShell label="Breakpoints" problems={byField.at('breakpoints')} hint="Break before these phases; a condition breaks only when it holds. Also the dot left of the agent on the canvas.">
        <AgentBreakpoints agent={node.name} />
      </FieldShell>
    ),
    synadia: () =>
      node.kind === 'external' ? (
        <ExternalSynadiaField value={node.spec.synadia} onCommit={commit('synadia')} problems={byField.at('synadia')} readOnly={readOnly} />
      ) : (
        <AgentSynadiaField topology={topology} agent={node.name} value={spec['synadia'] as boolean | undefined} onCommit={commit('synadia')} problems={byField.at('synadia')} readOnly={readOnly} />
      ),
    a2a: () =>
      node.kind === 'external' ? (
        <ExternalA2aField name={node.name} value={node.spec.a2a} onCommit={commit('a2a')} problems={byField.at('a2a')} readOnly={readOnly} />
      ) : (
        <AgentA2aField topology={topology} agent={node.name} value={spec['a2a'] as boolean | undefined} onCommit={commit('a2a')} problems={byField.at('a2a')} readOnly={readOnly} />
      ),
    batch: () => <BatchField value={spec['batch'] as z.infer<typeof AgentSchema>['batch']} onCommit={commit('batch')} problems={byField.at('batch')} readOnly={readOnly} />,
    pattern: () => <PatternFields agent={node.spec as z.infer<typeof AgentSchema>} onCommit={commit('pattern')} problems={byField.at('pattern')} readOnly={readOnly} />,
  };

  return (
    <section className="inspector-form" aria-label={`${KIND_LABEL[node.kind]} ${node.name}`} data-testid="node-inspector">
      <header className="inspector-head">
        <span className="inspector-kind">{KIND_LABEL[node.kind]}</span>
      </header>
      {byField.general.length > 0 && (
        <ul className="node-problems" data-testid="node-problems">
          {byField.general.map((p, i) => (
            <li key={i}>{p.message}</li>
          ))}
        </ul>
      )}
      <NameField key={node.name} topology={topology} kind={node.kind} name={node.name} readOnly={readOnly} />
      {keys.map((key) =>
        (node.kind === 'agent' || key === 'synadia' || key === 'a2a') && custom[key] ? (
          <div key={key}>{custom[key]()}</div>
        ) : (
          <SchemaField
            key={`${node.name}:${key}`}
            name={key}
            schema={schema.shape[key] as z.ZodType}
            value={spec[key]}
            onCommit={commit(key)}
            problems={byField.at(key)}
            readOnly={readOnly}
            multiline={MULTILINE.has(key) && key !== 'description'}
            {...(HINTS[key] && { hint: HINTS[key] })}
          />
        ),
      )}
      <div className="inspector-actions">
        <button type="button" className="btn" onClick={() => duplicateSelection(stores)} disabled={readOnly}>
          Duplicate
        </button>
        <button type="button" className="btn btn-danger" onClick={() => deleteSelection(stores)} disabled={readOnly} data-testid="delete-selection">
          Delete
        </button>
      </div>
    </section>
  );
}

/** The agent's model settings: one of the topology's `llms`, shown with what it resolves to. */
function LlmField({ topology, value, onCommit, problems }: { topology: Topology; value: string; onCommit(value: unknown): void; problems: Problem[] }) {
  const names = Object.keys(topology.spec.llms);
  const options = names.includes(value) ? names : [value, ...names];
  return (
    <FieldShell label="Model settings (llm)" problems={problems} testId="field-llm" hint="Declared under the topology’s LLM settings (select the canvas background).">
      <select value={value} onChange={(e) => onCommit(e.target.value)} aria-label="Model settings">
        {options.map((name) => {
          const settings = topology.spec.llms[name];
          return (
            <option key={name} value={name}>
              {settings ? `${name} — ${settings.provider}${settings.model ? ` · ${settings.model}` : ''}` : `${name} (not declared)`}
            </option>
          );
        })}
      </select>
    </FieldShell>
  );
}
