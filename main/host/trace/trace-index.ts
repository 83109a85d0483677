/**
 * The trace store's in-memory index: per record a few typed-array slots (segment, offset, length,
 * time, interned subject, two interned agents, interned type, kind) and the name tables behind
 * them, bounded in size; plus reading those fields from a stored line without parsing all of it.
 */
import { subjectMatches } from '../../../agents/protocol/subjects.js';
import { typeOf } from '../../../agents/trace/query.js';
import { agentsOf, type TraceRecord } from '../../../agents/trace/record.js';
import { eventFactsJson, factsOf, type FlagFacts } from '../../../agents/trace/record-flags.js';
import { synadiaPromptAgents, synadiaSubjectType } from '../../../agents/trace/synadia-rows.js';

export const KIND_MESSAGE = 0;
export const KIND_EVENT = 1;
/** The kind slot holds the kind in bit 0 and the record's record-flags.ts bits above it. */
export const KIND_BIT = 1;
export const FLAGS_SHIFT = 1;
/** Subject ids with a meaning of their own: an event has none; past every capacity, unknown. */
export const NO_SUBJECT = 0xffffffff;
export const SUBJECT_OVERFLOW = 0xfffffffe;
/** Agent and type ids: 0 is none, 0xffff past capacity (then the record is read and checked). */
export const NO_NAME = 0;
export const NAME_OVERFLOW = 0xffff;

/** The last whole second `isoMs` parsed: records arrive in time order, so most share it. */
let lastSecond = { prefix: '', ms: Number.NaN };

/** Wall time of a record as epoch ms when it is in `toISOString` form (then string order is time
 * order, so numbers can stand in for strings); NaN otherwise, and the record is checked by text. */
export function isoMs(time: string): number {
  if (time.length !== 24 || time.charCodeAt(19) !== 0x2e || time.charCodeAt(23) !== 0x5a) return Number.NaN;
  let millis = 0;
  for (let i = 20; i < 23; i++) {
    const digit = time.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    millis = millis * 10 + digit;
  }
  if (!time.startsWith(lastSecond.prefix) || lastSecond.prefix === '') {
    const prefix = time.slice(0, 19);
    const ms = Date.parse(`${prefix}.000Z`);
    // Only a string toISOString would print stands for its number (no "2025-02-30", no "+002025").
    lastSecond = { prefix, ms: Number.isNaN(ms) || new Date(ms).toISOString() !== `${prefix}.000Z` ? Number.NaN : ms };
  }
  return lastSecond.ms + millis;
}

/** What the index needs of one stored line. */
export interface IndexFields {
  seq: number;
  time: string;
  mono: number;
  kind: 'message' | 'event';
  subject: string | null;
  /** A message's reply subject (the reply index pairs requests with replies by it). */
  reply: string | null;
  agents: string[];
  type: string | null;
  /** What classifying the record needs (record-flags.ts). */
  facts: FlagFacts;
}

/**
 * Reads the index fields of a line without parsing the whole record: stored lines are
 * `JSON.stringify` of a record with keys in schema order, so the top-level values before
 * `parsed` (strings and numbers, escaped) cannot contain the markers searched for; only the
 * `parsed` object of a message is parsed, never an event's payload. Null when the line is not
 * in that form (then the caller parses it whole).
 */
export function indexFieldsOf(line: string): IndexFields | null {
  try {
    if (!line.startsWith('{"seq":') || line.charCodeAt(line.length - 1) !== 0x7d) return null;
    let end = line.indexOf(',"time":', 7);
    const seq = Number(line.slice(7, end));
    let start = end + 8;
    end = line.indexOf(',"mono":', start);
    const time = jsonBetween(line, start, end);
    start = end + 8;
    end = line.indexOf(',"kind":', start);
    const mono = Number(line.slice(start, end));
    start = end + 8;
    if (end < 0 || typeof time !== 'string' || !Number.isInteger(seq) || !Number.isFinite(mono)) return null;
    if (line.startsWith('"message","subject":', start)) {
      start += 20;
      end = line.indexOf(',"reply":', start);
      const subject = jsonBetween(line, start, end);
      const headers = line.indexOf(',"headers":', end);
      const reply = jsonBetween(line, end + 9, headers);
      const at = line.indexOf(',"parsed":{"ok":', end);
      if (end < 0 || at < 0 || typeof subject !== 'string' || (reply !== null && typeof reply !== 'string')) return null;
      // Headers (a status) and failures (an AgentMessage's or TaskResponse's "failed") are read from the whole record.
      if (!line.startsWith('null', headers + 11) || line.includes('failed')) return null;
      const truncated = line.startsWith(',"truncated":true', at - 17);
      if (line.startsWith('false', at + 16)) {
        // Not an AgentMessage: a Synadia prompt, heartbeat or status request is indexed by its subject (as record.ts and query.ts tell it).
        const type = synadiaSubjectType(subject);
        const agents = type === 'synadia.prompt' ? synadiaPromptAgents(subject, reply) : [];
        return { seq, time, mono, kind: 'message', subject, reply, agents, type, facts: { mono, reply, status: null, truncated, agentMessage: false, failed: false } };
      }
      // A message's first fields, all strings (or null): message_type, from_agent, to_agent, content.
      start = at + 16;
      if (!line.startsWith('true,"message":{"message_type":', start)) return null;
      start += 31;
      end = line.indexOf(',"from_agent":', start);
      const type = jsonBetween(line, start, end);
      start = end + 14;
      end = line.indexOf(',"to_agent":', start);
      const from = jsonBetween(line, start, end);
      start = end + 12;
      end = line.indexOf(',"content":', start);
      const to = jsonBetween(line, start, end);
      if (end < 0 || typeof type !== 'string' || typeof from !== 'string' || (to !== null && typeof to !== 'string')) return null;
      const facts = { mono, reply, status: null, truncated, agentMessage: true, failed: false };
      return { seq, time, mono, kind: 'message', subject, reply, agents: to && to !== from ? [from, to] : [from], type, facts };
    }
    if (line.startsWith('"event","name":', start)) {
      start += 15;
      end = line.indexOf(',"agent":', start);
      const name = jsonBetween(line, start, end);
      start = end + 9;
      end = line.indexOf(',"payload":', start);
      const agent = jsonBetween(line, start, end);
      if (end < 0 || typeof name !== 'string' || typeof agent !== 'string') return null;
      const facts = eventFactsJson(name, mono, line.slice(end + 11, line.length - 1));
      return { seq, time, mono, kind: 'event', subject: null, reply: null, agents: [agent], type: name, facts };
    }
    return null;
  } catch {
    return null;
  }
}

/** The JSON value of `line` between two offsets; a plain string (the usual case) without JSON.parse. */
function jsonBetween(line: string, from: number, to: number): unknown {
  if (to < 0) throw new Error('marker missing');
  if (line.charCodeAt(from) === 0x22 && line.charCodeAt(to - 1) === 0x22) {
    const text = line.slice(from + 1, to - 1);
    if (!text.includes('\\')) return text;
  }
  return JSON.parse(line.slice(from, to)) as unknown;
}

/** The index fields of a parsed record (lines not in stored form). */
export function fieldsOfRecord(raw: unknown): IndexFields | null {
  const record = raw as TraceRecord | undefined;
  if (!record || typeof record !== 'object' || typeof record.seq !== 'number') return null;
  try {
    if (record.kind === 'message' ? typeof record.subject !== 'string' : record.kind !== 'event') return null;
    const time = typeof record.time === 'string' ? record.time : '';
    const mono = typeof record.mono === 'number' ? record.mono : 0;
    const message = record.kind === 'message';
    return { seq: record.seq, time, mono, kind: record.kind, subject: message ? record.subject : null, reply: message && typeof record.reply === 'string' ? record.reply : null, agents: agentsOf(record), type: typeOf(record), facts: factsOrPlain(record, mono) };
  } catch {
    return null; // not shaped like a record
  }
}

/** A record's facts; a line shaped oddly (old, or written by hand) classifies as a plain message. */
function factsOrPlain(record: TraceRecord, mono: number): FlagFacts {
  try {
    return { ...factsOf(record), mono };
  } catch {
    return { mono, reply: null, status: null, truncated: false, agentMessage: false, failed: false };
  }
}

/** Agent names and type names to small ids (0 none, 0xffff past capacity). */
export class NameTable {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [''];
  overflowed = false;

  intern(name: string | null | undefined): number {
    if (name === null || name === undefined) return NO_NAME;
    let id = this.ids.get(name);
    if (id === undefined) {
      if (this.names.length >= NAME_OVERFLOW) return ((this.overflowed = true), NAME_OVERFLOW);
      id = this.names.length;
      this.ids.set(name, id);
      this.names.push(name);
    }
    return id;
  }

  lookup(name: string): number | undefined {
    return this.ids.get(name);
  }
}

/**
 * Subjects to ids. Inbox and response subjects can be unique per message, so the table is
 * bounded: past `maxExact` names a new subject shares the id of its parent (all tokens but the
 * last), and past `maxGroups` parents the overflow id. Queries treat a parent as "maybe" when the
 * pattern's verdict depends on the last token, and then check the record itself.
 */
export class SubjectTable {
  private readonly exact = new Map<string, number>();
  private readonly groups = new Map<string, number>();
  /** The display name of each id; for a parent, its prefix (with `prefix.*` shown in counts). */
  readonly names: string[] = [];
  readonly isGroup: boolean[] = [];
  private groupCount = 0;
  /** Pattern → verdict per id (0 no, 1 yes, 2 maybe), extended as the table grows. */
  private readonly verdictCache = new Map<string, Uint8Array>();

  constructor(
    private readonly maxExact: number,
    private readonly maxGroups: number,
  ) {}

  intern(subject: string): number {
    const id = this.exact.get(subject);
    if (id !== undefined) return id;
    if (this.exact.size < this.maxExact) return this.add(subject, false, this.exact);
    const dot = subject.lastIndexOf('.');
    const prefix = dot < 0 ? '' : subject.slice(0, dot);
    const group = this.groups.get(prefix);
    if (group !== undefined) return group;
    return this.groupCount < this.maxGroups ? (this.groupCount++, this.add(prefix, true, this.groups)) : SUBJECT_OVERFLOW;
  }

  private add(name: string, group: boolean, map: Map<string, number>): number {
    const id = this.names.length;
    map.set(name, id);
    this.names.push(name);
    this.isGroup.push(group);
    return id;
  }

  /** Count key of an id. */
  label(id: number): string {
    if (id === SUBJECT_OVERFLOW) return '>';
    const name = this.names[id]!;
    return this.isGroup[id] ? (name === '' ? '*' : `${name}.*`) : name;
  }

  /** Each id's verdict for `pattern`: computed once per distinct subject, then cached. */
  verdicts(pattern: string): Uint8Array {
    let cached = this.verdictCache.get(pattern);
    const known = cached?.length ?? 0;
    if (cached && known === this.names.length) return cached;
    const next = new Uint8Array(this.names.length);
    if (cached) next.set(cached);
    for (let id = known; id < this.names.length; id++) {
      next[id] = this.isGroup[id] ? groupVerdict(pattern, this.names[id]!) : subjectMatches(pattern, this.names[id]!) ? 1 : 0;
    }
    if (!cached && this.verdictCache.size >= 16) this.verdictCache.clear();
    this.verdictCache.set(pattern, (cached = next));
    return cached;
  }
}

/** Whether `pattern` matches every (1), no (0) or some (2) subject `prefix.<one token>`. */
function groupVerdict(pattern: string, prefix: string): number {
  const withLast = (token: string) => subjectMatches(pattern, prefix === '' ? token : `${prefix}.${token}`);
  const depth = prefix === '' ? 0 : prefix.split('.').length;
  const literal = pattern.split('.')[depth];
  // Only a literal token at the last position makes the answer depend on that token.
  if (literal !== undefined && literal !== '*' && literal !== '>') return withLast(literal) ? 2 : 0;
  return withLast('\u0000') ? 1 : 0;
}

/** The per-record index: 29 bytes a record, in typed arrays that grow by doubling (`kind` holds the flags too). */
export class RecordIndex {
  count = 0;
  segment = new Uint16Array(1024);
  offset = new Uint32Array(1024);
  length = new Uint32Array(1024);
  time = new Float64Array(1024);
  subject = new Uint32Array(1024);
  agentA = new Uint16Array(1024);
  agentB = new Uint16Array(1024);
  type = new Uint16Array(1024);
  kind = new Uint8Array(1024);

  /** Bytes per record held by the index (not counting unused capacity). */
  static readonly BYTES_PER_RECORD = 2 + 4 + 4 + 8 + 4 + 2 + 2 + 2 + 1;

  /** Makes room for one more record. */
  reserve(): void {
    if (this.count < this.kind.length) return;
    const size = this.kind.length * 2;
    const grow = <T extends { length: number; set(a: ArrayLike<number>): void }>(old: T, make: new (n: number) => T): T => {
      const next = new make(size);
      next.set(old);
      return next;
    };
    this.segment = grow(this.segment, Uint16Array);
    this.offset = grow(this.offset, Uint32Array);
    this.length = grow(this.length, Uint32Array);
    this.time = grow(this.time, Float64Array);
    this.subject = grow(this.subject, Uint32Array);
    this.agentA = grow(this.agentA, Uint16Array);
    this.agentB = grow(this.agentB, Uint16Array);
    this.type = grow(this.type, Uint16Array);
    this.kind = grow(this.kind, Uint8Array);
  }

  /** Bytes allocated by the arrays. */
  get allocatedBytes(): number {
    return this.kind.length * RecordIndex.BYTES_PER_RECORD;
  }
}

export function growCounts(counts: Uint32Array, id: number): Uint32Array<ArrayBuffer> {
  const next = new Uint32Array(Math.max(counts.length * 2, id + 1));
  next.set(counts);
  return next;
}

/** A `from` (sign 1) or `to` (sign -1) bound as a test on epoch ms, exactly as the ISO strings
 * compare; a bound not in `toISOString` form is compared as text. */
export function timeTest(bound: string | undefined, sign: 1 | -1): ((t: number) => boolean) | null {
  if (bound === undefined) return null;
  const ms = isoMs(bound);
  if (!Number.isNaN(ms)) return sign > 0 ? (t) => t >= ms : (t) => t <= ms;
  return (t) => {
    const text = new Date(t).toISOString();
    return sign > 0 ? text >= bound : text <= bound;
  };
}
