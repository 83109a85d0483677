/** A node's name: checked as you type, applied on Enter or when leaving the field (a rename rewrites every reference). */
import { useId } from 'react';
import type { Topology } from '../../../../agents/topology/schema';
import { rename } from '../actions';
import { nameProblem } from '../model/names';
import type { NodeKind } from '../model/node-kinds';
import { FieldShell, useDraft } from './fields';
import { useStores } from '../../stores/stores-context';

/** The name field. */
export function NameField({ topology, kind, name, readOnly }: { topology: Topology; kind: NodeKind; name: string; readOnly?: boolean }) {
  const id = useId();
  const stores = useStores();
  const [draft, setDraft] = useDraft(name, (n) => n);
  const error = draft === name ? null : nameProblem(topology, kind, draft, name);
  const apply = () => {
    if (draft === name) return;
    if (error) return setDraft(name);
    const refused = rename(stores, name, draft);
    if (refused) setDraft(name);
  };
  return (
    <FieldShell label="Name" id={id} error={error} hint={draft !== name && !error ? 'Enter to rename; lines and references follow.' : undefined} testId="field-name">
      <input
        id={id}
        type="text"
        value={draft}
        readOnly={readOnly}
        spellCheck={false}
        aria-invalid={Boolean(error)}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => {
          if (e.key === 'Enter') apply();
          if (e.key === 'Escape') setDraft(name);
        }}
      />
    </FieldShell>
  );
}
