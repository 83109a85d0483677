/**
 * The trace filter bar's language, close to DevTools' Network filter: `key:value` tokens
 * (`subject:`, `agent:`, `type:`, `kind:`, `from:`, `to:`, `text:`), a bare subject pattern
 * (`agents.request.*`, `agents.>`), and bare words or "quoted text" searched in payloads. The host
 * evaluates the result (`trace.query`); this only turns text into its filter fields.
 */
import type { TraceQuery } from '../../../agents/trace/query';

/** The filters the bar can set: a subset of `TraceQuery`. */
export type FilterFields = Pick<TraceQuery, 'subject' | 'agent' | 'kind' | 'type' | 'text' | 'from' | 'to'>;

const KEYS = ['subject', 'agent', 'type', 'kind', 'text', 'from', 'to'] as const;
type Key = (typeof KEYS)[number];
const isKey = (key: string): key is Key => (KEYS as readonly string[]).includes(key);

/** Splits on spaces, keeping "quoted text" (and `key:"quoted text"`) whole, without the quotes. */
function tokens(text: string): string[] {
  return [...text.matchAll(/(?:[^\s"]+:)?"[^"]*"?|\S+/g)].map((m) => m[0].replace(/"/g, ''));
}

/** A bare token that is a subject pattern rather than a word to search for. */
const looksLikeSubject = (token: string) => /^[\w$-]+(\.[\w$*>-]+)+$|^[*>]$|^[\w$-]+\.[*>]$/.test(token);

/** The filter fields of the bar's text, or why it cannot be read. */
export function parseFilter(text: string): { ok: true; filter: FilterFields } | { ok: false; error: string } {
  const filter: FilterFields = {};
  const words: string[] = [];
  for (const token of tokens(text.trim())) {
    const colon = token.indexOf(':');
    const key = colon > 0 ? token.slice(0, colon).toLowerCase() : '';
    if (colon > 0 && isKey(key)) {
      const value = token.slice(colon + 1);
      if (!value) return { ok: false, error: `"${key}:" needs a value` };
      if (key === 'text') words.push(value);
      else if (key === 'kind') {
        const kind = value.replace(/s$/, '');
        if (kind !== 'message' && kind !== 'event') return { ok: false, error: `kind is "message" or "event", not "${value}"` };
        filter.kind = kind;
      } else if (key === 'from' || key === 'to') {
        if (Number.isNaN(Date.parse(value))) return { ok: false, error: `${key}: "${value}" is not a date-time (e.g. 2026-12-06T07:40:00Z)` };
        filter[key] = value;
      } else {
        if (filter[key] !== undefined) return { ok: false, error: `one ${key} at a time (${filter[key]} and ${value})` };
        filter[key] = value;
      }
    } else if (colon > 0 && /^[a-z]+$/i.test(token.slice(0, colon)) && !token.includes('.')) {
      return { ok: false, error: `unknown filter "${token.slice(0, colon)}:" (use ${KEYS.map((k) => `${k}:`).join(' ')})` };
    } else if (looksLikeSubject(token) && filter.subject === undefined) {
      filter.subject = token;
    } else {
      words.push(token);
    }
  }
  if (words.length) filter.text = words.join(' ');
  return { ok: true, filter };
}

/** The bar's text with `key:value` set (replacing that key's token), or removed when `value` is null. */
export function setFilterToken(text: string, key: Exclude<Key, 'text'>, value: string | null): string {
  const kept = tokens(text.trim()).filter((t) => !t.toLowerCase().startsWith(`${key}:`) && !(key === 'subject' && looksLikeSubject(t)));
  const quoted = kept.map((t) => (/\s/.test(t) ? `"${t}"` : t));
  return [...quoted, ...(value === null ? [] : [`${key}:${value}`])].join(' ');
}
