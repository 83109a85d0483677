/**
 * Older topology files load through migrations, one version step at a time; a file from a newer
 * Switchboard is refused read-only (never rewritten by a version that cannot understand it).
 */
import { API_VERSION } from './schema.js';

/** apiVersions this build can migrate from, oldest first, each with its step to the next. */
const MIGRATIONS: { from: string; to: string; migrate: (doc: Record<string, unknown>) => Record<string, unknown> }[] = [
  { from: 'switchboard.dev/v1alpha1', to: API_VERSION, migrate: fromV1alpha1 },
];

/** Where a document stands against this build's apiVersion. */
export type VersionCheck =
  | { status: 'current' }
  | { status: 'older'; from: string }
  | { status: 'newer'; version: string }
  | { status: 'unknown'; version: unknown };

/** Compares a document's apiVersion with what this build reads. */
export function checkVersion(apiVersion: unknown): VersionCheck {
  if (apiVersion === API_VERSION) return { status: 'current' };
  if (typeof apiVersion === 'string' && MIGRATIONS.some((m) => m.from === apiVersion)) return { status: 'older', from: apiVersion };
  if (typeof apiVersion === 'string' && isNewer(apiVersion)) return { status: 'newer', version: apiVersion };
  return { status: 'unknown', version: apiVersion };
}

/** Applies every step from the document's version to the current one. */
export function migrate(doc: Record<string, unknown>): { doc: Record<string, unknown>; steps: string[] } {
  let current = doc;
  const steps: string[] = [];
  for (const step of MIGRATIONS) {
    if (current['apiVersion'] !== step.from) continue;
    current = step.migrate(current);
    steps.push(`${step.from} → ${step.to}`);
  }
  return { doc: current, steps };
}

/** `switchboard.dev/vN[alphaM|betaM]`, ordered the way Kubernetes orders API versions. */
function isNewer(version: string): boolean {
  const rank = (v: string) => {
    const m = /^switchboard\.dev\/v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return null;
    const stage = m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2;
    return [Number(m[1]), stage, Number(m[3] ?? 0)] as const;
  };
  const a = rank(version);
  const b = rank(API_VERSION)!;
  if (!a) return false;
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return false;
}

/**
 * v1alpha1 (the first preview) kept everything at the top level: `agents` with an inline `model`
 * and `system_prompt`, and `channels` with a `type`. v1 moved them under `spec`, named model
 * settings in `llms`, and renamed channels to edges.
 */
function fromV1alpha1(doc: Record<string, unknown>): Record<string, unknown> {
  const agents = Array.isArray(doc['agents']) ? (doc['agents'] as Record<string, unknown>[]) : [];
  const llms: Record<string, unknown> = {};
  const keyOf = new Map<string, string>();
  const migratedAgents = agents.map((agent) => {
    const { model, system_prompt, ...rest } = agent;
    const settings = (model && typeof model === 'object' ? model : { provider: 'scripted' }) as Record<string, unknown>;
    const signature = JSON.stringify(settings);
    let key = keyOf.get(signature);
    if (!key) {
      const base = String(settings['provider'] ?? 'llm');
      key = llms[base] === undefined ? base : `${base}_${keyOf.size + 1}`;
      keyOf.set(signature, key);
      llms[key] = settings;
    }
    return { ...rest, llm: key, ...(typeof system_prompt === 'string' && { prompt: system_prompt }) };
  });
  const channels = Array.isArray(doc['channels']) ? (doc['channels'] as Record<string, unknown>[]) : [];
  const { agents: _a, channels: _c, apiVersion: _v, ...rest } = doc;
  return {
    ...rest,
    apiVersion: API_VERSION,
    spec: {
      ...(Object.keys(llms).length > 0 && { llms }),
      agents: migratedAgents,
      edges: channels.map(({ type, ...edge }) => ({ ...edge, kind: type })),
    },
  };
}
