/**
 * `switchboard trace diff A.ndjson B.ndjson [--json]`: compares two recorded runs' conversations
 * message by message (agents/trace/diff.ts: sender, receiver, type, content; ids, times and
 * interleaving aside). Exit 0 when they are the same, 1 when they differ (the first divergence
 * with both messages, and a summary), 2 on bad input (a missing file, not a trace, a broken line).
 */
import { parseArgs } from 'node:util';
import { compareConversations, ConversationCollector, cut, type ConversationMessage } from '../../agents/trace/diff.js';
import type { Alignment } from '../../agents/trace/diff-align.js';
import { checkDiffRecord } from '../../agents/trace/diff-check.js';
import type { AlignedRow, MessageDigest, TraceComparison } from '../../agents/trace/diff-schema.js';
import { UsageError } from './flags.js';
import { readTrace } from './trace.js';

const diffHelp = `Usage: switchboard trace diff A.ndjson B.ndjson [--json]

Compares the agents' conversations of two recorded runs (NDJSON traces): the messages between
agents and from or to outside, by sender, receiver, type and content. NATS infrastructure,
announcements, heartbeats, message ids, times and the interleaving of concurrent agents do not
count: messages are aligned per sender → receiver channel, in order.

Options:
  --json       print the whole comparison as JSON (summary, first divergence, every row)
  -h, --help   show this help

Exit codes: 0 the conversations are the same, 1 they differ (the first divergence and a summary
are printed), 2 bad input (a missing file, not a trace, a broken line).`;

/** Characters of content shown per message in the text output. */
const SHOWN_CHARS = 160;

/** Runs `trace diff`. */
export async function traceDiff(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) return (console.log(diffHelp), 0);
  if (positionals.length !== 2) throw new UsageError('give exactly two trace files: switchboard trace diff A.ndjson B.ndjson');
  const [fileA, fileB] = positionals as [string, string];
  const compared = await diffTraceFiles(fileA, fileB);
  if ('exit' in compared) return compared.exit;
  const { alignment, comparison } = compared;
  if (values.json) console.log(JSON.stringify(comparison));
  else console.log(report(comparison, alignment));
  return alignment.firstDivergence === null ? 0 : 1;
}

/** Two NDJSON traces' conversations compared whole (every row), or the exit code of bad input (its errors printed). */
export async function diffTraceFiles(fileA: string, fileB: string): Promise<{ alignment: Alignment; comparison: TraceComparison } | { exit: number }> {
  // Both read at once (one's reads wait on the disk while the other parses); what is wrong is told as if read one after the other: A's first, B's only when A is fine.
  const [a, b] = await Promise.all([readConversation(fileA), readConversation(fileB)]);
  if (!('messages' in a)) return told(a);
  if (!('messages' in b)) return told(b);
  return compareConversations(a.messages, b.messages, { runA: fileA, runB: fileB });
}

/** Prints what is wrong with a file; its exit code. */
function told(bad: { exit: number; errors: string[] }): { exit: number } {
  for (const line of bad.errors) console.error(line);
  return { exit: bad.exit };
}

/** A file's conversation messages, or the exit code and what to print when it is not a readable, valid trace. */
async function readConversation(file: string): Promise<{ messages: ConversationMessage[] } | { exit: number; errors: string[] }> {
  const collector = new ConversationCollector();
  const bad: string[] = [];
  const errors: string[] = [];
  const read = await readTrace(file, {
    header: () => undefined,
    record: (record) => collector.add(record),
    bad: (lineNo, text) => void bad.push(`${file}:${lineNo}: ${text}`),
    check: checkDiffRecord,
    fatal: (text) => void errors.push(text),
  });
  if (read.exit !== null) return { exit: 2, errors };
  if (bad.length > 0) {
    errors.push(...bad.slice(0, 5));
    if (bad.length > 5) errors.push(`${file}: … and ${bad.length - 5} more bad lines`);
    errors.push(`switchboard trace diff: ${file} is not a valid trace (${bad.length} bad line${bad.length === 1 ? '' : 's'}); nothing compared.`);
    return { exit: 2, errors };
  }
  return { messages: collector.messages };
}

/** The text report: verdict, the first divergence with both messages, the summary line. */
function report(comparison: TraceComparison, alignment: Alignment): string {
  const { summary } = comparison;
  const counts = `${summary.same} same, ${summary.changed} changed, ${summary.onlyA} only in A, ${summary.onlyB} only in B (A: ${summary.a.messages} messages, B: ${summary.b.messages})`;
  if (alignment.firstDivergence === null) return `Same conversations.\n${counts}`;
  const row = comparison.rows[alignment.firstDivergence]!;
  return [`The conversations differ. First divergence at message ${row.index + 1} (${why(row)}):`, side('A', summary.a.runId, row.a), side('B', summary.b.runId, row.b), counts].join('\n');
}

/** What the first divergent row says, in a few words. */
function why(row: AlignedRow): string {
  if (row.status === 'changed') return `${row.differs.join(', ')} changed`;
  return row.status === 'only-a' ? 'only in A' : 'only in B';
}

/** One side of a divergent row: where, who to whom, type, subject, content (cut). */
function side(label: 'A' | 'B', file: string, digest: MessageDigest | null): string {
  if (!digest) return `  ${label} ${file}: (no such message)`;
  return [
    `  ${label} ${file} #${digest.seq} ${digest.time}`,
    `    ${digest.from} → ${digest.to ?? '(everyone)'}  ${digest.type}  ${digest.subject}`,
    `    ${JSON.stringify(cut(digest.content, SHOWN_CHARS))}`,
  ].join('\n');
}
