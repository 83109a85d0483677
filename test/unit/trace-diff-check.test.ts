import { describe, expect, it } from 'vitest';
import { checkDiffRecord } from '../../agents/trace/diff-check.js';
import { TraceRecordSchema } from '../../agents/trace/record.js';
import { generate } from '../helpers/trace-runs.js';

const base = { seq: 3, time: '2025-01-01T12:00:00.000Z', mono: 10 };
const message = {
  ...base,
  kind: 'message',
  subject: 'agents.request.bob',
  reply: '_INBOX.x.1',
  headers: { 'X-Trace': ['1'] },
  size: 10,
  payload: '{}',
  encoding: 'utf8',
  truncated: false,
  parsed: { ok: true, message: { message_type: 'request', from_agent: 'alice', to_agent: 'bob', content: 'hi', metadata: {}, timestamp: 't', message_id: 'm1', in_reply_to: null, priority: 2 } },
};
const issuesOf = (result: ReturnType<typeof checkDiffRecord>) => (result.success ? null : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));

describe('checkDiffRecord (what trace diff checks of a line)', () => {
  it('takes every valid record as TraceRecordSchema does, messages field for field', () => {
    for (const record of generate(3000, 7)) {
      const raw = JSON.parse(JSON.stringify(record)) as unknown;
      const checked = checkDiffRecord(raw);
      expect(checked.success).toBe(true);
      if (checked.success && record.kind === 'message') expect(checked.data).toEqual(TraceRecordSchema.parse(raw));
    }
  });

  it('refuses a broken message with zod’s words, and one that needs a default filled goes through zod', () => {
    const broken = [
      { ...message, seq: 0 },
      { ...message, seq: 1.5 },
      { ...message, reply: 5 },
      { ...message, headers: { a: 'b' } },
      { ...message, encoding: 'hex' },
      { ...message, parsed: { ok: true, message: { ...message.parsed.message, from_agent: '' } } },
      { ...message, parsed: { ok: true, message: { ...message.parsed.message, message_type: 'shout' } } },
      { ...message, parsed: { ok: true, message: { ...message.parsed.message, priority: 11 } } },
      { ...message, parsed: { ok: false } },
    ];
    for (const raw of broken) {
      const checked = checkDiffRecord(raw);
      expect(checked.success, JSON.stringify(raw)).toBe(false);
      const zod = TraceRecordSchema.safeParse(raw);
      expect(issuesOf(checked)).toEqual(zod.success ? null : zod.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
    }
    const { priority: _priority, in_reply_to: _inReplyTo, ...short } = message.parsed.message;
    const defaulted = checkDiffRecord({ ...message, parsed: { ok: true, message: short } });
    expect(defaulted.success && defaulted.data.kind === 'message' && defaulted.data.parsed.ok && defaulted.data.parsed.message.priority).toBe(2);
  });

  it('checks an event by its frame: a broken frame or an unknown name is refused, the payload is not read', () => {
    const event = { ...base, kind: 'event', name: 'ooda.phase', agent: 'bob', payload: { not: 'checked' } };
    expect(checkDiffRecord(event)).toEqual({ success: true, data: event });
    expect(issuesOf(checkDiffRecord({ ...event, agent: 5 }))).toEqual(['agent: Invalid input: expected string, received number']);
    expect(issuesOf(checkDiffRecord({ ...event, payload: [] }))).toEqual(['payload: expected an object']);
    expect(issuesOf(checkDiffRecord({ ...event, seq: -1 }))?.[0]).toMatch(/^seq: /);
    expect(issuesOf(checkDiffRecord({ ...event, name: 'no.such' }))).toEqual(['name: unknown event "no.such" (written by a newer Switchboard?)']);
    expect(checkDiffRecord({ ...event, kind: 'other' }).success).toBe(false);
    expect(checkDiffRecord('text').success).toBe(false);
  });
});
