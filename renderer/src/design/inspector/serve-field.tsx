/**
 * "Serve this agent to another protocol's clients": follow the topology's "serve every agent", or
 * say yes or no for this one (the A2A and Synadia settings of an agent are both this).
 */
import { useId, type ReactNode } from 'react';
import type { Problem } from '../../../../agents/topology/validate';
import { FieldShell } from './fields';

/** Props of {@link ServeField}. */
export interface ServeFieldProps {
  label: string;
  testId: string;
  /** The topology's default for every agent. */
  exposeAll: boolean;
  value: boolean | undefined;
  onCommit(value: boolean | undefined): void;
  problems: Problem[];
  readOnly: boolean;
  /** What the hint says when the agent is served, and when not. */
  servedHint: ReactNode;
  notServedHint: ReactNode;
}

/** The three-way select (as the topology says / served / not served) with a hint for the result. */
export function ServeField({ label, testId, exposeAll, value, onCommit, problems, readOnly, servedHint, notServedHint }: ServeFieldProps) {
  const id = useId();
  const served = value ?? exposeAll;
  return (
    <FieldShell label={label} id={id} problems={problems} testId={testId} hint={served ? servedHint : notServedHint}>
      <select id={id} value={value === undefined ? '' : String(value)} disabled={readOnly} onChange={(e) => onCommit(e.target.value === '' ? undefined : e.target.value === 'true')}>
        <option value="">As the topology says ({exposeAll ? 'served' : 'not served'})</option>
        <option value="true">Served</option>
        <option value="false">Not served</option>
      </select>
    </FieldShell>
  );
}
