/** What every designer node shares: its handles, its problem marker and its frame. */
import { Handle, Position } from '@xyflow/react';
import type { ReactNode } from 'react';
import type { Problem } from '../../../../agents/topology/validate';

/** The frame of a node: `ins` and `outs` choose which handles it has. */
export function NodeShell({ kind, problems, selected, ins = true, outs = true, children }: { kind: string; problems: Problem[]; selected: boolean; ins?: boolean; outs?: boolean; children: ReactNode }) {
  const severity = problems.some((p) => p.severity === 'error') ? 'error' : problems.length ? 'warning' : null;
  return (
    <div className={`dnode dnode-${kind}${selected ? ' dnode-selected' : ''}${severity ? ` dnode-${severity}` : ''}`} data-problems={problems.length || undefined}>
      {ins && <Handle type="target" position={Position.Left} className="dhandle" />}
      {children}
      {severity && <ProblemBadge problems={problems} severity={severity} />}
      {outs && <Handle type="source" position={Position.Right} className="dhandle" />}
    </div>
  );
}

/** A "!" with the count; its tooltip lists the messages. */
function ProblemBadge({ problems, severity }: { problems: Problem[]; severity: 'error' | 'warning' }) {
  return (
    <span className={`problem-badge problem-badge-${severity}`} title={problems.map((p) => p.message).join('\n')} aria-label={`${problems.length} problem${problems.length > 1 ? 's' : ''}`}>
      {problems.length > 1 ? problems.length : '!'}
    </span>
  );
}

/** Up to `max` chips, then "+n". */
export function Chips({ items, max = 3 }: { items: readonly string[]; max?: number }) {
  if (items.length === 0) return null;
  return (
    <div className="chips">
      {items.slice(0, max).map((item) => (
        <span key={item} className="chip">
          {item}
        </span>
      ))}
      {items.length > max && <span className="chip chip-more">+{items.length - max}</span>}
    </div>
  );
}
