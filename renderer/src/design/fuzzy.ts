/** Fuzzy matching for the command palette: the query's letters in order, contiguous runs and word starts first. */

/** A match: its score (higher is better) and the matched character positions, or null. */
export function fuzzyMatch(query: string, text: string): { score: number; positions: number[] } | null {
  const q = query.toLowerCase().replace(/\s+/g, '');
  if (!q) return { score: 0, positions: [] };
  const t = text.toLowerCase();
  const positions: number[] = [];
  let score = 0;
  let from = 0;
  for (const ch of q) {
    const at = t.indexOf(ch, from);
    if (at < 0) return null;
    const previous = positions.at(-1);
    if (previous !== undefined && at === previous + 1) score += 3; // a run
    if (at === 0 || /[\s.:/_-]/.test(t[at - 1]!)) score += 2; // a word start
    score -= Math.min(at - from, 5) * 0.1; // skipped letters cost a little
    positions.push(at);
    from = at + 1;
  }
  return { score: score - text.length * 0.01, positions };
}
