/**
 * Prompt placeholders as the editor sees them: where each `{{name}}` is, which names are unknown,
 * and what to complete after `{{`. Pure, so the rules are tested without a browser; the names and
 * their meaning come from agents/topology/prompt-template.ts (what the runtime fills).
 */
import { BUILT_IN_VARIABLES, PLACEHOLDER } from '../../../agents/topology/prompt-template';

/** The runtime's placeholder syntax (agents/topology/prompt-template.ts). */

/** One placeholder in a prompt: its name and offsets of the whole `{{ … }}`. */
export interface Placeholder {
  name: string;
  start: number;
  end: number;
}

/** A variable a prompt can use, as completion offers it. */
export interface VariableInfo {
  name: string;
  /** What it holds, short (shown beside the name in the completion list). */
  summary: string;
  description: string;
  builtIn: boolean;
}

/** Every placeholder in `text`, in order. */
export function placeholders(text: string): Placeholder[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => ({ name: m[1]!, start: m.index, end: m.index + m[0].length }));
}

/** Placeholders that neither the runtime nor the agent's own variables fill (they render empty). */
export function unknownPlaceholders(text: string, agentVariables: readonly string[]): Placeholder[] {
  const known = new Set<string>([...Object.keys(BUILT_IN_VARIABLES), ...agentVariables]);
  return placeholders(text).filter((p) => !known.has(p.name));
}

/** Built-ins first (with what they hold), then the agent's own variables not shadowing one. */
export function availableVariables(agentVariables: readonly string[]): VariableInfo[] {
  const builtIns = Object.entries(BUILT_IN_VARIABLES).map(([name, summary]) => ({ name, summary, description: `Built-in, filled by the runtime: ${summary}`, builtIn: true }));
  const own = [...new Set(agentVariables)]
    .filter((name) => !Object.hasOwn(BUILT_IN_VARIABLES, name))
    .map((name) => ({ name, summary: "this agent's variable", description: "This agent's own variable (its variables in the inspector or the YAML)", builtIn: false }));
  return [...builtIns, ...own];
}

/** What to complete at a cursor: the partial name around it, and the `}}` that may follow. */
export interface CompletionSite {
  /** Characters of the name before the cursor (replaced by the completion). */
  typed: string;
  /** What the completion also replaces after the cursor: the rest of the name and a closing `}}`. */
  after: number;
}

/**
 * The completion site for the text before and after the cursor on its line; null outside `{{`.
 * A completion replaces the whole placeholder tail, closing it, so the cursor ends after `}}`.
 */
export function completionSite(before: string, after: string): CompletionSite | null {
  const open = /\{\{\s*([A-Za-z0-9_.]*)$/.exec(before);
  if (!open) return null;
  const following = /^[A-Za-z0-9_.]*(?:\s*\}\})?/.exec(after)!;
  return { typed: open[1]!, after: following[0].length };
}
