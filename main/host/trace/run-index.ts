/**
 * One run's in-memory index: per record a few typed-array slots (trace-index.ts), the name
 * tables behind them, and counts per subject and agent, so a query narrows candidates and
 * counts come without reading a record from disk.
 */
import type { z } from 'zod';
import type { TraceQuerySchema } from '../../../agents/trace/query.js';
import {
  growCounts,
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

/** The index of one run's records. */
export class RunIndex {
  readonly records = new RecordIndex();
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

  /** Indexes the next record: where it is stored and the fields queries filter on. */
  add(segment: number, offset: number, length: number, kind: 'message' | 'event', timeMs: number, subject: string | null, agentA: string | null, agentB: string | null, type: string | null): void {
    const ix = this.records;
    ix.reserve();
    const i = ix.count;
    ix.segment[i] = segment;
    ix.offset[i] = offset;
    ix.length[i] = length;
    ix.time[i] = timeMs;
    ix.kind[i] = kind === 'message' ? KIND_MESSAGE : KIND_EVENT;
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

  /** The index-side filter of a query, or null when nothing can match. */
  compile(q: z.output<typeof TraceQuerySchema>): ((i: number) => boolean) | null {
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
    const { kind: kinds, subject, agentA, agentB, type: types, time } = ix;
    return (i) => {
      if (kind >= 0 && kinds[i] !== kind) return false;
      if (verdicts) {
        const s = subject[i]!;
        if (s !== SUBJECT_OVERFLOW && verdicts[s] === 0) return false;
      }
      if (agent !== undefined) {
        const a = agentA[i]!;
        const b = agentB[i]!;
        if (a !== agent && b !== agent && a !== NAME_OVERFLOW && b !== NAME_OVERFLOW) return false;
      }
      if (type !== undefined && types[i] !== type && types[i] !== NAME_OVERFLOW) return false;
      if (from || to) {
        const t = time[i]!;
        if (Number.isNaN(t)) return true; // not in canonical form: the record decides
        if ((from && !from(t)) || (to && !to(t))) return false;
      }
      return true;
    };
  }
}
