// The serving side of the Synadia Agent Protocol without NATS: which prompts are admitted (size,
// envelope, attachments), how failures become error responses, the heartbeat payload (read back by
// the protocol's own client SDK), and which agents a topology exposes.
import { describe, expect, it } from 'vitest';
import { admitSynadiaPrompt, type PromptLimits } from '../../agents/interop/synadia/prompt-admission.js';
import { synadiaHeartbeat } from '../../agents/interop/synadia/heartbeat.js';
import { PromptReply } from '../../agents/interop/synadia/prompt-reply.js';
import { failureOf } from '../../agents/interop/synadia/service.js';
import { encodeSynadiaError, SYNADIA_MAX_ERROR_DESCRIPTION, SynadiaHeartbeatSchema } from '../../agents/protocol/synadia.js';
import { AgentRequestError } from '../../agents/runtime/agent.js';
import { systemClock } from '../../agents/runtime/clock.js';
import { planNetwork } from '../../agents/runtime/from-topology.js';
import { newMessage } from '../../agents/runtime/wire.js';
import { loadTopology } from '../../agents/topology/load.js';
import type { MessageRecord } from '../../agents/trace/record.js';
import { designedVsObserved } from '../../agents/trace/designed-vs-observed.js';
import type { ServiceMsg } from '@nats-io/services';
import { decodeHeartbeatPayload } from '../fixtures/synadia-sdk/client/src/index.js';

const limits: PromptLimits = { maxPayload: 64, attachmentsOk: false };
const bytes = (text: string) => new TextEncoder().encode(text);

describe('admitting a prompt', () => {
  it('takes plain text and a JSON envelope (unknown fields kept)', () => {
    expect(admitSynadiaPrompt(bytes('what is up?'), limits)).toEqual({ ok: true, envelope: { prompt: 'what is up?' } });
    expect(admitSynadiaPrompt(bytes(' {"prompt":"hi","session":"s1"}'), limits)).toEqual({ ok: true, envelope: { prompt: 'hi', session: 's1' } });
  });

  it.each([
    ['an empty body', '', 'empty_prompt'],
    ['an envelope with an empty prompt', '{"prompt":""}', 'invalid_request'],
    ['an envelope without a prompt', '{"text":"hi"}', 'invalid_request'],
    ['JSON that does not parse', '{"prompt":', 'invalid_request'],
    ['attachments when attachments_ok is false', '{"prompt":"p","attachments":[{"filename":"a","content":""}]}', 'attachments_not_supported'],
  ])('refuses %s with a 400', (_what, body, error) => {
    expect(admitSynadiaPrompt(bytes(body), limits)).toMatchObject({ ok: false, code: 400, error, message: expect.any(String) });
  });

  it('takes attachments when the endpoint accepts them', () => {
    expect(admitSynadiaPrompt(bytes('{"prompt":"p","attachments":[{"filename":"a","content":""}]}'), { ...limits, attachmentsOk: true })).toMatchObject({ ok: true });
  });

  it('refuses more than max_payload bytes, and takes exactly that many', () => {
    expect(admitSynadiaPrompt(bytes('x'.repeat(64)), limits)).toMatchObject({ ok: true });
    expect(admitSynadiaPrompt(bytes('é'.repeat(33)), limits)).toMatchObject({ ok: false, code: 400, error: 'payload_too_large', message: expect.stringContaining('66 bytes') });
  });

  it('refuses a body that is not UTF-8', () => {
    expect(admitSynadiaPrompt(new Uint8Array([0x68, 0xff, 0x69]), limits)).toMatchObject({ ok: false, error: 'invalid_request' });
  });
});

describe('error responses', () => {
  it('flatten the description to one bounded header line and keep the whole message in the body', () => {
    const long = `first line\n  second line\r\n${'x'.repeat(300)}`;
    const encoded = encodeSynadiaError(500, 'handler_error', long);
    expect(encoded.description.startsWith('first line | second line | xxx')).toBe(true);
    expect(encoded.description).toHaveLength(SYNADIA_MAX_ERROR_DESCRIPTION);
    expect(encoded.description.endsWith('...')).toBe(true);
    expect(JSON.parse(encoded.body)).toEqual({ error: 'handler_error', message: long });
  });

  it('name why the agent failed: its error code, forbidden as 403, anything else as an internal error', () => {
    const reply = newMessage({ message_type: 'response', from_agent: 'a', to_agent: 'b', content: 'x', metadata: { status: 'failed', error_code: 'budget_exceeded' } });
    expect(failureOf(new AgentRequestError('failed', 'a failed: budget', reply))).toEqual({ code: 500, error: 'budget_exceeded', message: 'a failed: budget' });
    expect(failureOf(new AgentRequestError('timeout', 'a did not answer'))).toMatchObject({ code: 500, error: 'timeout' });
    expect(failureOf(new AgentRequestError('forbidden', 'not permitted'))).toMatchObject({ code: 403, error: 'forbidden' });
    expect(failureOf(new Error('boom'))).toEqual({ code: 500, error: 'internal_error', message: 'boom' });
  });
});

describe('a prompt reply', () => {
  it('acks, relays chunks, sends one error and one terminator, and nothing after it', () => {
    const sent: { body: string; error?: string }[] = [];
    const text = (data: unknown) => (typeof data === 'string' ? data : new TextDecoder().decode(data as Uint8Array));
    const msg = {
      respond: (data: unknown) => sent.push({ body: text(data) }) > 0,
      respondError: (code: number, description: string, data: unknown) => sent.push({ body: text(data), error: `${code} ${description}` }) > 0,
    } as unknown as ServiceMsg;
    const reply = new PromptReply(msg, systemClock, 1024);
    reply.ack(3600);
    reply.chunk('part');
    reply.fail(500, 'stopped', 'the run stopped');
    reply.chunk('late');
    reply.fail(500, 'again', 'twice');
    reply.end();
    expect(sent).toEqual([
      { body: '{"type":"status","data":"ack"}' },
      { body: '{"type":"response","data":"part"}' },
      { body: '{"error":"stopped","message":"the run stopped"}', error: '500 the run stopped' },
      { body: '' },
    ]);
  });

  it('splits a chunk that would not fit in max_payload into several that do, in order (nats.js refuses a bigger one: the answer was lost)', () => {
    const maxPayload = 64;
    const sent: Uint8Array[] = [];
    const msg = {
      respond: (data: string | Uint8Array) => {
        const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
        if (bytes.length > maxPayload) throw new Error('max_payload size exceeded'); // as nats.js does
        return sent.push(bytes) > 0;
      },
    } as unknown as ServiceMsg;
    const text = `${'é'.repeat(40)} "quoted" ${'x'.repeat(50)} \u{1F600}\n`;
    const reply = new PromptReply(msg, systemClock, maxPayload);
    reply.chunk('short');
    reply.chunk(text);
    reply.end();
    const decoded = sent.map((b) => new TextDecoder().decode(b));
    expect(decoded.at(-1)).toBe('');
    const chunks = decoded.slice(0, -1).map((d) => JSON.parse(d) as { type: string; data: string });
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.every((c) => c.type === 'response')).toBe(true);
    expect(chunks[0]!.data).toBe('short');
    expect(chunks.slice(1).map((c) => c.data).join('')).toBe(text);
  });
});

describe('the heartbeat', () => {
  it('is the §8.3 payload the client SDK reads', () => {
    const payload = synadiaHeartbeat({ agent: 'switchboard', owner: 'acme', name: 'echo' }, 'ID1', 30, Date.UTC(2026, 0, 2));
    const wire = JSON.parse(JSON.stringify(payload)) as unknown;
    expect(SynadiaHeartbeatSchema.parse(wire)).toEqual({ agent: 'switchboard', owner: 'acme', instance_id: 'ID1', ts: '2026-01-02T00:00:00.000Z', interval_s: 30 });
    expect(decodeHeartbeatPayload(wire)).toMatchObject({ agent: 'switchboard', owner: 'acme', instanceId: 'ID1', intervalS: 30 });
  });
});

describe('which agents a topology exposes', () => {
  const topology = (spec: string) => {
    const text = `apiVersion: switchboard.dev/v1\nkind: Topology\nmetadata: { name: t }\nspec:\n  llms: { offline: { provider: scripted } }\n${spec}`;
    const loaded = loadTopology(text, 't.yaml');
    if (!loaded.topology) throw new Error(JSON.stringify(loaded.problems));
    return loaded.topology;
  };
  const plan = (spec: string) => Object.fromEntries(planNetwork(topology(spec)).agents.map((a) => [a.name, a.synadia]));

  it('none by default', () => {
    expect(plan('  agents:\n    - { name: a, llm: offline }\n')).toEqual({ a: undefined });
  });

  it('all with exposeAll, except an agent that opts out; an agent may opt in on its own', () => {
    expect(plan('  synadia: { owner: acme, exposeAll: true, heartbeatS: 5 }\n  agents:\n    - { name: a, llm: offline }\n    - { name: b, llm: offline, synadia: false }\n')).toEqual({
      a: { owner: 'acme', heartbeatS: 5 },
      b: undefined,
    });
    expect(plan('  agents:\n    - { name: a, llm: offline, synadia: true }\n    - { name: b, llm: offline }\n')).toEqual({ a: { owner: 'switchboard', heartbeatS: 30 }, b: undefined });
  });

  it('are designed traffic in the trace: prompts, status requests and heartbeats of a served agent, not of another', () => {
    const record = (seq: number, subject: string): MessageRecord => ({ seq, time: '2026-01-02T00:00:00.000Z', mono: seq, kind: 'message', subject, reply: null, headers: null, size: 2, payload: 'hi', encoding: 'utf8', truncated: false, parsed: { ok: false, reason: 'not an AgentMessage' } });
    const design = topology('  synadia: { owner: acme }\n  agents:\n    - { name: a, llm: offline, synadia: true }\n    - { name: b, llm: offline }\n');
    const subjects = ['agents.prompt.switchboard.acme.a', 'agents.status.switchboard.acme.a', 'agents.hb.switchboard.acme.a', 'agents.prompt.switchboard.acme.b'];
    const result = designedVsObserved(design, subjects.map((subject, i) => record(i + 1, subject)));
    expect(result.undeclaredSubjects.map((u) => u.subject)).toEqual(['agents.prompt.switchboard.acme.b']);
  });
});
