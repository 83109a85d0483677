/** The Problems tab: every problem of the document; a click reveals it on the canvas and in the source. */
import { useMemo } from 'react';
import type { Problem } from '../../../../agents/topology/validate';
import { useDocumentStore } from '../../stores/document-store';
import { useViewStore } from '../../stores/view-store';
import { listConnections } from '../model/connections';
import { problemTarget, type ElementRef } from '../model/problem-targets';

/** The list. */
export function ProblemsList() {
  const topology = useDocumentStore((s) => s.topology);
  const problems = useDocumentStore((s) => s.problems);
  const revealPlace = useViewStore((s) => s.revealPlace);
  const rows = useMemo(() => {
    const lines = topology ? listConnections(topology) : [];
    return problems.map((problem) => ({ problem, target: topology ? problemTarget(topology, problem, lines) : null }));
  }, [topology, problems]);

  if (rows.length === 0) return <p className="empty" data-testid="problems-empty">{topology ? 'No problems.' : 'No topology open.'}</p>;
  const go = (problem: Problem, target: ElementRef | null) => {
    // In the source view (or for what the canvas does not draw) at the line; else on the canvas.
    revealPlace({ path: problem.path, target, ...(problem.line !== undefined && { line: problem.line }), ...(problem.column !== undefined && { column: problem.column }) });
  };
  return (
    <div className="problems" data-testid="problems">
      <table className="problems-table">
        <tbody>
          {rows.map(({ problem, target }, i) => (
            <tr
              key={i}
              className="problem-row"
              tabIndex={0}
              data-testid="problem-row"
              data-target={target ? `${target.type}:${target.id}` : undefined}
              onClick={() => go(problem, target)}
              onKeyDown={(e) => e.key === 'Enter' && go(problem, target)}
            >
              <td className={`problem-sev problem-sev-${problem.severity}`} aria-label={problem.severity}>
                {problem.severity === 'error' ? '✕' : '!'}
              </td>
              <td className="problem-message">{problem.message}</td>
              <td className="problem-where">{target ? (target.type === 'node' ? target.id : target.id.replace(/^(\w+):/, '$1 ')) : problem.path.join('.')}</td>
              <td className="problem-where">{problem.line !== undefined ? `line ${problem.line}` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Errors and warnings, for the tab's badge. */
export function useProblemCounts(): { errors: number; warnings: number } {
  const problems = useDocumentStore((s) => s.problems);
  return useMemo(() => ({ errors: problems.filter((p) => p.severity === 'error').length, warnings: problems.filter((p) => p.severity === 'warning').length }), [problems]);
}
