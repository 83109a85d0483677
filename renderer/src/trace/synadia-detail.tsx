/**
 * The detail pane's section for a Synadia Agent Protocol message (not an AgentMessage): what it
 * is in the protocol, whose it is, and what it says, decoded with the protocol's own reader.
 */
import { decodeSynadiaChunk, decodeSynadiaPrompt, parseSynadiaSubject } from '../../../agents/protocol/synadia';
import type { MessageRecord } from '../../../agents/trace/record';
import type { RowFacts } from '../../../agents/trace/row-facts';
import { synadiaError } from '../../../agents/trace/synadia-rows';
import { Fields, Section } from './detail-parts';
import type { Field } from './record-fields';
import { synadiaLabel } from './trace-format';

/** What a message of each kind says, in words; the text it carries, decoded. */
function said(record: MessageRecord, type: string): { note: string | null; text: string | null } {
  const text = record.encoding === 'utf8' ? record.payload : null;
  switch (type) {
    case 'synadia.prompt': {
      const prompt = text === null ? null : decodeSynadiaPrompt(text);
      return prompt?.ok ? { note: prompt.value.attachments?.length ? `${prompt.value.attachments.length} attachment(s)` : null, text: prompt.value.prompt } : { note: prompt ? `Not a prompt the agent will take: ${prompt.reason}.` : null, text: null };
    }
    case 'synadia.response': {
      const chunk = text === null ? null : decodeSynadiaChunk(text);
      return { note: 'One part of the streamed answer; the caller joins them in order.', text: chunk?.ok && chunk.value.type === 'response' ? chunk.value.text : null };
    }
    case 'synadia.ack':
      return { note: 'A keep-alive: the agent is still working on the prompt.', text: null };
    case 'synadia.query': {
      const chunk = text === null ? null : decodeSynadiaChunk(text);
      return { note: 'The agent asks the caller a question and waits for its answer.', text: chunk?.ok && chunk.value.type === 'query' ? chunk.value.prompt : null };
    }
    case 'synadia.error':
      return { note: `The agent refused or failed the prompt: ${synadiaError(record) ?? 'an error'}.`, text: null };
    case 'synadia.end':
      return { note: 'The end of the stream (an empty message without headers): the answer is complete.', text: null };
    case 'synadia.heartbeat':
      return { note: 'The agent says it is alive (its status and load are in the payload).', text: null };
    default:
      return { note: null, text: null };
  }
}

/** The section, or null when `facts` do not call the record a Synadia message. */
export function SynadiaSection({ record, facts }: { record: MessageRecord; facts: RowFacts | null }) {
  const label = synadiaLabel(facts?.type);
  if (!facts?.type || !label) return null;
  const identity = parseSynadiaSubject(record.subject)?.identity;
  const { note, text } = said(record, facts.type);
  const fields: Field[] = [['message', label]];
  if (identity) fields.push(['agent', `${identity.agent} · owner ${identity.owner} · ${identity.name}`]);
  if (facts.from || facts.to) fields.push(['from → to', [facts.from, facts.to].filter(Boolean).join(' → ')]);
  return (
    <Section title={`Synadia Agent Protocol · ${label}`} testId="detail-synadia">
      <Fields fields={fields} />
      {note && <p className="muted detail-note">{note}</p>}
      {text !== null && (
        <div className="detail-content">
          <div className="detail-label">text</div>
          <pre className="detail-text mono" data-testid="synadia-text">
            {text}
          </pre>
        </div>
      )}
    </Section>
  );
}
