/**
 * The evaluation layer's pure parts: reading an evaluator agent's answer as a verdict, and judging a
 * reply by a declared rule set. No NATS, no clock: unit-tested directly.
 */
import type { EvaluationRule } from '../../topology/evaluator-schema.js';
import { jsonValuesIn } from '../json-in-text.js';

/** A verdict with its feedback (empty when the evaluator said nothing more). */
export interface Judgement {
  verdict: 'pass' | 'fail';
  feedback: string;
}

/** The answer format asked of an evaluator agent (its request says so). */
export const VERDICT_FORMAT = '{"verdict": "pass" | "fail", "feedback": "what to change when it fails"}';

/**
 * Reads an evaluator's answer: JSON `{ "verdict": "pass"|"fail", "feedback": "…" }` (alone, in a
 * code fence, or amid prose), else a first word PASS or FAIL (`FAIL: too long`). Anything else is
 * null: no verdict (the caller sends the reply marked unapproved rather than revising on a guess).
 */
export function parseVerdict(answer: string): Judgement | null {
  const json = jsonVerdict(answer);
  if (json) return json;
  const plain = /^\s*\**\s*(pass|fail)(?:ed)?\b\**[\s:.,;\-–—]*([\s\S]*)$/i.exec(answer);
  if (!plain) return null;
  return { verdict: plain[1]!.toLowerCase() as Judgement['verdict'], feedback: plain[2]!.trim() };
}

/**
 * The verdict of the balanced `{…}` in `answer` that parse as one (prose around them may hold
 * braces too); none when they disagree (an evaluator quoting a reply that holds a verdict of its own).
 */
function jsonVerdict(answer: string): Judgement | null {
  let found: Judgement | null = null;
  for (const value of jsonValuesIn(answer)) {
    if (typeof value !== 'object' || value === null) continue;
    const { verdict, feedback } = value as { verdict?: unknown; feedback?: unknown };
    const word = typeof verdict === 'string' ? verdict.trim().toLowerCase() : '';
    if (word !== 'pass' && word !== 'fail') continue;
    if (found && found.verdict !== word) return null;
    found ??= { verdict: word, feedback: typeof feedback === 'string' ? feedback.trim() : '' };
  }
  return found;
}

/** Judges `reply` by `rules`: fail when any rule fails, each failing rule named with its feedback. */
export function judgeByRules(rules: readonly EvaluationRule[], reply: string): Judgement {
  const failures: string[] = [];
  rules.forEach((rule, i) => {
    const failed = failureOf(rule, reply);
    if (failed) failures.push(`rule ${i + 1} (${describeRule(rule)}): ${rule.feedback ?? failed}`);
  });
  if (failures.length === 0) return { verdict: 'pass', feedback: `all ${rules.length} rule${rules.length === 1 ? '' : 's'} pass` };
  return { verdict: 'fail', feedback: failures.join('; ') };
}

/** Why `reply` fails `rule`, or null when it passes. */
function failureOf(rule: EvaluationRule, reply: string): string | null {
  const lower = reply.toLowerCase();
  if ('mustContain' in rule) return lower.includes(rule.mustContain.toLowerCase()) ? null : `the reply does not contain "${rule.mustContain}"`;
  if ('mustNotContain' in rule) return lower.includes(rule.mustNotContain.toLowerCase()) ? `the reply contains "${rule.mustNotContain}"` : null;
  if ('matches' in rule) return new RegExp(rule.matches, 'i').test(reply) ? null : `the reply does not match /${rule.matches}/`;
  return reply.length <= rule.maxLength ? null : `the reply is ${reply.length} characters, more than ${rule.maxLength}`;
}

/** A rule as the file says it (`mustContain "Order"`). */
function describeRule(rule: EvaluationRule): string {
  if ('mustContain' in rule) return `mustContain "${rule.mustContain}"`;
  if ('mustNotContain' in rule) return `mustNotContain "${rule.mustNotContain}"`;
  if ('matches' in rule) return `matches /${rule.matches}/`;
  return `maxLength ${rule.maxLength}`;
}
