/**
 * The detail pane's actions: copy the record as JSON, as a `nats pub` or (for a request) a
 * `nats req` command line, and open Edit & republish. A command that cannot be made says why;
 * the last line copied stays readable in the pane (and selectable, when the clipboard is refused).
 */
import { useState } from 'react';
import type { TraceRecord } from '../../../agents/trace/record';
import { useRepublishStore } from '../stores/republish-store';
import { useServerStore } from '../stores/server-store';
import { natsCommand, type NatsCommandKind } from './nats-command';
import { cannotRepublish } from './republish-draft';

/** What the last copy did. */
type Copied = { kind: 'json' | NatsCommandKind; text: string | null; note: string; failed: boolean };

/** Copy and republish buttons, with what the last copy put on the clipboard. */
export function DetailActions({ record }: { record: TraceRecord }) {
  const [copied, setCopied] = useState<Copied | null>(null);
  const serverUrl = useServerStore((s) => s.status?.clientUrl ?? null);
  const embedded = useServerStore((s) => s.status?.mode === 'embedded');
  const openRepublish = useRepublishStore((s) => s.open);

  const write = (kind: Copied['kind'], text: string, note: string) =>
    navigator.clipboard.writeText(text).then(
      () => setCopied({ kind, text: kind === 'json' ? null : text, note, failed: false }),
      () => setCopied({ kind, text, note: 'The clipboard is not allowed here: select the line below and copy it.', failed: true }),
    );
  const copyCommand = (kind: NatsCommandKind) => {
    const command = natsCommand(record, kind, serverUrl);
    if (!command.ok) return setCopied({ kind, text: null, note: `No nats ${kind} line: ${command.reason}.`, failed: true });
    // The embedded server admits the workbench's own per-launch nkey only: a shell needs credentials of its own.
    const note = embedded ? ' The embedded server admits only the workbench’s per-launch key: from a shell, use a server you can log in to (or add --creds).' : '';
    void write(kind, command.text, (command.warning ? `Copied, but ${command.warning}.` : `Copied nats ${kind}.`) + note);
  };
  const isMessage = record.kind === 'message';
  const republishBlocked = cannotRepublish(record);
  return (
    <div className="detail-toolbar" data-testid="detail-actions">
      <span className="detail-toolbar-label">Copy as</span>
      <button type="button" className="btn btn-small" onClick={() => void write('json', JSON.stringify(record, null, 2), 'Copied')} data-testid="copy-json">
        JSON
      </button>
      <button type="button" className="btn btn-small" disabled={!isMessage} onClick={() => copyCommand('pub')} data-testid="copy-nats-pub" title="A nats CLI line that publishes this message again">
        nats pub
      </button>
      <button
        type="button"
        className="btn btn-small"
        disabled={!isMessage || record.reply === null}
        onClick={() => copyCommand('req')}
        data-testid="copy-nats-req"
        title={isMessage && record.reply === null ? 'Not a request: it has no reply subject' : 'A nats CLI line that sends this request again and waits for the reply'}
      >
        nats req
      </button>
      <span className="detail-toolbar-gap" />
      <button
        type="button"
        className="btn btn-small btn-primary"
        disabled={republishBlocked !== null}
        title={republishBlocked ?? 'Edit this message and publish it again on the live bus'}
        onClick={() => record.kind === 'message' && openRepublish(record)}
        data-testid="republish-open"
      >
        Edit &amp; republish
      </button>
      {copied && (
        <div className={`detail-copied${copied.failed ? ' detail-copied-failed' : ''}`} data-testid="copy-status" data-kind={copied.kind}>
          <span>{copied.note}</span>
          {copied.text !== null && (
            <pre className="mono detail-command" data-testid="copied-command">
              {copied.text}
            </pre>
          )}
        </div>
      )}
    </div>
  );
}
