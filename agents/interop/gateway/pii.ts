/**
 * PII stripping for outbound payloads (seed 004, part 2: the protocol gateway strips personal data
 * before anything leaves for an external protocol). Pure: text and JSON (any depth) in, the cleaned
 * copy and what was removed out: kind, where and how many, never the value.
 */
import type { Stripped, StrippedKind } from './types.js';

/** Which rules apply (`spec.protocolGateway.pii`, defaults applied). */
export interface PiiRules {
  emails: boolean;
  phones: boolean;
  cards: boolean;
  /** JSON field names (any depth, compared case-insensitively) whose values are removed whole. */
  fields: readonly string[];
}

/** Every rule on, no named fields: what the gateway does when the topology says nothing. */
export const DEFAULT_PII_RULES: PiiRules = { emails: true, phones: true, cards: true, fields: [] };

/** What replaces a removed value, by kind (a user reading the peer's side sees that something was there). */
export const PII_REPLACEMENT: Record<StrippedKind, string> = {
  email: '[email removed]',
  phone: '[phone removed]',
  card: '[card removed]',
  field: '[removed]',
};

/** A payload after stripping, and what was removed. */
export interface PiiResult<T> {
  value: T;
  stripped: Stripped[];
}

// `%40` is an @ in a URL's query or path (`?user=alice%40example.com`): still an address. Letters
// are any script's (josé@example.com, alice@bücher.de: an ASCII-only class left them whole), and
// an apostrophe may join a local part (o'brien@…), never start one ('alice@…' keeps its quote).
const EMAIL = /(?<![\p{L}\p{M}\p{N}._%+-])[\p{L}\p{M}\p{N}._+-]+(?:'[\p{L}\p{M}\p{N}._+-]+)*(?:%[0-9A-Fa-f]{2}[\p{L}\p{M}\p{N}._+-]*)*?(?:@|%40)[\p{L}\p{N}](?:[\p{L}\p{M}\p{N}-]*[\p{L}\p{M}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{M}\p{N}-]*[\p{L}\p{M}\p{N}])?)*\.\p{L}{2,24}(?![\p{L}\p{M}\p{N}-])/gu;
// 13-19 digits, optionally in groups split by one space or dash, starting 2-6 as the card networks'
// numbers do (Mastercard 2/5, Amex/Diners/JCB 3, Visa 4, Discover/UnionPay 6) — a millisecond
// timestamp (1733500000000) starts with 1 and one in ten passes Luhn; Luhn decides (order numbers survive).
const CARD = /(?<![\d.,-])[2-6](?:[ -]?\d){12,18}(?![\d]|[.,-]\d)/g;
/** A card number in a JSON number (the digits of a safe integer). */
const CARD_DIGITS = /^[2-6]\d{12,18}$/;
// International: a + (or 00) then country code and groups; 8-15 digits in all (E.164).
const PHONE_INTL = /(?<![\w+./#-])(?:\+|\b00)\d{1,3}(?:[ .-]?\(?\d{1,8}\)?){1,6}(?![\w]|[ .-]\d)/g;
// North American: (555) 123-4567, 555-123-4567, 555.123.4567, 555 123 4567, also with the leading 1
// (1-800-555-1234: the lookbehind refused the dash before 800, so it was left whole).
const PHONE_NANP = /(?<![\w.+/#-])(?:1[-. ]?)?(?:\(\d{3}\)\s?|\d{3}[-. ])\d{3}[-. ]\d{4}(?![\w]|[.-]\d)/g;
// National with a trunk 0: 020 7946 0958, 030-1234567, 01 23 45 67 89 (no dots: dates like 01.02.2024 stay).
const PHONE_TRUNK = /(?<![\w.+/#-])0\d{1,4}(?:[ -]\d{2,8}){1,4}(?![\w]|[ .-]\d)/g;
// A day-month-year (or month-day-year) date: 01-02-2024 10:30 read as 0 + four groups of digits.
const DATE_START = /^(?:0[1-9]|[12]\d|3[01])[ -](?:0[1-9]|[12]\d|3[01])[ -](?:19|20)\d\d(?!\d)/;

const digitsOf = (text: string) => text.replace(/\D/g, '');

/** The Luhn check card numbers pass and almost all other 13-19 digit numbers fail. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Counts per kind while one string is cleaned. */
type Counts = Partial<Record<StrippedKind, number>>;

function replaceCounted(text: string, pattern: RegExp, kind: StrippedKind, counts: Counts, accept: (match: string) => boolean = () => true): string {
  return text.replace(pattern, (match) => {
    if (!accept(match)) return match;
    counts[kind] = (counts[kind] ?? 0) + 1;
    return PII_REPLACEMENT[kind];
  });
}

/** Cards first (their digits would read as phone numbers), then phones, then e-mail addresses. */
function cleanString(text: string, rules: PiiRules, counts: Counts): string {
  let out = text;
  if (rules.cards) out = replaceCounted(out, CARD, 'card', counts, (m) => luhnValid(digitsOf(m)) && /^\d+(?:([ -])\d+(?:\1\d+)*)?$/.test(m));
  if (rules.phones) {
    out = replaceCounted(out, PHONE_INTL, 'phone', counts, (m) => {
      const n = digitsOf(m).replace(/^00/, '').length;
      return n >= 8 && n <= 15;
    });
    out = replaceCounted(out, PHONE_NANP, 'phone', counts);
    out = replaceCounted(out, PHONE_TRUNK, 'phone', counts, (m) => {
      const n = digitsOf(m).length;
      return n >= 9 && n <= 12 && !DATE_START.test(m);
    });
  }
  if (rules.emails) out = replaceCounted(out, EMAIL, 'email', counts);
  return out;
}

/** A JSON path segment: `.name` for a plain key, `["odd key"]` otherwise, `[i]` for an index. */
function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** Collects `{ kind, path, count }`, one entry per kind and path. */
class Findings {
  readonly list: Stripped[] = [];
  add(path: string, counts: Counts): void {
    for (const kind of ['card', 'phone', 'email'] as const) {
      const count = counts[kind];
      if (count) this.list.push({ kind, path, count });
    }
  }
  field(path: string): void {
    this.list.push({ kind: 'field', path, count: 1 });
  }
}

function walk(value: unknown, path: string, rules: PiiRules, fields: ReadonlySet<string>, found: Findings, depth: number): unknown {
  // A card number sent as a JSON number ({"card": 4111111111111111}) is still a card number.
  if (typeof value === 'number' && rules.cards && Number.isSafeInteger(value) && CARD_DIGITS.test(String(value)) && luhnValid(String(value))) {
    found.add(path, { card: 1 });
    return PII_REPLACEMENT.card;
  }
  if (typeof value === 'string') {
    const counts: Counts = {};
    const out = cleanString(value, rules, counts);
    found.add(path, counts);
    return out;
  }
  // Deeper than any real payload: left as it is (decoders refuse such nesting before it gets here).
  if (value === null || typeof value !== 'object' || depth > 512) return value;
  if (Array.isArray(value)) return value.map((item, i) => walk(item, childPath(path, i), rules, fields, found, depth + 1));
  // Keys are stripped too (a map keyed by address or phone number), and the report's path names
  // the cleaned key; entries are built with fromEntries so a "__proto__" key stays an own key.
  const entries: [string, unknown][] = [];
  const taken = new Set<string>();
  for (const [key, item] of Object.entries(value)) {
    const keyCounts: Counts = {};
    let clean = cleanString(key, rules, keyCounts);
    for (let n = 2; clean !== key && taken.has(clean); n++) clean = `${cleanString(key, rules, {})} ${n}`;
    taken.add(clean);
    const at = childPath(path, clean);
    found.add(at, keyCounts);
    if (fields.has(key.toLowerCase())) {
      entries.push([clean, PII_REPLACEMENT.field]);
      found.field(at);
    } else entries.push([clean, walk(item, at, rules, fields, found, depth + 1)]);
  }
  return Object.fromEntries(entries);
}

/**
 * Strips PII from `value` (a string, or any JSON value), reporting paths from `root` (`text`,
 * `data`, `$`). A string that holds a JSON object or array is stripped as JSON (named fields
 * apply inside it) and serialized again.
 */
export function stripPii<T>(value: T, rules: PiiRules = DEFAULT_PII_RULES, root = '$'): PiiResult<T> {
  const fields = new Set(rules.fields.map((f) => f.toLowerCase()));
  const found = new Findings();
  if (typeof value === 'string' && fields.size > 0) {
    const parsed = parseJsonContainer(value);
    if (parsed !== undefined) {
      const cleaned = walk(parsed, root, rules, fields, found, 0);
      return { value: (found.list.length > 0 ? JSON.stringify(cleaned) : value) as T, stripped: bounded(found.list, root) };
    }
  }
  const cleaned = walk(value, root, rules, fields, found, 0) as T;
  return { value: cleaned, stripped: bounded(found.list, root) };
}

/** More entries than this are summed per kind under the root path (a trace record stays small whatever the payload). */
export const MAX_STRIPPED_ENTRIES = 100;

/** At most MAX_STRIPPED_ENTRIES entries: beyond, one per kind at `root` with the total count. */
function bounded(list: Stripped[], root: string): Stripped[] {
  if (list.length <= MAX_STRIPPED_ENTRIES) return list;
  const totals = new Map<StrippedKind, number>();
  for (const s of list) totals.set(s.kind, (totals.get(s.kind) ?? 0) + s.count);
  return [...totals].map(([kind, count]) => ({ kind, path: root, count }));
}

/** The object or array a string holds as JSON, else undefined. */
function parseJsonContainer(text: string): unknown {
  const start = text.trimStart()[0];
  if (start !== '{' && start !== '[') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The rules of a topology's `spec.protocolGateway` (absent: every rule on). */
export function piiRulesOf(settings: { pii?: Partial<PiiRules> } | undefined): PiiRules {
  return { ...DEFAULT_PII_RULES, ...settings?.pii };
}
