/**
 * The smallest single replacement that turns one text into another (common prefix and suffix
 * kept). Editors apply it instead of replacing the whole text, so the cursor, the selection,
 * folding and Monaco's own undo history survive a change made elsewhere (canvas, inspector).
 */

/** One replacement: offsets into the old text, and what goes between them. */
export interface TextChange {
  start: number;
  end: number;
  text: string;
}

/** The change from `before` to `after`; null when they are equal. */
export function minimalChange(before: string, after: string): TextChange | null {
  if (before === after) return null;
  const max = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  // Never split a surrogate pair: Monaco positions count UTF-16 units, but half a pair is not text.
  if (prefix > 0 && isHighSurrogate(before.charCodeAt(prefix - 1))) prefix--;
  if (suffix > 0 && isLowSurrogate(before.charCodeAt(before.length - suffix))) suffix--;
  return { start: prefix, end: before.length - suffix, text: after.slice(prefix, after.length - suffix) };
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;
