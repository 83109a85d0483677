// How the trace table reads the Synadia Agent Protocol's messages (agents/trace/synadia-rows.ts
// through row-facts.ts): the prompt, each chunk, the ack, the error and the end of stream are
// labelled, every message of the stream is tied to its prompt (the reply index finds the prompt of
// a later chunk too), who asked whom is named, and an error answer fails the row.
import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../agents/trace/record.js';
import { FLAG_FAILED, RecordClassifier } from '../../agents/trace/record-flags.js';
import { ReplyIndex } from '../../agents/trace/reply-index.js';
import { rowFacts } from '../../agents/trace/row-facts.js';
import { synadiaRowType } from '../../agents/trace/synadia-rows.js';
import { typeOf } from '../../agents/trace/query.js';
import { agentsOf } from '../../agents/trace/record.js';
import { RecordFormatter } from '../../main/host/trace/record-line.js';
import { indexFieldsOf } from '../../main/host/trace/trace-index.js';
import { encodeChunk } from '../fixtures/synadia-sdk/agent/src/index.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const INBOX = '_INBOX_asker.ABC123';
const PROMPT_SUBJECT = 'agents.prompt.claude-code.acme.reviewer';

let seq = 0;
const record = (mono: number, subject: string, payload: string, extra: { reply?: string; headers?: Record<string, string[]> } = {}): MessageRecord => ({
  seq: ++seq,
  time: new Date(T0 + mono).toISOString(),
  mono,
  kind: 'message',
  subject,
  reply: extra.reply ?? null,
  headers: extra.headers ?? null,
  size: new TextEncoder().encode(payload).length,
  payload,
  encoding: 'utf8',
  truncated: false,
  parsed: { ok: false, reason: 'not an AgentMessage' },
});
const chunk = (mono: number, c: Parameters<typeof encodeChunk>[0]) => record(mono, INBOX, new TextDecoder().decode(encodeChunk(c)));

describe('Synadia protocol rows in the trace', () => {
  const prompt = record(0, PROMPT_SUBJECT, 'Review the retry loop', { reply: INBOX });
  const ack = chunk(5, { type: 'status', status: 'ack' });
  const first = chunk(40, { type: 'response', text: 'Reviewed: ' });
  const second = chunk(60, { type: 'response', text: 'fine.' });
  const thinking = chunk(70, { type: 'status', status: 'thinking' });
  const odd = record(75, INBOX, '{"type":"telemetry","data":{}}');
  const end = record(90, INBOX, '');
  const stream = [ack, first, second, thinking, odd, end];

  it('labels the prompt, every chunk, the ack and the end of stream', () => {
    expect(synadiaRowType(prompt, null)).toBe('synadia.prompt');
    expect(stream.map((r) => synadiaRowType(r, prompt))).toEqual(['synadia.ack', 'synadia.response', 'synadia.response', 'synadia.status', 'synadia.chunk', 'synadia.end']);
    expect(synadiaRowType(record(0, 'agents.hb.claude-code.acme.reviewer', '{}'), null)).toBe('synadia.heartbeat');
    // Without its prompt an empty message on an inbox is nothing in particular; nor is a seed-000 subject.
    expect(synadiaRowType(end, null)).toBeNull();
    expect(synadiaRowType(record(0, 'agents.request.reviewer', '{}'), null)).toBeNull();
  });

  it('ties each message of the stream to the prompt: who asked whom, and how long after the prompt it came', () => {
    const index = new ReplyIndex();
    for (const r of [prompt, ...stream]) index.add(r.seq, r.subject, r.reply);
    // The first message is the prompt's reply; the later ones find it as the latest request on their inbox.
    expect(index.requestOf(ack.seq, INBOX)).toBe(prompt.seq);
    expect(stream.slice(1).map((r) => index.requestOf(r.seq, INBOX) ?? index.askedBefore(r.seq, INBOX))).toEqual(stream.slice(1).map(() => prompt.seq));
    const facts = rowFacts(prompt, { reply: ack, waitedMs: 100, ended: true });
    expect(facts).toMatchObject({ from: 'asker', to: 'reviewer', type: 'synadia.prompt', status: 'ok', replySeq: ack.seq, latencyMs: 5 });
    expect(rowFacts(end, { request: prompt, waitedMs: 0, ended: true })).toMatchObject({ from: 'reviewer', to: 'asker', type: 'synadia.end', status: 'ok', requestSeq: prompt.seq, latencyMs: 90 });
    expect(rowFacts(first, { request: prompt, waitedMs: 0, ended: true })).toMatchObject({ type: 'synadia.response', status: 'ok', latencyMs: 40 });
  });

  it('indexes a prompt, a heartbeat and a status request by subject alone, the same way when recorded and when imported', () => {
    const formatter = new RecordFormatter(64 * 1024);
    const bytes = (text: string) => new TextEncoder().encode(text);
    const recorded = formatter.message(1, T0, 0, PROMPT_SUBJECT, INBOX, null, bytes('Review the retry loop'));
    expect([recorded.type, recorded.from, recorded.to]).toEqual(['synadia.prompt', 'asker', 'reviewer']);
    expect([typeOf(prompt), agentsOf(prompt)]).toEqual(['synadia.prompt', ['asker', 'reviewer']]);
    // A reopened store reads the same from the stored line.
    expect(indexFieldsOf(JSON.stringify(prompt))).toMatchObject({ type: 'synadia.prompt', agents: ['asker', 'reviewer'] });
    const beat = formatter.message(2, T0, 0, 'agents.hb.claude-code.acme.reviewer', null, null, bytes('{}'));
    expect([beat.type, beat.from, beat.to]).toEqual(['synadia.heartbeat', null, null]);
    expect(formatter.message(3, T0, 0, 'agents.status.claude-code.acme.reviewer', INBOX, null, bytes('')).type).toBe('synadia.status_request');
    // Chunks are told only with their prompt (the table's facts), not in the index; other subjects are untouched.
    expect(formatter.message(4, T0, 0, INBOX, null, null, bytes('{"type":"response","data":"x"}')).type).toBeNull();
    expect(formatter.message(5, T0, 0, 'agents.request.reviewer', null, null, bytes('not json')).type).toBeNull();
  });

  it('fails an error answer, and the prompt whose first answer it is', () => {
    const asked = record(200, PROMPT_SUBJECT, '', { reply: '_INBOX_asker.DEF' });
    const error = record(203, '_INBOX_asker.DEF', '', { headers: { 'Nats-Service-Error-Code': ['429'], 'Nats-Service-Error': ['too many prompts'] } });
    expect(rowFacts(error, { request: asked, waitedMs: 0, ended: true })).toMatchObject({ type: 'synadia.error', status: 'failed', error: '429: too many prompts', from: 'reviewer', to: 'asker' });
    expect(rowFacts(asked, { reply: error, waitedMs: 10, ended: true })).toMatchObject({ type: 'synadia.prompt', status: 'failed', error: '429: too many prompts' });
    expect(new RecordClassifier().add(error) & FLAG_FAILED).toBe(FLAG_FAILED);
    // The server's own "no responders" (a 503 status line, no body) is not the stream's end.
    const noResponders = record(204, '_INBOX_asker.DEF', '', { headers: { 'NATS/1.0 503': [] } });
    expect(synadiaRowType(noResponders, asked)).toBeNull();
  });
});
