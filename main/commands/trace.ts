/**
 * `switchboard trace FILE.ndjson --format summary|mermaid|otlp`: reads a trace exported as NDJSON
 * (a header line, then one record a line) line by line, so a million-record run streams through;
 * checks every line and reports bad ones by line number; prints a summary (with designed vs
 * observed when the topology is known), a Mermaid sequence diagram, or OTLP/JSON spans.
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
import { TRACE_FORMAT, TraceHeaderSchema, TraceRecordSchema, type TraceHeader, type TraceRecord } from '../../agents/trace/record.js';
import { formatSummary, TraceSummarizer } from '../../agents/trace/summary.js';
import { loadTopology } from '../../agents/topology/load.js';
import type { Topology } from '../../agents/topology/schema.js';
import { fileErrorText } from '../host/run-session-failure.js';
import { positiveNumber, UsageError } from './flags.js';
import { readTopology } from './read-topology.js';

/** The output formats of `switchboard trace`. */
const TRACE_FORMATS = ['summary', 'mermaid', 'otlp'] as const;
type TraceFormat = (typeof TRACE_FORMATS)[number];

/** Mermaid stops drawing here by default: renderers give up long before a big run's length. */
const DEFAULT_MERMAID_LIMIT = 500;
/** Bad lines listed one by one; the rest are counted. */
const MAX_REPORTED = 20;

const traceHelp = `Usage: switchboard trace FILE.ndjson [--format FORMAT] [-o OUT] [options]

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
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string', short: 'f' },
      out: { type: 'string', short: 'o' },
      topology: { type: 'string' },
      timeout: { type: 'string' },
      limit: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return (console.log(traceHelp), 0);
  const [file, ...extra] = positionals;
  if (!file || extra.length) throw new UsageError('give exactly one trace file (.ndjson).');
  const format = (values.format ?? 'summary') as TraceFormat;
  if (!TRACE_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${TRACE_FORMATS.join(', ')}.`);
  if (values.topology !== undefined && format !== 'summary') throw new UsageError('--topology goes with --format summary.');
  if (values.limit !== undefined && format !== 'mermaid') throw new UsageError('--limit goes with --format mermaid.');
  const timeoutMs = positive(values.timeout, '--timeout') * 1000 || undefined;
  const limit = values.limit === undefined ? DEFAULT_MERMAID_LIMIT : Math.max(1, Math.floor(positive(values.limit, '--limit')));

  let topology: Topology | null = null;
  if (values.topology !== undefined) {
    const read = await readTopology(values.topology);
    if (!read.ok) return read.exitCode;
    topology = read.topology;
  }

  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    console.error(`switchboard trace: cannot read ${file}: ${fileErrorText(error)}`);
    return 2;
  }

  let header: TraceHeader | null = null;
  let sink: Sink | null = null;
  let lineNo = 0;
  let bad = 0;
  let lastSeq = 0;
  let records = 0;
  const report = (text: string) => {
    if (++bad <= MAX_REPORTED) console.error(`${file}:${lineNo}: ${text}`);
  };
  try {
    const lines = createInterface({ input: handle.createReadStream({ encoding: 'utf8', autoClose: false }), crlfDelay: Infinity });
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch (error) {
        if (!header) return invalidHeader(file, lineNo, `not JSON (${(error as Error).message})`);
        report(`not JSON (${(error as Error).message})`);
        continue;
      }
      if (!header) {
        const parsed = TraceHeaderSchema.safeParse(raw);
        if (!parsed.success) return invalidHeader(file, lineNo, looksLikeRecord(raw) ? 'a record where the header belongs' : `not a ${TRACE_FORMAT} header (${issues(parsed.error.issues)})`);
        header = parsed.data;
        sink = makeSink(format, { topology: topology ?? topologyOfHeader(header), timeoutMs, limit });
        continue;
      }
      const parsed = TraceRecordSchema.safeParse(raw);
      if (!parsed.success) {
        report(`not a trace record (${issues(parsed.error.issues)})`);
        continue;
      }
      const record = parsed.data;
      if (record.seq <= lastSeq) {
        report(`seq ${record.seq} does not come after ${lastSeq}`);
        continue;
      }
      lastSeq = record.seq;
      records++;
      sink!.add(record);
    }
  } catch (error) {
    console.error(`switchboard trace: cannot read ${file}: ${fileErrorText(error)}`);
    return 2;
  } finally {
    await handle.close().catch(() => undefined);
  }
  if (!header || !sink) return invalidHeader(file, lineNo, `empty: no ${TRACE_FORMAT} header line`);

  const output = Readable.from(batched(sink.finish(header)), { objectMode: false });
  if (values.out) {
    try {
      await pipeline(output, createWriteStream(values.out));
    } catch (error) {
      console.error(`switchboard trace: cannot write ${values.out}: ${fileErrorText(error)}`);
      return 2;
    }
    console.error(`wrote ${values.out} (${format} of ${records} record${records === 1 ? '' : 's'})`);
  } else {
    await pipeline(output, process.stdout, { end: false });
  }
  if (bad > 0) {
    if (bad > MAX_REPORTED) console.error(`${file}: … and ${bad - MAX_REPORTED} more bad lines`);
    console.error(`${file}: invalid trace: ${bad} bad line${bad === 1 ? '' : 's'} skipped, ${records} record${records === 1 ? '' : 's'} read.`);
    return 1;
  }
  return 0;
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

function invalidHeader(file: string, lineNo: number, what: string): number {
  console.error(`${file}:${lineNo}: invalid trace: ${what}. A trace file starts with a {"format":"${TRACE_FORMAT}",…} header line.`);
  return 1;
}

/** A record without a header: most likely an NDJSON written before the v1 format (e.g. an old `run --trace`). */
function looksLikeRecord(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && 'seq' in raw && 'kind' in raw;
}

function issues(list: readonly { path: PropertyKey[]; message: string }[]): string {
  const shown = list.slice(0, 3).map((issue) => `${issue.path.map(String).join('.') || 'record'}: ${issue.message}`);
  return list.length > 3 ? `${shown.join('; ')}; …` : shown.join('; ');
}

/** A positive number flag, 0 when absent. */
function positive(value: string | undefined, flag: string): number {
  return positiveNumber(value, flag) ?? 0;
}
