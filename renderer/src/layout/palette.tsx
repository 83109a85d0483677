/** The left palette: the kinds of node a topology is made of. */

const KINDS = [
  { kind: 'Agent', hint: 'An LLM agent with an OODA loop' },
  { kind: 'External agent', hint: 'An agent in another process or language' },
  { kind: 'Tool', hint: 'A built-in tool' },
  { kind: 'MCP server', hint: 'Tools from an MCP server' },
  { kind: 'Blackboard', hint: 'Shared state in a JetStream KV bucket' },
];

/** The palette. */
export function Palette() {
  return (
    <aside className="side-panel palette" aria-label="Palette">
      <h2 className="panel-title">Palette</h2>
      <ul className="palette-list">
        {KINDS.map(({ kind, hint }) => (
          <li key={kind} className="palette-item" aria-disabled="true" title={hint}>
            <span className={`palette-icon palette-icon-${kind.toLowerCase().replace(/\s+/g, '-')}`} aria-hidden="true" />
            <span>
              <span className="palette-kind">{kind}</span>
              <span className="palette-hint">{hint}</span>
            </span>
          </li>
        ))}
      </ul>
      <p className="panel-note">Open or create a topology to drag these onto the canvas.</p>
    </aside>
  );
}
