/** The Debug view's Timeline tab (being built). */

/** The Timeline tab; `active` while the Debug view shows. */
export function TimelineView({ active: _active }: { active: boolean }) {
  return <p className="empty">Timeline: not built yet.</p>;
}
