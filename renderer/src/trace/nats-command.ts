/**
 * A captured message as a `nats pub` or `nats req` command line (the NATS CLI, natscli): flags
 * first, then `--` when the body could be read as a flag, then subject and body, each quoted for
 * a POSIX shell (single quotes, a quote inside as `'\''`). Pure and DOM-free (unit-tested).
 */
import type { TraceRecord } from '../../../agents/trace/record';

/** Which command: publish, or request and wait for the reply. */
export type NatsCommandKind = 'pub' | 'req';

/** The command line, with a warning when it does not send exactly what was captured; or why there is none. */
export type NatsCommand = { ok: true; text: string; warning: string | null } | { ok: false; reason: string };

/** `text` as one POSIX shell word: bare when it is only safe characters, else single-quoted. */
export function shellQuote(text: string): string {
  if (/^[A-Za-z0-9_./:@%+=,-]+$/.test(text)) return text;
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** The `nats pub` / `nats req` line that sends `record` again (to `serverUrl` when known). */
export function natsCommand(record: TraceRecord, kind: NatsCommandKind, serverUrl: string | null = null): NatsCommand {
  if (record.kind !== 'message') return { ok: false, reason: 'an event of the runtime, not a message on the bus' };
  if (kind === 'req' && record.reply === null) return { ok: false, reason: 'not a request: it has no reply subject' };
  if (record.encoding !== 'utf8') {
    return { ok: false, reason: `a binary payload (${record.size} bytes, stored as base64) cannot be pasted into a shell: use Copy as JSON` };
  }
  // An argument is a C string: the shell cannot pass a NUL byte.
  if (record.payload.includes('\0') || record.subject.includes('\0')) return { ok: false, reason: 'the payload has NUL bytes, which a shell argument cannot carry' };
  const words = ['nats', kind];
  if (serverUrl) words.push('-s', shellQuote(serverUrl));
  for (const [key, values] of Object.entries(record.headers ?? {})) for (const value of values) words.push('-H', shellQuote(`${key}:${value}`));
  // natscli reads `{{ … }}` in subject and body as Go templates unless told not to.
  if (record.payload.includes('{{') || record.subject.includes('{{')) words.push('--no-templates');
  if (record.payload.startsWith('-')) words.push('--');
  words.push(shellQuote(record.subject), shellQuote(record.payload));
  const warning = record.truncated ? `the recorder cut this payload at ${record.payload.length} of ${record.size} bytes: the command sends only that part` : null;
  return { ok: true, text: words.join(' '), warning };
}
