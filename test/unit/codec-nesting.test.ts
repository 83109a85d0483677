// Deeply nested JSON is refused before JSON.parse (which takes about a second on 1 MB of it), with
// a reason; brackets inside strings do not count, and ordinary nesting passes.
import { describe, expect, it } from 'vitest';
import { decodeAgentMessage, MAX_NESTING, nestingRefusal } from '../../agents/protocol/codec.js';

const message = (metadata: string) =>
  `{"message_type":"request","from_agent":"a","to_agent":"b","content":"hi","metadata":${metadata},"timestamp":"t","message_id":"m","in_reply_to":null,"priority":2}`;
const nested = (depth: number) => `{"x":${'['.repeat(depth)}${']'.repeat(depth)}}`;

describe('nesting refusal', () => {
  it('refuses a message nested deeper than the limit, with the reason', () => {
    const decoded = decodeAgentMessage(message(nested(MAX_NESTING + 10)));
    expect(decoded).toEqual({ ok: false, reason: `nested deeper than ${MAX_NESTING} levels` });
  });

  it('refuses 1 MB of nesting, even unclosed', () => {
    expect(nestingRefusal(message(nested(500_000)))).toMatch(/nested deeper/);
    expect(nestingRefusal('{"a":' + '['.repeat(1_000_000))).toMatch(/nested deeper/);
  });

  it('passes nesting up to the limit and brackets inside strings', () => {
    expect(decodeAgentMessage(message(nested(MAX_NESTING - 2))).ok).toBe(true);
    const brackets = JSON.stringify({ code: '[['.repeat(2 * MAX_NESTING) + '"\\' });
    expect(nestingRefusal(message(brackets))).toBeNull();
    expect(decodeAgentMessage(message(brackets)).ok).toBe(true);
  });

  it('lets short and bracket-poor text through without a walk', () => {
    expect(nestingRefusal('[[[')).toBeNull();
    expect(nestingRefusal(message(JSON.stringify({ text: 'x'.repeat(10_000) })))).toBeNull();
  });
});
