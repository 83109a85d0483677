/** The inspector of one line: a channel edge's fields (EdgeSchema), or what an agent reference means. */
import { z } from 'zod';
import { EdgeKindSchema, EdgeSchema, type Topology } from '../../../../agents/topology/schema';
import type { Problem } from '../../../../agents/topology/validate';
import { useDocumentStore } from '../../stores/document-store';
import { changeLineKind, deleteSelection } from '../actions';
import { CONNECTION_LABEL } from '../model/connection-kinds';
import { allowedBetween, defaultSubscribeSubject, updateAgent, updateEdge, type Connection } from '../model/connections';
import { connectionSubject } from '../model/subjects';
import { FieldShell, SchemaField } from './fields';
import { useStores } from '../../stores/stores-context';

const WATCH_KEY = z.string().min(1, 'A key (or key pattern, like facts.>) is required.');

/** The inspector for `line`. */
export function LineInspector({ topology, line, problems }: { topology: Topology; line: Connection; problems: Problem[] }) {
  const stores = useStores();
  const edit = useDocumentStore((s) => s.edit);
  const readOnly = useDocumentStore((s) => s.readOnly);
  const source = line.source;
  const mine = source.type === 'edge' ? problems.filter((p) => p.path[1] === 'edges' && p.path[2] === source.index).map((p) => ({ ...p, path: p.path.slice(3) })) : [];
  const at = (field: string) => mine.filter((p) => p.path[0] === field);
  const general = mine.filter((p) => p.path.length === 0 || !['kind', 'subject', 'description', 'from', 'to'].includes(String(p.path[0])));
  const others = allowedBetween(topology, line.from, line.to);

  return (
    <section className="inspector-form" aria-label="Line" data-testid="line-inspector">
      <header className="inspector-head">
        <span className="inspector-kind">{CONNECTION_LABEL[line.kind]}</span>
      </header>
      <h3 className="mono">
        {line.from} → {line.to}
      </h3>
      {general.length > 0 && (
        <ul className="node-problems">
          {general.map((p, i) => (
            <li key={i}>{p.message}</li>
          ))}
        </ul>
      )}
      {[...at('from'), ...at('to')].map((p, i) => (
        <span key={i} className="field-error" data-testid="field-problem">
          {p.message}
        </span>
      ))}
      <FieldShell label="Subject" hint="From the topology’s subject profile.">
        <div className="subject-box" data-testid="line-subject">
          {connectionSubject(topology, line)}
        </div>
      </FieldShell>
      {source.type === 'edge' && (
        <>
          <SchemaField
            name="kind"
            schema={EdgeKindSchema}
            value={line.kind}
            readOnly={readOnly}
            problems={at('kind')}
            hint={others.ok ? `Also possible here: ${others.kinds.map((k) => CONNECTION_LABEL[k].toLowerCase()).join(', ')}.` : undefined}
            onCommit={(kind) =>
              edit('Change line kind', (t) => {
                const edge = t.spec.edges[source.index]!;
                const subject = kind === 'subscribe' ? (edge.subject ?? defaultSubscribeSubject(t, edge.from)) : undefined;
                return updateEdge(t, source.index, { kind: kind as z.infer<typeof EdgeKindSchema>, subject });
              })
            }
          />
          {line.kind === 'subscribe' && (
            <SchemaField name="subject" label="Subject pattern" schema={EdgeSchema.shape.subject} value={line.detail} readOnly={readOnly} problems={at('subject')} onCommit={(subject) => edit('Edit subject', (t) => updateEdge(t, source.index, { subject: subject as string | undefined }), `edge:${source.index}:subject`)} />
          )}
          <SchemaField
            name="description"
            schema={EdgeSchema.shape.description}
            value={topology.spec.edges[source.index]?.description}
            readOnly={readOnly}
            onCommit={(description) => edit('Edit line description', (t) => updateEdge(t, source.index, { description: description as string | undefined }), `edge:${source.index}:description`)}
          />
        </>
      )}
      {source.type === 'tool' && <p className="field-hint">{line.from} may call {line.detail?.endsWith('/*') ? `every tool of ${line.to}` : line.detail} (listed in its tools).</p>}
      {source.type === 'blackboard' && <p className="field-hint">{line.from} reads and writes {line.to} (listed in its blackboards).</p>}
      {source.type === 'watch' && (
        <SchemaField
          name="key"
          label="Watched key"
          schema={WATCH_KEY}
          value={line.detail}
          readOnly={readOnly}
          hint={`Updates of this key (pattern) of ${line.from} start ${line.to}.`}
          onCommit={(key) =>
            typeof key === 'string' &&
            edit('Edit watched key', (t) => updateAgent(t, line.to, (a) => ({ ...a, pattern: { ...a.pattern, watch: (a.pattern?.watch ?? []).map((w, i) => (i === source.index ? { ...w, key } : w)) } })), `watch:${line.id}`)
          }
        />
      )}
      {source.type !== 'edge' && others.ok && (
        <div className="inspector-actions">
          {others.kinds.map((kind) => (
            <button key={kind} type="button" className="btn" disabled={readOnly} onClick={() => changeLineKind(stores, line.id, kind)}>
              Make it {CONNECTION_LABEL[kind].toLowerCase()}
            </button>
          ))}
        </div>
      )}
      <div className="inspector-actions">
        <button type="button" className="btn btn-danger" onClick={() => deleteSelection(stores)} disabled={readOnly} data-testid="delete-selection">
          Delete line
        </button>
      </div>
    </section>
  );
}
