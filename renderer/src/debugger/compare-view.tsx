/** The Debug view's Compare tab (being built). */

/** The Compare tab. */
export function CompareView() {
  return <p className="empty">Compare: not built yet.</p>;
}
