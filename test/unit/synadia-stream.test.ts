// Assembling a Synadia Agent Protocol response stream (agents/interop/synadia/stream.ts) from what
// the protocol's agent SDK puts on the wire, and reading a $SRV.INFO reply's prompt endpoint.
import { describe, expect, it } from 'vitest';
import { SynadiaStreamAssembler, type StreamMessage } from '../../agents/interop/synadia/stream.js';
import { synadiaPromptEndpoint } from '../../agents/protocol/synadia.js';
import { encodeChunk } from '../fixtures/synadia-sdk/agent/src/index.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
/** A chunk as the SDK encodes it. */
const chunk = (c: Parameters<typeof encodeChunk>[0]): StreamMessage => {
  const bytes = encodeChunk(c);
  return { text: text(bytes), bytes: bytes.length, header: null };
};
const raw = (body: string): StreamMessage => ({ text: body, bytes: new TextEncoder().encode(body).length, header: null });
const END: StreamMessage = { text: '', bytes: 0, header: null };
const withHeaders = (headers: Record<string, string>, body = '', status: number | null = null): StreamMessage => ({
  text: body,
  bytes: body.length,
  header: (name) => headers[name],
  status,
});

describe('the response stream assembler', () => {
  it('appends response chunks in order, treats status chunks as keep-alives, and ends at the empty headerless message', () => {
    const a = new SynadiaStreamAssembler();
    expect(a.add(chunk({ type: 'status', status: 'ack' }))).toEqual({ kind: 'more' });
    expect(a.add(chunk({ type: 'response', text: 'Hello, ' }))).toEqual({ kind: 'more' });
    expect(a.add(chunk({ type: 'status', status: 'ack' }))).toEqual({ kind: 'more' });
    a.add(chunk({ type: 'response', text: 'wor' }));
    a.add(chunk({ type: 'response', text: 'ld' }));
    expect(a.add(END)).toEqual({ kind: 'done', text: 'Hello, world', attachments: [] });
    expect(a.counts).toEqual({ responses: 3, statuses: 2, skipped: 0 });
    // Nothing after the end changes the answer.
    expect(a.add(chunk({ type: 'response', text: 'late' }))).toEqual({ kind: 'done', text: 'Hello, world', attachments: [] });
  });

  it('keeps response attachments and reads the {text} form', () => {
    const a = new SynadiaStreamAssembler();
    a.add(raw(JSON.stringify({ type: 'response', data: { text: 'see file', attachments: [{ filename: 'a.txt', content: 'aGk=' }] } })));
    expect(a.add(END)).toEqual({ kind: 'done', text: 'see file', attachments: [{ filename: 'a.txt', content: 'aGk=' }] });
  });

  it('skips unknown chunk types, query chunks and unreadable chunks', () => {
    const a = new SynadiaStreamAssembler();
    a.add(raw('{"type":"thinking","data":"hmm"}'));
    a.add(raw('{"type":"query","data":{"id":"q1","reply_subject":"_INBOX.x","prompt":"which file?"}}'));
    a.add(raw('not json'));
    a.add(raw('{"type":"response","data":42}'));
    a.add(chunk({ type: 'response', text: 'ok' }));
    expect(a.add(END)).toEqual({ kind: 'done', text: 'ok', attachments: [] });
    expect(a.counts.skipped).toBe(4);
  });

  it('ends at an error header with its code and description, and the body when there is no description', () => {
    const a = new SynadiaStreamAssembler();
    a.add(chunk({ type: 'status', status: 'ack' }));
    expect(a.add(withHeaders({ 'Nats-Service-Error-Code': '429', 'Nats-Service-Error': 'slow down' }))).toEqual({ kind: 'error', code: 429, description: 'slow down' });
    expect(a.add(END)).toEqual({ kind: 'error', code: 429, description: 'slow down' });
    const b = new SynadiaStreamAssembler();
    expect(b.add(withHeaders({ 'Nats-Service-Error-Code': '500' }, '{"error":"internal","message":"the model is down"}'))).toEqual({ kind: 'error', code: 500, description: 'the model is down' });
  });

  it("tells the server's no-responders status apart from the terminator (headers, so not the end)", () => {
    expect(new SynadiaStreamAssembler().add(withHeaders({}, '', 503))).toEqual({ kind: 'no_responders' });
    // An empty message with some other header is neither the end nor an error: keep reading.
    expect(new SynadiaStreamAssembler().add(withHeaders({ 'X-Other': '1' }))).toEqual({ kind: 'more' });
  });
});

describe("a $SRV.INFO reply's prompt endpoint", () => {
  const info = {
    type: 'io.nats.micro.v1.info_response',
    name: 'agents',
    id: 'ABC123',
    version: '0.0.1',
    description: 'claude-code agent reviewer',
    metadata: { agent: 'claude-code', owner: 'acme', protocol_version: '0.3' },
    endpoints: [
      { name: 'prompt', subject: 'agents.prompt.cc.acme.reviewer', queue_group: 'agents', metadata: { max_payload: '1MB', attachments_ok: 'false' } },
      { name: 'status', subject: 'agents.status.cc.acme.reviewer', queue_group: 'agents' },
    ],
  };

  it('takes the identity from the metadata and the subject’s last token, and the limits from the endpoint metadata', () => {
    expect(synadiaPromptEndpoint(info)).toEqual({
      identity: { agent: 'claude-code', owner: 'acme', name: 'reviewer' },
      instanceId: 'ABC123',
      subject: 'agents.prompt.cc.acme.reviewer',
      maxPayload: 1024 * 1024,
      attachmentsOk: false,
    });
  });

  it('is null for other services and for agents without a prompt endpoint or identity', () => {
    expect(synadiaPromptEndpoint({ ...info, name: 'billing' })).toBeNull();
    expect(synadiaPromptEndpoint({ ...info, endpoints: [info.endpoints[1]] })).toBeNull();
    expect(synadiaPromptEndpoint({ ...info, metadata: { agent: 'claude-code' } })).toBeNull();
    expect(synadiaPromptEndpoint('garbage')).toBeNull();
  });
});
