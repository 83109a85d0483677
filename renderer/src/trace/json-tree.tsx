/** A JSON value as a collapsible tree (objects and arrays fold; the first levels start open). */
import type { ReactNode } from 'react';

/** Levels open at first. */
const OPEN_DEPTH = 2;
/** Children shown per object or array before "… n more". */
const MAX_CHILDREN = 500;

/** One scalar, coloured by its type. */
function Scalar({ value }: { value: unknown }) {
  if (value === null) return <span className="json-null">null</span>;
  if (typeof value === 'string') return <span className="json-string">{JSON.stringify(value)}</span>;
  if (typeof value === 'number') return <span className="json-number">{String(value)}</span>;
  if (typeof value === 'boolean') return <span className="json-boolean">{String(value)}</span>;
  return <span className="json-null">{String(value)}</span>;
}

/** A node of the tree: `name` is its key or index. */
function Node({ name, value, depth }: { name: ReactNode; value: unknown; depth: number }) {
  const label = name === null ? null : <span className="json-key">{name}: </span>;
  if (typeof value !== 'object' || value === null) {
    return (
      <div className="json-leaf">
        {label}
        <Scalar value={value} />
      </div>
    );
  }
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) {
    return (
      <div className="json-leaf">
        {label}
        <span className="json-punct">{open + close}</span>
      </div>
    );
  }
  return (
    <details className="json-node" open={depth < OPEN_DEPTH}>
      <summary>
        {label}
        <span className="json-punct">{open}</span>
        <span className="json-count"> {entries.length} {Array.isArray(value) ? (entries.length === 1 ? 'item' : 'items') : entries.length === 1 ? 'key' : 'keys'} </span>
        <span className="json-punct json-close-inline">{close}</span>
      </summary>
      <div className="json-children">
        {entries.slice(0, MAX_CHILDREN).map(([key, child]) => (
          <Node key={key} name={key} value={child} depth={depth + 1} />
        ))}
        {entries.length > MAX_CHILDREN && <div className="muted">… {entries.length - MAX_CHILDREN} more</div>}
      </div>
    </details>
  );
}

/** The tree of `value`. */
export function JsonTree({ value }: { value: unknown }) {
  return (
    <div className="json-tree mono" data-testid="json-tree">
      <Node name={null} value={value} depth={0} />
    </div>
  );
}
