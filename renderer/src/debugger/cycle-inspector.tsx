/** The Debug view's Cycles tab (being built). */

/** The Cycles tab; `active` while the Debug view shows. */
export function CycleInspector({ active: _active }: { active: boolean }) {
  return <p className="empty">Cycles: not built yet.</p>;
}
