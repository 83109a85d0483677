// Edit & republish's rules: the editor's starting text (an AgentMessage gets a new id and time, in
// its own key order), the check of an edited draft, which records cannot be edited, the subject
// rule the host applies too, the AgentMessage JSON Schema the editor validates with, and the
// injected row fact.
import { describe, expect, it } from 'vitest';
import { agentMessageJsonSchema, publishSubjectProblem } from '../../agents/trace/republish.js';
import { INJECTED_HEADER, rowFacts } from '../../agents/trace/row-facts.js';
import { cannotRepublish, checkDraft, draftOf } from '../../renderer/src/trace/republish-draft.js';
import { eventRecord, messageRecord, sampleMessage } from '../helpers/trace-events.js';

const at = { seq: 4, time: '2026-01-01T00:00:00.000Z', mono: 1 };
const fresh = { id: 'new-id', time: '2026-02-02T00:00:00.000Z' };

describe('draftOf', () => {
  it('gives an AgentMessage a new message_id and timestamp, keeping its keys in order, and drops the injected header', () => {
    const message = sampleMessage({ message_id: 'old-id', content: 'Weather in Paris?' });
    const record = messageRecord(at, 'agents.request.bot', JSON.stringify(message), {
      reply: '_INBOX_coord.1',
      parsed: { ok: true, message },
      headers: { 'Trace-Id': ['t'], [INJECTED_HEADER]: ['1'] },
    });
    const draft = draftOf(record, fresh);
    expect(draft).toMatchObject({ seq: 4, subject: 'agents.request.bot', request: true, renewedFrom: 'old-id', headers: { 'Trace-Id': ['t'] } });
    expect(Object.keys(JSON.parse(draft.text) as object)).toEqual(Object.keys(message));
    expect(JSON.parse(draft.text)).toEqual({ ...message, message_id: 'new-id', timestamp: fresh.time });
    expect(draft.text).toContain('\n  "content": "Weather in Paris?"');
  });

  it('keeps other JSON as it was (indented) and text as it is, without a reply subject not as a request', () => {
    expect(draftOf(messageRecord(at, 's', '{"a":1}'), fresh)).toMatchObject({ text: '{\n  "a": 1\n}', renewedFrom: null, request: false });
    expect(draftOf(messageRecord(at, 's', 'plain text'), fresh)).toMatchObject({ text: 'plain text', renewedFrom: null });
  });
});

describe('checkDraft and cannotRepublish', () => {
  it('accepts an AgentMessage on a concrete subject', () => {
    const check = checkDraft('agents.request.bot', JSON.stringify(sampleMessage()));
    expect(check.subjectProblem).toBeNull();
    expect(check.payload).toMatchObject({ ok: true, value: { from_agent: 'user' } });
  });

  it('says why: not JSON, a schema error with its field, a bad subject', () => {
    expect(checkDraft('s', '{"message_type":')).toMatchObject({ payload: { ok: false, reason: expect.stringMatching(/^not JSON: /) } });
    const wrong = checkDraft('s', JSON.stringify({ ...sampleMessage(), message_type: 'shout', priority: 11 }));
    expect(wrong.payload).toMatchObject({ ok: false, reason: expect.stringContaining('message_type') });
    expect(wrong.payload.ok ? '' : wrong.payload.reason).toContain('priority');
    expect(checkDraft('agents.>', '{}').subjectProblem).toContain('wildcard');
  });

  it('refuses binary payloads and events', () => {
    expect(cannotRepublish(messageRecord(at, 's', 'AAE=', { encoding: 'base64' }))).toBe('a binary payload cannot be edited as text');
    expect(cannotRepublish(eventRecord(at, 'ooda.phase', 'bot'))).toContain('never on the bus');
    expect(cannotRepublish(messageRecord(at, 's', 'x'))).toBeNull();
  });
});

describe('publishSubjectProblem', () => {
  it.each([
    ['agents.request.bot', null],
    ['_INBOX_app.x1', null],
    ['', 'the subject is empty'],
    ['a b', 'a subject cannot contain spaces, tabs or line breaks'],
    ['a.', '"a." has an empty token (two dots in a row, or a dot at either end)'],
    ['a.*.c', '"a.*.c" has a wildcard: messages are published on a concrete subject (* and > are for subscribing)'],
    ['a.>', '"a.>" has a wildcard: messages are published on a concrete subject (* and > are for subscribing)'],
  ])('%j → %j', (subject, problem) => {
    expect(publishSubjectProblem(subject)).toBe(problem);
  });
});

describe('agentMessageJsonSchema', () => {
  it('is AgentMessageSchema as input: the required wire fields, message_type as its enum', () => {
    const schema = agentMessageJsonSchema() as { required: string[]; properties: Record<string, { enum?: string[] }> };
    expect(schema.required).toEqual(['message_type', 'from_agent', 'to_agent', 'content', 'timestamp', 'message_id']);
    expect(schema.properties['message_type']!.enum).toContain('handoff');
  });
});

describe('injected row fact', () => {
  it('is set by the header in any letter case, and absent otherwise', () => {
    const ctx = { waitedMs: 0, ended: true };
    expect(rowFacts(messageRecord(at, 's', 'x', { headers: { 'switchboard-injected': ['1'] } }), ctx).injected).toBe(true);
    expect(rowFacts(messageRecord(at, 's', 'x', { headers: { Other: ['1'] } }), ctx)).not.toHaveProperty('injected');
    expect(rowFacts(messageRecord(at, 's', 'x'), ctx)).not.toHaveProperty('injected');
  });
});
