/** The small form of a conditional breakpoint: break when a tool is about to be called, on a matching message, or on a failed reply. */
import { useId, useState } from 'react';
import { conditionProblem, type BreakpointCondition, type ConditionalBreakpoint } from '../../../agents/protocol/breakpoint';
import type { OodaPhase } from '../../../agents/protocol/runtime-events';
import { PHASES } from './breakpoint-model';

const KINDS: { kind: BreakpointCondition['kind']; label: string }[] = [
  { kind: 'tool', label: 'a tool is about to be called' },
  { kind: 'message', label: 'a message matches' },
  { kind: 'failedReply', label: 'a reply or tool result failed' },
];

/** Edits (or creates, with `initial` null) a conditional breakpoint; `tools` are offered as tool names. */
export function ConditionForm({ initial, tools, onSave, onCancel }: { initial: ConditionalBreakpoint | null; tools: readonly string[]; onSave(bp: ConditionalBreakpoint): void; onCancel(): void }) {
  const start = initial?.condition;
  const [kind, setKind] = useState<BreakpointCondition['kind']>(start?.kind ?? 'tool');
  const [name, setName] = useState(start?.kind === 'tool' ? start.name : (tools[0] ?? ''));
  const [subject, setSubject] = useState(start?.kind === 'message' ? (start.subject ?? '') : '');
  const [text, setText] = useState(start?.kind === 'message' ? (start.text ?? '') : '');
  // A message condition's own phase; one made from a tool or failure condition starts at Observe.
  const [phase, setPhase] = useState<OodaPhase>(start?.kind === 'message' ? initial!.phase : 'observe');
  const condition: BreakpointCondition =
    kind === 'tool' ? { kind, name: name.trim() } : kind === 'failedReply' ? { kind } : { kind, ...(subject.trim() && { subject: subject.trim() }), ...(text.trim() && { text: text.trim() }) };
  // A tool call is known only before Act, a failure only at the next Observe; a message condition fits any phase.
  const at: OodaPhase = kind === 'tool' ? 'act' : kind === 'failedReply' ? 'observe' : phase;
  const problem = kind === 'tool' && name.trim() === '' ? 'Name the tool.' : conditionProblem(at, condition);
  const listId = useId();
  return (
    <form
      className="bp-form"
      data-testid="breakpoint-condition-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!problem) onSave({ phase: at, condition });
      }}
    >
      <label>
        Break when
        <select value={kind} onChange={(e) => setKind(e.target.value as BreakpointCondition['kind'])} data-testid="bp-kind">
          {KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>
      </label>
      {kind === 'tool' && (
        <label>
          Tool
          <input value={name} onChange={(e) => setName(e.target.value)} list={listId} placeholder="get_current_weather" data-testid="bp-tool" />
          <datalist id={listId}>
            {tools.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
        </label>
      )}
      {kind === 'message' && (
        <>
          <label>
            Subject
            <input value={subject} onChange={(e) => setSubject(e.target.value)} placeholder="agents.request.* (wildcards)" className="mono" data-testid="bp-subject" />
          </label>
          <label>
            Text
            <input value={text} onChange={(e) => setText(e.target.value)} placeholder="contains (any case)" data-testid="bp-text" />
          </label>
          <label>
            Before
            <select value={phase} onChange={(e) => setPhase(e.target.value as OodaPhase)} data-testid="bp-phase">
              {PHASES.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
        </>
      )}
      {kind !== 'message' && <span className="muted bp-form-phase">stops before {at}</span>}
      {problem && <span className="bp-form-problem">{problem}</span>}
      <span className="bp-form-actions">
        <button type="submit" className="btn btn-primary" disabled={problem !== null} data-testid="bp-save">
          {initial ? 'Save' : 'Add'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </span>
    </form>
  );
}
