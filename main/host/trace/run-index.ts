/**
 * One run's in-memory index: per record a few typed-array slots (trace-index.ts) with its
 * record-flags.ts bits (infrastructure, errors), the name tables behind them, and counts per
 * subject and agent, so a query narrows candidates and counts come without reading a record
 * from disk.
 */
import type { ParsedTraceFilter } from '../../../agents/trace/query.js';
import { FLAG_ERROR, FLAG_INFRASTRUCTURE, RecordClassifier, type FlagFacts } from '../../../agents/trace/record-flags.js';
import {
  FLAGS_SHIFT,
  growCounts,
  KIND_BIT,
  KIND_EVENT,
  KIND_MESSAGE,
  NAME_OVERFLOW,
  NameTable,
  NO_NAME,
  NO_SUBJECT,
  RecordIndex,
  SUBJECT_OVERFLOW,
  SubjectTable,
  timeTest,
} from './trace-index.js';

/** Records per subject and per agent. Subjects past the index's capacity count under their parent
 * (`agents.response.bot.*`), and under `>` once parents run out; agents past it under `*`. */
export interface TraceCounts {
  records: number;
  messages: number;
  events: number;
  subjects: Record<string, number>;
  agents: Record<string, number>;
}

/** The index's verdict on one record: no, yes (up to text and correlation, which only the record knows), or read it to know. */
export const NO = 0;
export const YES = 1;
export const MAYBE = 2;

/** The index of one run's records. */
export class RunIndex {
  readonly records = new RecordIndex();
  /** Classifies records as they come; a request's flags grow when its reply says it failed (each such patch counted). */
  private readonly classifier = new RecordClassifier((at, flags) => {
    this.records.kind[at]! |= flags << FLAGS_SHIFT;
    this.patches++;
  });
  /** Flag patches so far: an earlier record can start matching `errors` when one comes (match-positions.ts rescans). */
  patches = 0;
  /** Which request each reply answers: kept by the classifier, which tracks requests for both. */
  readonly replies = this.classifier.replies;
  private readonly subjects: SubjectTable;
  private readonly agents = new NameTable();
  private readonly types = new NameTable();
  private subjectCounts = new Uint32Array(256);
  private agentCounts = new Uint32Array(256);
  private overflowSubjects = 0;
  private overflowAgents = 0;
  private messages = 0;

  constructor(maxSubjects: number, maxSubjectGroups: number) {
    this.subjects = new SubjectTable(maxSubjects, maxSubjectGroups);
  }

  /** Number of records. */
  get count(): number {
    return this.records.count;
  }

  /** Indexes the next record: where it is stored, the fields queries filter on, and its flags (record-flags.ts, from `facts`). */
  add(segment: number, offset: number, length: number, kind: 'message' | 'event', timeMs: number, subject: string | null, agentA: string | null, agentB: string | null, type: string | null, facts: FlagFacts): void {
    const ix = this.records;
    ix.reserve();
    const i = ix.count;
    ix.segment[i] = segment;
    ix.offset[i] = offset;
    ix.length[i] = length;
    ix.time[i] = timeMs;
    ix.kind[i] = (kind === 'message' ? KIND_MESSAGE : KIND_EVENT) | (this.classifier.classify(subject, facts) << FLAGS_SHIFT);
    ix.type[i] = this.types.intern(type);
    if (subject === null) ix.subject[i] = NO_SUBJECT;
    else {
      const s = this.subjects.intern(subject);
      ix.subject[i] = s;
      this.messages++;
      if (s === SUBJECT_OVERFLOW) this.overflowSubjects++;
      else {
        if (s >= this.subjectCounts.length) this.subjectCounts = growCounts(this.subjectCounts, s);
        this.subjectCounts[s]!++;
      }
    }
    const a = this.agents.intern(agentA);
    const b = this.agents.intern(agentB);
    ix.agentA[i] = a;
    ix.agentB[i] = b;
    this.countAgent(a);
    this.countAgent(b);
    ix.count = i + 1;
  }

  private countAgent(id: number): void {
    if (id === NO_NAME) return;
    if (id === NAME_OVERFLOW) this.overflowAgents++;
    else {
      if (id >= this.agentCounts.length) this.agentCounts = growCounts(this.agentCounts, id);
      this.agentCounts[id]!++;
    }
  }

  /** The name tables, for labelling counts. */
  tables(): { subjects: SubjectTable; agents: NameTable; types: NameTable } {
    return { subjects: this.subjects, agents: this.agents, types: this.types };
  }

  /** Records per subject and per agent. */
  counts(): TraceCounts {
    const subjects: Record<string, number> = {};
    const names = this.subjects.names;
    for (let id = 0; id < names.length; id++) {
      const count = this.subjectCounts[id] ?? 0;
      if (count) subjects[this.subjects.label(id)] = count;
    }
    if (this.overflowSubjects) subjects['>'] = this.overflowSubjects;
    const agents: Record<string, number> = {};
    for (let id = 1; id < this.agents.names.length; id++) {
      const count = this.agentCounts[id] ?? 0;
      if (count) agents[this.agents.names[id]!] = count;
    }
    if (this.overflowAgents) agents['*'] = this.overflowAgents;
    const records = this.records.count;
    return { records, messages: this.messages, events: records - this.messages, subjects, agents };
  }

  /** The record-flags.ts bits of record `i` (0-based). */
  flagsAt(i: number): number {
    return this.records.kind[i]! >> FLAGS_SHIFT;
  }

  /** The index-side filter of a query: NO, YES or MAYBE per record position, or null when nothing can match. */
  compile(q: ParsedTraceFilter): ((i: number) => number) | null {
    const ix = this.records;
    let kind = q.kind === undefined ? -1 : q.kind === 'message' ? KIND_MESSAGE : KIND_EVENT;
    let verdicts: Uint8Array | null = null;
    if (q.subject !== undefined) {
      if (kind === KIND_EVENT) return null; // events never match a subject filter
      kind = KIND_MESSAGE;
      verdicts = this.subjects.verdicts(q.subject);
    }
    const nameFilter = (table: NameTable, name: string | undefined): number | null | undefined => {
      if (name === undefined) return undefined; // no filter
      const id = table.lookup(name);
      return id ?? (table.overflowed ? -1 : null); // -1: only overflowed names can match
    };
    const agent = nameFilter(this.agents, q.agent);
    const type = nameFilter(this.types, q.type);
    if (agent === null || type === null) return null;
    const from = timeTest(q.from, 1);
    const to = timeTest(q.to, -1);
    // Flags are exact: compared on the kind slot's upper bits.
    const infraMask = FLAG_INFRASTRUCTURE << FLAGS_SHIFT;
    const infra = q.infrastructure === 'only' ? infraMask : q.infrastructure === 'hide' ? 0 : -1;
    const errors = q.errors ? FLAG_ERROR << FLAGS_SHIFT : 0;
    const { kind: kinds, subject, agentA, agentB, type: types, time } = ix;
    return (i) => {
      const k = kinds[i]!;
      if (kind >= 0 && (k & KIND_BIT) !== kind) return NO;
      if (infra >= 0 && (k & infraMask) !== infra) return NO;
      if (errors && (k & errors) === 0) return NO;
      let verdict = YES;
      if (verdicts) {
        const s = subject[i]!;
        if (s === SUBJECT_OVERFLOW) verdict = MAYBE;
        else if (verdicts[s] === 0) return NO;
        else if (verdicts[s] === 2) verdict = MAYBE;
      }
      if (agent !== undefined) {
        const a = agentA[i]!;
        const b = agentB[i]!;
        if (a !== agent && b !== agent) {
          if (a !== NAME_OVERFLOW && b !== NAME_OVERFLOW) return NO;
          verdict = MAYBE;
        }
      }
      if (type !== undefined && types[i] !== type) {
        if (types[i] !== NAME_OVERFLOW) return NO;
        verdict = MAYBE;
      }
      if (from || to) {
        const t = time[i]!;
        if (Number.isNaN(t)) return MAYBE; // not in canonical form: the record decides
        if ((from && !from(t)) || (to && !to(t))) return NO;
      }
      return verdict;
    };
  }

  /**
   * Counts the records among the first `n` that match `q`, from the index alone, in a tally;
   * positions the index cannot decide (MAYBE, or any candidate when the query has text or
   * correlation) are listed for the caller to read and check, at most `readLimit` of them
   * (`undecidedLeft` says how many more there were). Infrastructure a `hide` filter leaves out
   * is counted apart.
   */
  countMatching(q: ParsedTraceFilter, n: number, readLimit: number): { tally: CountTally; undecided: number[]; undecidedLeft: number } {
    const tally = new CountTally(this);
    const undecided: number[] = [];
    let undecidedLeft = 0;
    const candidate = this.compile({ ...q, infrastructure: q.infrastructure === 'hide' ? 'show' : q.infrastructure });
    if (!candidate) return { tally, undecided, undecidedLeft };
    const needsRecord = q.text !== undefined || q.correlation !== undefined;
    const hide = q.infrastructure === 'hide';
    for (let i = 0; i < n; i++) {
      const verdict = candidate(i);
      if (verdict === NO) continue;
      if (verdict === MAYBE || needsRecord) {
        if (undecided.length < readLimit) undecided.push(i);
        else undecidedLeft++;
      } else tally.add(i, hide);
    }
    return { tally, undecided, undecidedLeft };
  }
}

/** Counts of the records a query matches: in total, per subject, per agent and per type. */
export interface QueryCounts extends TraceCounts {
  /** Per message type or event name (`*`: types past the index's capacity). */
  types: Record<string, number>;
  /** Infrastructure records that would match but the query's `infrastructure: 'hide'` leaves out. */
  hiddenInfrastructure: number;
  /** False when the query needed more records read (text, correlation) than a count reads: then the counts cover only those read. */
  exact: boolean;
}

/** Matching records counted per subject, agent and type id, labelled at the end. */
export class CountTally {
  private readonly subjects: Uint32Array;
  private readonly agents: Uint32Array;
  private readonly types: Uint32Array;
  private overflowSubjects = 0;
  private records = 0;
  private messages = 0;
  private hidden = 0;

  constructor(private readonly index: RunIndex) {
    const tables = index.tables();
    this.subjects = new Uint32Array(tables.subjects.names.length);
    this.agents = new Uint32Array(NAME_OVERFLOW + 1);
    this.types = new Uint32Array(NAME_OVERFLOW + 1);
  }

  /** Counts record `i`; with `hide`, an infrastructure record counts as hidden only. */
  add(i: number, hide: boolean): void {
    const ix = this.index.records;
    const k = ix.kind[i]!;
    if (hide && ((k >> FLAGS_SHIFT) & FLAG_INFRASTRUCTURE) !== 0) {
      this.hidden++;
      return;
    }
    this.records++;
    if ((k & KIND_BIT) === KIND_MESSAGE) {
      this.messages++;
      const s = ix.subject[i]!;
      if (s === SUBJECT_OVERFLOW) this.overflowSubjects++;
      else if (s < this.subjects.length) this.subjects[s]!++;
    }
    const a = ix.agentA[i]!;
    const b = ix.agentB[i]!;
    this.agents[a]!++;
    if (b !== a) this.agents[b]!++;
    this.types[ix.type[i]!]!++;
  }

  /** The counts with names. */
  result(exact: boolean): QueryCounts {
    const { subjects: subjectTable, agents: agentTable, types: typeTable } = this.index.tables();
    const subjects: Record<string, number> = {};
    for (let id = 0; id < this.subjects.length; id++) if (this.subjects[id]) subjects[subjectTable.label(id)] = this.subjects[id]!;
    if (this.overflowSubjects) subjects['>'] = this.overflowSubjects;
    const named = (counts: Uint32Array, table: NameTable): Record<string, number> => {
      const out: Record<string, number> = {};
      for (let id = 1; id < table.names.length; id++) if (counts[id]) out[table.names[id]!] = counts[id]!;
      if (counts[NAME_OVERFLOW]) out['*'] = counts[NAME_OVERFLOW];
      return out;
    };
    return {
      records: this.records,
      messages: this.messages,
      events: this.records - this.messages,
      subjects,
      agents: named(this.agents, agentTable),
      types: named(this.types, typeTable),
      hiddenInfrastructure: this.hidden,
      exact,
    };
  }
}
