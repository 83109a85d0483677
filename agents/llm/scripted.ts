/**
 * The offline default provider: deterministic replies and tool calls defined in the topology
 * (pattern → reply or actions). Every template runs on it with no key and no network. The first
 * rule that matches the conversation's last message wins; a tool result is matched by tool name.
 */
import type { z } from 'zod';
import { ScriptSchema, type ScriptRuleSchema } from '../topology/schema.js';
import type { LlmCallOptions, LlmMessage, LlmProvider, LlmRequest, LlmResponse } from './provider.js';

/** The scripted provider's settings: an agent's `script` in the topology. */
export type ScriptedConfig = z.input<typeof ScriptSchema>;
type ScriptRule = z.output<typeof ScriptRuleSchema>;

const DEFAULT_FALLBACK = 'I have no scripted answer for: {{input}}';

/** Deterministic answers from rules. */
export class ScriptedProvider implements LlmProvider {
  readonly kind = 'scripted';
  private readonly config: { rules: ScriptRule[]; fallback: string; stream_chunks: number };
  private readonly patterns: (RegExp | null)[];

  /** Throws (zod) on an invalid script; an invalid regular expression throws too. */
  constructor(config: ScriptedConfig = {}) {
    const parsed = ScriptSchema.parse(config);
    this.config = { rules: parsed.rules, fallback: parsed.fallback ?? DEFAULT_FALLBACK, stream_chunks: parsed.stream_chunks ?? 1 };
    this.patterns = this.config.rules.map((rule) => (rule.matches ? new RegExp(rule.matches, 'i') : null));
  }

  async complete(request: LlmRequest, options: LlmCallOptions = {}): Promise<LlmResponse> {
    if (options.signal?.aborted) throw options.signal.reason;
    const last = request.messages.at(-1);
    const input = lastUserText(request.messages);
    const toolResult = last?.role === 'tool' ? last.content : '';
    let text = this.config.fallback;
    let toolCalls: LlmResponse['toolCalls'] = [];
    let groups: string[] = [];

    for (const [i, rule] of this.config.rules.entries()) {
      const pattern = this.patterns[i];
      const match = this.matchRule(rule, pattern ?? null, last, input);
      if (!match) continue;
      groups = match;
      text = rule.reply ?? '';
      toolCalls = (rule.tool_calls ?? []).map((call, n) => ({
        id: `call_${request.messages.length}_${n}`,
        name: call.name,
        arguments: fillArguments(call.arguments, { input, tool_result: toolResult, groups }),
      }));
      break;
    }
    text = fill(text, { input, tool_result: toolResult, groups });

    if (options.onText && text) for (const piece of split(text, this.config.stream_chunks)) options.onText(piece);
    const promptChars = request.system.length + request.messages.reduce((n, m) => n + m.content.length, 0);
    return {
      text,
      toolCalls,
      usage: { inputTokens: Math.ceil(promptChars / 4), outputTokens: Math.ceil(text.length / 4) + toolCalls.length * 8 },
      stopReason: toolCalls.length ? 'tool_calls' : 'stop',
      model: request.model || 'scripted',
    };
  }

  private matchRule(rule: ScriptRule, pattern: RegExp | null, last: LlmMessage | undefined, input: string): string[] | null {
    if (rule.after_tool !== undefined) return last?.role === 'tool' && last.name === rule.after_tool ? [] : null;
    if (last?.role === 'tool') return null; // text rules answer users, not tool results
    if (rule.contains !== undefined && !input.toLowerCase().includes(rule.contains.toLowerCase())) return null;
    if (pattern) {
      const m = pattern.exec(input);
      return m ? [...m] : null;
    }
    return [];
  }
}

function lastUserText(messages: readonly LlmMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === 'user') return messages[i]!.content;
  return '';
}

interface Fill {
  input: string;
  tool_result: string;
  groups: string[];
}

function fill(template: string, values: Fill): string {
  return template.replace(/\{\{\s*(input|tool_result|match\.(\d+))\s*\}\}/g, (_, name: string, group?: string) =>
    group !== undefined ? (values.groups[Number(group)] ?? '') : name === 'input' ? values.input : values.tool_result,
  );
}

/** Fills every string inside the arguments, however deep (a delegate call carries a list of objects). */
function fillArguments(args: Record<string, unknown>, values: Fill): Record<string, unknown> {
  const walk = (v: unknown): unknown =>
    typeof v === 'string' ? fill(v, values) : Array.isArray(v) ? v.map(walk) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)])) : v;
  return walk(args) as Record<string, unknown>;
}

/** Splits text into about `n` pieces at spaces, keeping every character. */
function split(text: string, n: number): string[] {
  if (n <= 1) return [text];
  const words = text.split(/(?<= )/);
  const per = Math.ceil(words.length / n);
  const pieces: string[] = [];
  for (let i = 0; i < words.length; i += per) pieces.push(words.slice(i, i + per).join(''));
  return pieces;
}
