/**
 * Writing a topology so that it diffs well in git: keys in schema order, multi-line strings
 * (prompts) as YAML block scalars, layout in its own section at the end, and empty values left
 * out where loading restores them as defaults. load(save(t)) is t.
 */
import { Document, Scalar, visit } from 'yaml';
import type { Topology } from './schema.js';

/** Empty values at these places are defaults; anywhere else (`llms: {}`, `contains: ""`) they mean something and stay. */
const DROPPABLE_EMPTY_OBJECTS = new Set(['variables', 'nodes', 'layout', 'env']);
const DROPPABLE_EMPTY_STRINGS = new Set(['description']);
/** Arrays that default to empty; `allow: []` (nobody) is not one of them. */
const DROPPABLE_EMPTY_ARRAYS = new Set(['capabilities', 'tools', 'blackboards', 'breakpoints', 'rules', 'agents', 'externalAgents', 'edges', 'mcpServers', 'args']);

/** The topology as YAML text. */
export function toYaml(topology: Topology): string {
  const doc = new Document(compact(topology));
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && node.value.includes('\n')) node.type = Scalar.BLOCK_LITERAL;
    },
  });
  // Keep long prompts and descriptions on one line unless they have their own line breaks.
  return doc.toString({ lineWidth: 0, blockQuote: 'literal' });
}

/** The topology as JSON text (2-space indent, trailing newline). */
export function toJson(topology: Topology): string {
  return `${JSON.stringify(compact(topology), null, 2)}\n`;
}

/** Drops the values that loading restores as defaults (empty lists, descriptions, maps), recursively. */
function compact(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => compact(v));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || (v === '' && DROPPABLE_EMPTY_STRINGS.has(k))) continue;
      if (Array.isArray(v) && v.length === 0 && DROPPABLE_EMPTY_ARRAYS.has(k)) continue;
      const inner = compact(v, k);
      if (isEmptyObject(inner) && DROPPABLE_EMPTY_OBJECTS.has(k)) continue;
      out[k] = inner;
    }
    return key && isEmptyObject(out) && DROPPABLE_EMPTY_OBJECTS.has(key) ? {} : out;
  }
  return value;
}

const isEmptyObject = (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0;
