/**
 * The key a document's recovery copy is stored under. The document store's key is the file's
 * path (or an id for untitled documents); the host allows 200 characters and names the copy
 * after the first 120 of them, so long paths that differ only near the end would share a copy.
 * Long keys keep their end and get a hash of the whole. Pure.
 */

const MAX = 100;

/** The `file.autosave` / `file.discardRecovery` key for a document's recovery key. */
export function recoveryKeyFor(key: string): string {
  if (key.length <= MAX) return key;
  return `${key.slice(-(MAX - 9))}-${fnv1a(key)}`;
}

/** 32-bit FNV-1a as 8 hex digits: stable across sessions, which a copy's name must be. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
