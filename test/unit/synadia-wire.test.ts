/**
 * agents/protocol/synadia.ts against the protocol's own SDKs (test/fixtures/synadia-sdk): the same
 * bytes must be read the same way by both, or a Switchboard agent and an SDK agent would disagree
 * on what a caller asked.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeSynadiaChunk,
  decodeSynadiaPrompt,
  encodeSynadiaChunk,
  encodeSynadiaPrompt,
  formatSynadiaSize,
  parseSynadiaSize,
  parseSynadiaSubject,
  synadiaSubjects,
} from '../../agents/protocol/synadia.js';
import { AgentSubject, decodeEnvelope, formatHumanBytes, parseHumanBytes } from '../fixtures/synadia-sdk/client/src/index.js';
import { decodeChunk } from '../fixtures/synadia-sdk/client/src/stream/chunk-decoder.js';
import { encodeChunk } from '../fixtures/synadia-sdk/agent/src/index.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const sdkDecode = (text: string) => {
  try {
    return { ok: true as const, prompt: decodeEnvelope(bytes(text)).prompt };
  } catch {
    return { ok: false as const };
  }
};

describe('the Synadia wire format', () => {
  it('reads prompts as the SDK does: plain text, JSON envelopes, and the ones both refuse', () => {
    const payloads = [
      'hello',
      '  {"prompt":"hi"}',
      '\n\t{"prompt":"hi","extra":1}',
      '{"prompt":""}',
      '{"prompt":3}',
      '{not json',
      '{}',
      '[1,2]',
      '"quoted"',
      '\u00a0{"prompt":"nbsp is not whitespace here"}',
      '',
    ];
    for (const payload of payloads) {
      const ours = decodeSynadiaPrompt(payload);
      const theirs = sdkDecode(payload);
      expect({ payload, ok: ours.ok }).toEqual({ payload, ok: theirs.ok });
      if (ours.ok && theirs.ok) expect(ours.value.prompt).toBe(theirs.prompt);
    }
    expect(decodeSynadiaPrompt('{"prompt":"x","future":{"a":1}}')).toEqual({ ok: true, value: { prompt: 'x', future: { a: 1 } } });
  });

  it('writes prompts the SDK reads back unchanged', () => {
    for (const prompt of ['plain', '{ looks like json', ' {"prompt":"nested"}']) {
      expect(decodeEnvelope(bytes(encodeSynadiaPrompt(prompt))).prompt).toBe(prompt);
    }
    expect(encodeSynadiaPrompt('plain')).toBe('plain');
    expect(encodeSynadiaPrompt('{x')).toBe('{"prompt":"{x"}');
  });

  it('writes chunks the SDK decodes and decodes the chunks the SDK writes', () => {
    expect(decodeChunk(bytes(encodeSynadiaChunk({ type: 'response', text: 'part 1' })))).toMatchObject({ type: 'response', text: 'part 1' });
    expect(decodeChunk(bytes(encodeSynadiaChunk({ type: 'status', status: 'ack' })))).toMatchObject({ type: 'status', status: 'ack' });
    const text = (chunk: Parameters<typeof encodeChunk>[0]) => new TextDecoder().decode(encodeChunk(chunk));
    expect(decodeSynadiaChunk(text({ type: 'response', text: 'hello' }))).toEqual({ ok: true, value: { type: 'response', text: 'hello' } });
    expect(decodeSynadiaChunk(text({ type: 'status', status: 'ack' }))).toEqual({ ok: true, value: { type: 'status', status: 'ack' } });
    expect(decodeSynadiaChunk('{"type":"response","data":{"text":"t","more":1}}')).toEqual({ ok: true, value: { type: 'response', text: 't' } });
    expect(decodeSynadiaChunk('{"type":"telemetry","data":{}}')).toEqual({ ok: true, value: { type: 'other', name: 'telemetry' } });
    expect(decodeSynadiaChunk('plain text').ok).toBe(false);
    expect(decodeSynadiaChunk('{"type":"response","data":5}').ok).toBe(false);
  });

  it('builds and parses the SDK subjects', () => {
    const ours = synadiaSubjects({ agent: 'switchboard', owner: 'ops', name: 'planner' });
    const theirs = AgentSubject.new('switchboard', 'ops', 'planner');
    expect(ours).toEqual({ prompt: theirs.prompt, heartbeat: theirs.heartbeat, status: theirs.status });
    expect(parseSynadiaSubject(theirs.heartbeat)).toEqual({ verb: 'hb', identity: { agent: 'switchboard', owner: 'ops', name: 'planner' } });
    expect(parseSynadiaSubject('agents.request.planner')).toBeNull();
    expect(parseSynadiaSubject('agents.dev.status.planner')).toBeNull(); // seed 002's status subject: 4 tokens
  });

  it('reads and writes max_payload sizes as the SDK does', () => {
    for (const size of ['1MB', '512KB', '4GB', '100B', ' 2 mb ']) expect(parseSynadiaSize(size)).toBe(parseHumanBytes(size));
    expect(parseSynadiaSize('1.5MB')).toBeNull();
    expect(parseSynadiaSize('lots')).toBeNull();
    for (const n of [1, 1024, 1536, 1048576, 8 * 1048576]) expect(formatSynadiaSize(n)).toBe(formatHumanBytes(n));
  });
});
