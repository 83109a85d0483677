/**
 * JSON a model wrote amid prose: the balanced `{…}` / `[…]` spans of a text, parsed, first to last.
 * Braces inside JSON strings do not count, and prose braces (`{name}`, an open `{`) around the JSON
 * are skipped. What the evaluation layer reads a verdict from and a batch's answer is split by.
 */

/** How many span starts are tried before giving up (each costs a scan of the rest of the text). */
export const MAX_JSON_STARTS = 64;

/**
 * The parsed values of the top-level balanced spans of `text` that open with one of `opens`, in
 * order: after a span that parses, the search goes on past its end (what it holds is its own).
 */
export function* jsonValuesIn(text: string, opens: '{' | '[' | '{[' = '{', maxStarts = MAX_JSON_STARTS): Generator<unknown> {
  let tried = 0;
  let from = 0;
  for (let start = nextOpen(text, opens, from); start >= 0 && tried < maxStarts; start = nextOpen(text, opens, from), tried++) {
    const end = spanEnd(text, start);
    from = start + 1;
    if (end < 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(text.slice(start, end + 1));
    } catch {
      continue; // prose in braces, or not JSON: the next start
    }
    from = end + 1;
    yield value;
  }
}

function nextOpen(text: string, opens: string, from: number): number {
  for (let i = from; i < text.length; i++) if (opens.includes(text[i]!)) return i;
  return -1;
}

/** The index of the bracket that closes the one at `start` (brackets inside JSON strings do not count), or -1. */
function spanEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && --depth === 0) return i;
  }
  return -1;
}
