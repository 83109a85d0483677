/**
 * Reading a zod schema to choose a form widget: the forms are generated from the same schemas
 * the file is checked with, so a field's widget and its inline errors cannot drift from the file.
 */
import type { z } from 'zod';

/** The widget a schema calls for. */
export type FieldShape =
  | { widget: 'text' }
  | { widget: 'number'; min?: number; max?: number; int: boolean }
  | { widget: 'boolean' }
  | { widget: 'enum'; options: string[] }
  | { widget: 'list'; of: 'text' }
  | { widget: 'checks'; options: string[] }
  | { widget: 'object'; shape: Record<string, z.ZodType> }
  | { widget: 'json' };

type Def = { type: string; innerType?: z.ZodType; element?: z.ZodType; shape?: Record<string, z.ZodType> };
const defOf = (schema: z.ZodType) => (schema as unknown as { def: Def }).def;

/** The schema under `optional`, `default` and `nullable`, and whether the field may be left out. */
export function unwrap(schema: z.ZodType): { inner: z.ZodType; optional: boolean } {
  let inner = schema;
  let optional = false;
  for (;;) {
    const def = defOf(inner);
    if (!['optional', 'default', 'nullable', 'prefault'].includes(def.type) || !def.innerType) return { inner, optional };
    optional ||= def.type !== 'nullable';
    inner = def.innerType;
  }
}

/** The widget for a field's schema. */
export function fieldShape(schema: z.ZodType): FieldShape {
  const { inner } = unwrap(schema);
  const def = defOf(inner);
  const any = inner as unknown as { options?: string[]; minValue?: number | null; maxValue?: number | null; isInt?: boolean; shape?: Record<string, z.ZodType> };
  switch (def.type) {
    case 'string':
      return { widget: 'text' };
    case 'number':
      return { widget: 'number', int: any.isInt ?? false, ...(Number.isFinite(any.minValue) && { min: any.minValue! }), ...(Number.isFinite(any.maxValue) && { max: any.maxValue! }) };
    case 'boolean':
      return { widget: 'boolean' };
    case 'enum':
      return { widget: 'enum', options: any.options ?? [] };
    case 'array': {
      const element = def.element ? unwrap(def.element).inner : null;
      const type = element ? defOf(element).type : '';
      if (type === 'string') return { widget: 'list', of: 'text' };
      if (type === 'enum') return { widget: 'checks', options: (element as unknown as { options: string[] }).options };
      return { widget: 'json' };
    }
    case 'object': {
      const shape = any.shape ?? {};
      const simple = Object.values(shape).every((s) => ['text', 'number', 'boolean', 'enum'].includes(fieldShape(s).widget));
      return simple ? { widget: 'object', shape } : { widget: 'json' };
    }
    default:
      return { widget: 'json' };
  }
}

/** "maxParallel" → "Max parallel", "apiKeyEnv" → "Api key env". */
export function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The first zod message for a value, or null when it is valid. */
export function schemaError(schema: z.ZodType, value: unknown): string | null {
  const result = schema.safeParse(value);
  return result.success ? null : (result.error.issues[0]?.message ?? 'Invalid value.');
}
