/**
 * Prompt templates: `{{name}}` placeholders filled at Orient. Isomorphic, so the prompt editor
 * highlights and completes the same variables the runtime fills.
 */

/** Variables every agent's prompt can use, filled by the runtime. */
export const BUILT_IN_VARIABLES = {
  agent_name: "the agent's name",
  agent_description: "the agent's description",
  capabilities: "the agent's capabilities, comma-separated",
  peers: 'the other agents the registry knows, one per line with their capabilities',
  input: 'the content of the message being handled',
  from_agent: 'who sent the message being handled',
  date: "today's date (ISO)",
} as const;

/** A `{{name}}` placeholder (global: use with matchAll/replace). */
export const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}/g;

/** The variable names a template uses, in order of first use. */
export function templateVariables(template: string): string[] {
  const names = new Set<string>();
  for (const match of template.matchAll(PLACEHOLDER)) names.add(match[1]!);
  return [...names];
}

/** Fills a template; placeholders without a value become empty and are listed in `missing`. */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): { text: string; missing: string[] } {
  const missing = new Set<string>();
  const text = template.replace(PLACEHOLDER, (_, name: string) => {
    const value = values[name];
    if (value === undefined) missing.add(name);
    return value ?? '';
  });
  return { text, missing: [...missing] };
}
