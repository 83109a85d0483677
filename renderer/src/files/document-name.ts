/** What the window and the top bar call the open document. Pure. */
import type { Topology } from '../../../agents/topology/schema';

/** The last segment of a path, whichever separator the host's platform uses. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).at(-1) ?? path;
}

/** The file's name when saved; else the topology's name marked untitled; else "Untitled". */
export function documentName(path: string | null, topology: Topology | null): string {
  if (path) return baseName(path);
  return topology ? `${topology.metadata.name} (untitled)` : 'Untitled';
}

/** The window title: `● name — Switchboard` with unsaved changes, `Switchboard` with nothing open. */
export function windowTitle(name: string | null, dirty: boolean): string {
  if (name === null) return 'Switchboard';
  return `${dirty ? '● ' : ''}${name} — Switchboard`;
}

/** A file name to suggest for Save As: the topology's name as a token, `.yaml`. */
export function suggestedFileName(topology: Topology | null): string {
  const base = (topology?.metadata.name ?? 'topology').toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${base || 'topology'}.yaml`;
}

/** The text of a new, empty topology ("Blank" in the gallery). */
export const BLANK_TOPOLOGY = `apiVersion: switchboard.dev/v1
kind: Topology
metadata:
  name: untitled
spec: {}
`;
