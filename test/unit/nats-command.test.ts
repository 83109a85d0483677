// Copy as `nats pub` / `nats req`: the command line's words, and quoting that a real shell reads
// back byte for byte (quotes, newlines, `$`, backticks, `!`, unicode); binary and NUL payloads refused.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { natsCommand, shellQuote } from '../../renderer/src/trace/nats-command.js';
import { eventRecord, messageRecord } from '../helpers/trace-events.js';

const at = { seq: 7, time: '2026-01-01T00:00:00.000Z', mono: 10 };

/** The words bash makes of `line`, one per output line (NUL-separated so newlines survive). */
function shellWords(line: string): string[] {
  const out = execFileSync('bash', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('shellQuote', () => {
  it.each([
    ['plain', 'agents.request.weather_bot'],
    ['empty', ''],
    ['single quotes', "it's 'quoted'"],
    ['newlines and tabs', 'line one\nline two\n\tindented'],
    ['shell specials', '$HOME `date` $(id) !! \\n * ? ~ ; & | < > # "double"'],
    ['unicode', 'Paris — 18°C ☀'],
    ['JSON', '{"content":"it\'s\\nfine","n":1}'],
  ])('%s: bash reads back the same string', (_name, text) => {
    expect(shellWords(shellQuote(text))).toEqual([text]);
  });

  it('leaves safe words bare and quotes the rest', () => {
    expect(shellQuote('agents.request.bot')).toBe('agents.request.bot');
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
    expect(shellQuote('')).toBe("''");
  });
});

describe('natsCommand', () => {
  const payload = JSON.stringify({ message_type: 'request', content: "What's the weather\nin Paris?" });

  it('writes nats pub with the server, each header value, the subject and the quoted payload', () => {
    const record = messageRecord(at, 'agents.request.weather_bot', payload, { headers: { 'Trace-Id': ['abc'], Tag: ['one', 'two words'] } });
    const command = natsCommand(record, 'pub', 'nats://127.0.0.1:4222');
    expect(command).toEqual({ ok: true, warning: null, text: expect.stringMatching(/^nats pub -s nats:\/\/127\.0\.0\.1:4222 /) });
    if (!command.ok) return;
    expect(shellWords(command.text.replace(/^nats pub /, ''))).toEqual(['-s', 'nats://127.0.0.1:4222', '-H', 'Trace-Id:abc', '-H', 'Tag:one', '-H', 'Tag:two words', 'agents.request.weather_bot', payload]);
  });

  it('writes nats req for a request, and refuses it for a record without a reply subject', () => {
    const request = messageRecord(at, 'agents.request.bot', 'hi', { reply: '_INBOX_app.x1' });
    expect(natsCommand(request, 'req')).toEqual({ ok: true, warning: null, text: 'nats req agents.request.bot hi' });
    expect(natsCommand(messageRecord(at, 'agents.broadcast', 'hi'), 'req')).toEqual({ ok: false, reason: 'not a request: it has no reply subject' });
  });

  it('turns templates off when the body has {{ }}, and ends the flags before a body that starts with a dash', () => {
    expect(natsCommand(messageRecord(at, 's', 'Hello {{name}}'), 'pub')).toMatchObject({ text: "nats pub --no-templates s 'Hello {{name}}'" });
    expect(natsCommand(messageRecord(at, 's', '-1'), 'pub')).toMatchObject({ text: 'nats pub -- s -1' });
    expect(natsCommand(messageRecord(at, 's', ''), 'pub')).toMatchObject({ text: "nats pub s ''" });
  });

  it('says a binary payload cannot be pasted, and that NUL bytes cannot be passed', () => {
    const binary = messageRecord(at, 's', 'AAEC/w==', { encoding: 'base64', size: 4 });
    expect(natsCommand(binary, 'pub')).toEqual({ ok: false, reason: expect.stringContaining('binary payload (4 bytes, stored as base64) cannot be pasted into a shell') });
    expect(natsCommand(messageRecord(at, 's', 'a\0b'), 'pub')).toEqual({ ok: false, reason: expect.stringContaining('NUL bytes') });
  });

  it('warns that a cut payload sends only its part, and refuses events', () => {
    const cut = messageRecord(at, 's', 'abc', { truncated: true, size: 9000 });
    expect(natsCommand(cut, 'pub')).toMatchObject({ ok: true, warning: expect.stringContaining('cut this payload at 3 of 9000 bytes') });
    expect(natsCommand(eventRecord(at, 'ooda.phase', 'bot'), 'pub')).toEqual({ ok: false, reason: expect.stringContaining('not a message on the bus') });
  });
});
