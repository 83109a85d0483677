/**
 * Whether a model request is the one a recording holds, and if not, where it first differs, in
 * words a user can act on ("the system prompt at character 120: … vs …").
 */
import { canonical } from '../protocol/canonical-json.js';
import type { LlmRequest } from './provider.js';

/** Where two requests first differ, as the record's side and the replay's side; null when they are the same. */
export function requestDifference(expected: LlmRequest, actual: LlmRequest, options: { model?: boolean } = {}): { expected: string; actual: string } | null {
  if (options.model !== false && expected.model !== actual.model) return { expected: `model ${expected.model}`, actual: `model ${actual.model}` };
  if (expected.system !== actual.system) return textDifference('the system prompt', expected.system, actual.system);
  const tools = (r: LlmRequest) => r.tools.map((t) => t.name).join(', ') || 'none';
  if (tools(expected) !== tools(actual)) return { expected: `tools [${tools(expected)}]`, actual: `tools [${tools(actual)}]` };
  for (let i = 0; i < Math.max(expected.messages.length, actual.messages.length); i++) {
    const a = expected.messages[i];
    const b = actual.messages[i];
    if (!a || !b) return { expected: `${expected.messages.length} message(s)`, actual: `${actual.messages.length} message(s)` };
    const left = canonical(a);
    const right = canonical(b);
    if (left === right) continue;
    if (a.role !== b.role) return { expected: `message ${i + 1} from ${a.role}`, actual: `message ${i + 1} from ${b.role}` };
    if (a.content !== b.content) return textDifference(`message ${i + 1} (${a.role})`, a.content, b.content);
    return textDifference(`message ${i + 1} (${a.role})`, left, right);
  }
  if (canonical(expected.tools) !== canonical(actual.tools)) return textDifference('the tool schemas', canonical(expected.tools), canonical(actual.tools));
  if (expected.maxTokens !== actual.maxTokens || expected.temperature !== actual.temperature) {
    return { expected: `maxTokens ${expected.maxTokens ?? '-'}, temperature ${expected.temperature ?? '-'}`, actual: `maxTokens ${actual.maxTokens ?? '-'}, temperature ${actual.temperature ?? '-'}` };
  }
  return null;
}

/** `what` at the first character where the two texts differ, with a little of each around it. */
function textDifference(what: string, expected: string, actual: string): { expected: string; actual: string } {
  let at = 0;
  while (at < expected.length && at < actual.length && expected[at] === actual[at]) at++;
  const cut = (text: string) => {
    const from = Math.max(0, at - 20);
    const piece = text.slice(from, at + 40);
    return `${from > 0 ? '…' : ''}${piece}${at + 40 < text.length ? '…' : ''}`;
  };
  return { expected: `${what} at character ${at + 1}: ${JSON.stringify(cut(expected))}`, actual: `${JSON.stringify(cut(actual))}` };
}
