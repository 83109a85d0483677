/** The Trace view's Table | Sequence switch (the sequence store keeps which one shows). */
import { useSequenceStore } from '../stores/sequence-store';

/** Two segmented buttons: the table or the sequence diagram of the same records. */
export function TraceModeSwitch() {
  const mode = useSequenceStore((s) => s.mode);
  const setMode = useSequenceStore((s) => s.setMode);
  return (
    <div className="segmented" role="group" aria-label="Show as">
      <button type="button" aria-pressed={mode === 'table'} onClick={() => setMode('table')} title="The records as a table" data-testid="trace-mode-table">
        Table
      </button>
      <button type="button" aria-pressed={mode === 'sequence'} onClick={() => setMode('sequence')} title="The same records as a sequence diagram: lanes per agent, an arrow per message" data-testid="trace-mode-sequence">
        Sequence
      </button>
    </div>
  );
}
