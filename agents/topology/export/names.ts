/** Names the exporters derive from a topology's display name. */

/** `name` as a slug: lowercase letters, digits, `-` and `_`, starting and ending with a letter or digit; `fallback` if nothing is left. */
export function slugOf(name: string, fallback: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+|[-_]+$/g, '') || fallback;
}
