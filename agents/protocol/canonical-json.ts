/**
 * A value as a stable string: the same content gives the same text whatever the key order (keys
 * holding undefined are left out, as JSON leaves them). Tool idempotency keys and a replay's
 * matching of recorded calls both compare arguments this way.
 */

/** `value` as canonical JSON text (sorted keys). */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
