/**
 * `switchboard trace FILE.ndjson --format summary|mermaid|otlp`: reads a trace exported as NDJSON
 * (a header line, then one record a line) line by line, so a million-record run streams through;
 * checks every line and reports bad ones by line number; prints a summary (with designed vs
 * observed when the topology is known), a Mermaid sequence diagram, or OTLP/JSON spans — of every
 * record, or of those the Trace view's infrastructure and errors filters keep.
 */
import { createWriteStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { DesignedVsObservedTracker } from '../../agents/trace/designed-vs-observed.js';
import { MermaidSequenceBuilder } from '../../agents/trace/export-mermaid.js';
import { OtlpBuilder, otlpJsonChunks } from '../../agents/trace/export-otlp.js';
import { matchesQuery, TraceFilterSchema, type ParsedTraceFilter } from '../../agents/trace/query.js';
import { RecordClassifier } from '../../agents/trace/record-flags.js';
import { MAX_LISTED_PROBLEMS } from '../../agents/topology/format-problems.js';
import { checkTraceHeader, issuesText, parseTraceLine } from '../../agents/trace/line-problems.js';
import { TRACE_FORMAT, TraceRecordSchema, type TraceHeader, type TraceRecord } from '../../agents/trace/record.js';
import { formatSummary, TraceSummarizer } from '../../agents/trace/summary.js';
import { loadTopology } from '../../agents/topology/load.js';
import type { Topology } from '../../agents/topology/schema.js';
import { fileErrorText } from '../host/run-session-failure.js';
import { oneOf, positiveNumber, UsageError } from './flags.js';
import { readTopology } from './read-topology.js';
import { traceDiff } from './trace-diff.js';

/** The output formats of `switchboard trace`. */
const TRACE_FORMATS = ['summary', 'mermaid', 'otlp'] as const;
type TraceFormat = (typeof TRACE_FORMATS)[number];
/** What `--infrastructure` takes: as the host's filter (query.ts). */
const INFRASTRUCTURE = ['show', 'hide', 'only'] as const;
type Infrastructure = (typeof INFRASTRUCTURE)[number];

/** Mermaid stops drawing here by default: renderers give up long before a big run's length. */
const DEFAULT_MERMAID_LIMIT = 500;
/** Bad lines listed one by one (as many as a topology's problems); the rest are counted. */
const MAX_REPORTED = MAX_LISTED_PROBLEMS;

const traceHelp = `Usage: switchboard trace FILE.ndjson [--format FORMAT] [-o OUT] [options]
       switchboard trace diff A.ndjson B.ndjson [--json]   (compare two runs' conversations; see --help there)

Reads a trace exported as NDJSON (a ${TRACE_FORMAT} header line, then one record a line) and prints:
  summary   counts per subject and agent, request latency (p50/p95), timed-out requests, failures,
            LLM calls and tokens; with --topology, designed vs observed (undeclared subjects and
            flows, edges never used, requests with no responder). The default.
  mermaid   a Mermaid sequenceDiagram: participants are agents, arrows are messages, replies dashed
  otlp      OpenTelemetry OTLP/JSON spans (a request/reply is a span) for Jaeger or Grafana Tempo

Options:
  -f, --format FORMAT     one of: ${TRACE_FORMATS.join(', ')}
  -o, --out OUT           write to OUT instead of stdout
  --topology FILE         the topology that ran (summary only; else the trace header's, when it has one)
  --timeout SECONDS       a request without a reply this long is timed out (default: 30)
  --limit N               mermaid: draw at most N messages (default: ${DEFAULT_MERMAID_LIMIT})
  --infrastructure WHAT   NATS internals ($JS, $KV, $SYS, $O and their inbox replies): show (the
                          default), hide, or only
  --errors                only errors: failed replies and their requests, failure events, invalid,
                          truncated, no responders, timed out
  -h, --help              show this help

Exit codes: 0 done, 1 invalid trace or topology (bad lines are listed by line number and skipped;
the output covers the valid ones), 2 usage error or unreadable file.`;

/** Where records go: one of the formats, built one record at a time; the output comes in pieces. */
interface Sink {
  add(record: TraceRecord): void;
  finish(header: TraceHeader): Iterable<string>;
}

/** Runs `trace`. */
export async function trace(argv: string[]): Promise<number> {
  if (argv[0] === 'diff') return traceDiff(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string', short: 'f' },
      out: { type: 'string', short: 'o' },
      topology: { type: 'string' },
      timeout: { type: 'string' },
      limit: { type: 'string' },
      infrastructure: { type: 'string' },
      errors: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return (console.log(traceHelp), 0);
  const [file, ...extra] = positionals;
  if (!file || extra.length) throw new UsageError('give exactly one trace file (.ndjson).');
  const format: TraceFormat = oneOf(values.format, '--format', TRACE_FORMATS) ?? 'summary';
  if (values.topology !== undefined && format !== 'summary') throw new UsageError('--topology goes with --format summary.');
  if (values.limit !== undefined && format !== 'mermaid') throw new UsageError('--limit goes with --format mermaid.');
  const timeoutMs = positive(values.timeout, '--timeout') * 1000 || undefined;
  const limit = values.limit === undefined ? DEFAULT_MERMAID_LIMIT : Math.max(1, Math.floor(positive(values.limit, '--limit')));
  const filter = recordFilter(oneOf(values.infrastructure, '--infrastructure', INFRASTRUCTURE), values.errors === true);

  let topology: Topology | null = null;
  if (values.topology !== undefined) {
    const read = await readTopology(values.topology);
    if (!read.ok) return read.exitCode;
    topology = read.topology;
  }

  let bad = 0;
  const report = (lineNo: number, text: string) => {
    if (++bad <= MAX_REPORTED) console.error(`${file}:${lineNo}: ${text}`);
  };
  // A filter on flags needs the whole run first (a request is an error once its reply failed or
  // never came): a first pass classifies every record, the second feeds the kept ones to the sink.
  let flags: number[] | null = null;
  if (filter) {
    const classified: number[] = [];
    const classifier = new RecordClassifier((at, more) => (classified[at]! |= more));
    const first = await readTrace(file, { header: () => undefined, record: (record) => void classified.push(classifier.add(record)), bad: report });
    if (first.exit !== null) return first.exit;
    flags = classified;
  }
  let sink: Sink | null = null;
  let read = 0;
  let kept = 0;
  const scan = await readTrace(file, {
    header: (header) => void (sink = makeSink(format, { topology: topology ?? topologyOfHeader(header), timeoutMs, limit })),
    record: (record) => {
      const at = read++;
      if (filter && !matchesQuery(record, filter, flags![at])) return;
      kept++;
      sink!.add(record);
    },
    bad: flags ? () => undefined : report, // reported by the first pass
  });
  if (scan.exit !== null) return scan.exit;
  const header = scan.header;

  const output = Readable.from(batched(sink!.finish(header)), { objectMode: false });
  if (values.out) {
    try {
      await pipeline(output, createWriteStream(values.out));
    } catch (error) {
      console.error(`switchboard trace: cannot write ${values.out}: ${fileErrorText(error)}`);
      return 2;
    }
    console.error(`wrote ${values.out} (${format} of ${filter ? `${kept} of ` : ''}${read} record${read === 1 ? '' : 's'})`);
  } else {
    await pipeline(output, process.stdout, { end: false });
  }
  if (bad > 0) {
    if (bad > MAX_REPORTED) console.error(`${file}: … and ${bad - MAX_REPORTED} more bad lines`);
    console.error(`${file}: invalid trace: ${bad} bad line${bad === 1 ? '' : 's'} skipped, ${read} record${read === 1 ? '' : 's'} read.`);
    return 1;
  }
  return 0;
}

/** What reading a trace file hands on, line by line. */
export interface TraceVisitor {
  header(header: TraceHeader): void;
  record(record: TraceRecord): void;
  /** A line that is not a record (or out of order): skipped. */
  bad(lineNo: number, text: string): void;
  /** Checks a line's JSON as a record (default: TraceRecordSchema in full; a reader that needs less of a record may check less). */
  check?(raw: unknown): RecordCheck;
  /** Told why the file cannot be read or has no valid header (default: stderr). */
  fatal?(text: string): void;
}

/** What checking a line's JSON as a record says: the record, or the issues (zod's safeParse result fits). */
export type RecordCheck = { success: true; data: TraceRecord } | { success: false; error: { issues: readonly { path: PropertyKey[]; message: string }[] } };

/**
 * Streams `file`: its header, then each valid record in order; the exit code when it cannot be
 * read (2) or has no valid header (1), else null.
 */
export async function readTrace(file: string, visit: TraceVisitor): Promise<{ exit: number; header: null } | { exit: null; header: TraceHeader }> {
  const fatal = visit.fatal ?? ((text: string) => console.error(text));
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    fatal(`switchboard trace: cannot read ${file}: ${fileErrorText(error)}`);
    return { exit: 2, header: null };
  }
  let header: TraceHeader | null = null;
  let lineNo = 0;
  let lastSeq = 0;
  const fail = (what: string) => ({ exit: invalidHeader(file, lineNo, what, fatal), header: null });
  try {
    const lines = createInterface({ input: handle.createReadStream({ encoding: 'utf8', autoClose: false }), crlfDelay: Infinity });
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      const json = parseTraceLine(line);
      if (!json.ok) {
        if (!header) return fail(json.problem);
        visit.bad(lineNo, json.problem);
        continue;
      }
      const raw = json.value;
      if (!header) {
        const checked = checkTraceHeader(raw);
        if (!checked.ok) return fail(checked.problem);
        header = checked.header;
        visit.header(header);
        continue;
      }
      const parsed: RecordCheck = visit.check ? visit.check(raw) : TraceRecordSchema.safeParse(raw);
      if (!parsed.success) {
        visit.bad(lineNo, `not a trace record (${issuesText(parsed.error.issues)})`);
        continue;
      }
      const record = parsed.data;
      if (record.seq <= lastSeq) {
        visit.bad(lineNo, `seq ${record.seq} does not come after ${lastSeq}`);
        continue;
      }
      lastSeq = record.seq;
      visit.record(record);
    }
  } catch (error) {
    fatal(`switchboard trace: cannot read ${file}: ${fileErrorText(error)}`);
    return { exit: 2, header: null };
  } finally {
    await handle.close().catch(() => undefined);
  }
  return header ? { exit: null, header } : fail(`empty: no ${TRACE_FORMAT} header line`);
}

/** The host's record filters the command line gave, or null for none (every record is kept). */
function recordFilter(infrastructure: Infrastructure | undefined, errors: boolean): ParsedTraceFilter | null {
  if ((infrastructure === undefined || infrastructure === 'show') && !errors) return null;
  return TraceFilterSchema.parse({ ...(infrastructure && { infrastructure }), ...(errors && { errors: true }) });
}

/** The builder for `format`. */
function makeSink(format: TraceFormat, options: { topology: Topology | null; timeoutMs: number | undefined; limit: number }): Sink {
  const timeout = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
  switch (format) {
    case 'summary': {
      const summarizer = new TraceSummarizer(timeout);
      const designed = options.topology ? new DesignedVsObservedTracker(options.topology) : null;
      return {
        add: (record) => {
          summarizer.add(record);
          designed?.add(record);
        },
        finish: (header) => {
          const summary = summarizer.finish();
          return [formatSummary(summary, { header, ...(designed && { designed: designed.result(summary.correlation.pairs) }) })];
        },
      };
    }
    case 'mermaid': {
      const builder = new MermaidSequenceBuilder({ ...timeout, maxMessages: options.limit });
      return { add: (record) => builder.add(record), finish: () => [builder.toString()] };
    }
    case 'otlp': {
      const builder = new OtlpBuilder(timeout);
      // In pieces: a big run's export is longer than the longest string JSON.stringify can make.
      return { add: (record) => builder.add(record), finish: () => otlpJsonChunks(builder.finish()) };
    }
  }
}

/** Joins small pieces into writes of about 64 KiB. */
function* batched(pieces: Iterable<string>): Generator<string> {
  let buffer = '';
  for (const piece of pieces) {
    buffer += piece;
    if (buffer.length >= 65_536) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;
}

/** The header's topology when it carries the document itself (not just a name) and it loads. */
function topologyOfHeader(header: TraceHeader): Topology | null {
  const text = header.topology;
  if (!text || !/[\n{]/.test(text)) return null;
  return loadTopology(text).topology;
}

function invalidHeader(file: string, lineNo: number, what: string, print: (text: string) => void): number {
  print(`${file}:${lineNo}: invalid trace: ${what}. A trace file starts with a {"format":"${TRACE_FORMAT}",…} header line.`);
  return 1;
}

/** A positive number flag, 0 when absent. */
function positive(value: string | undefined, flag: string): number {
  return positiveNumber(value, flag) ?? 0;
}
