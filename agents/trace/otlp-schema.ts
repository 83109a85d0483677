/**
 * The OTLP/JSON structure Switchboard exports (the subset it writes), as zod schemas: span kinds,
 * status codes, attributes, spans and the export envelope, plus `validateOtlp` to check a document.
 */
import { z } from 'zod';

/** OTLP `Span.SpanKind`. */
export const SPAN_KIND = { unspecified: 0, internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;
/** OTLP `Status.StatusCode`. */
export const STATUS_CODE = { unset: 0, ok: 1, error: 2 } as const;
/** The instrumentation scope every span is reported under. */
export const OTLP_SCOPE = 'switchboard';

/** An OTLP attribute value (one field set, per the JSON encoding). */
export type OtlpAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { bytesValue: string }
  | { arrayValue: { values: OtlpAnyValue[] } }
  | { kvlistValue: { values: OtlpKeyValue[] } };

/** An OTLP attribute. */
export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

const AnyValueSchema: z.ZodType<OtlpAnyValue> = z.lazy(() =>
  z.union([
    z.object({ stringValue: z.string() }).strict(),
    z.object({ boolValue: z.boolean() }).strict(),
    // int64 travels as a decimal string in OTLP/JSON.
    z.object({ intValue: z.string().regex(/^-?\d+$/) }).strict(),
    z.object({ doubleValue: z.number() }).strict(),
    z.object({ bytesValue: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/) }).strict(),
    z.object({ arrayValue: z.object({ values: z.array(AnyValueSchema) }).strict() }).strict(),
    z.object({ kvlistValue: z.object({ values: z.array(KeyValueSchema) }).strict() }).strict(),
  ]),
);
const KeyValueSchema: z.ZodType<OtlpKeyValue> = z.lazy(() => z.object({ key: z.string().min(1), value: AnyValueSchema }).strict());

/** Lowercase hex of `n` digits, not all zero (an all-zero trace or span id is invalid). */
const hexId = (digits: number) =>
  z
    .string()
    .regex(new RegExp(`^[0-9a-f]{${digits}}$`), `must be ${digits} lowercase hex digits`)
    .refine((id) => /[1-9a-f]/.test(id), 'must not be all zeros');
const UnixNano = z.string().regex(/^\d+$/, 'must be a decimal string of nanoseconds since the epoch');

/** One span, as OTLP/JSON encodes it (camelCase, enums as integers, ids as hex, int64 as strings). */
export const OtlpSpanSchema = z
  .object({
    traceId: hexId(32),
    spanId: hexId(16),
    parentSpanId: z.union([hexId(16), z.literal('')]).optional(),
    traceState: z.string().optional(),
    flags: z.number().int().nonnegative().optional(),
    name: z.string().min(1),
    kind: z.number().int().min(0).max(5),
    startTimeUnixNano: UnixNano,
    endTimeUnixNano: UnixNano,
    attributes: z.array(KeyValueSchema).optional(),
    droppedAttributesCount: z.number().int().nonnegative().optional(),
    events: z
      .array(z.object({ timeUnixNano: UnixNano, name: z.string().min(1), attributes: z.array(KeyValueSchema).optional(), droppedAttributesCount: z.number().int().optional() }).strict())
      .optional(),
    droppedEventsCount: z.number().int().nonnegative().optional(),
    links: z
      .array(z.object({ traceId: hexId(32), spanId: hexId(16), traceState: z.string().optional(), attributes: z.array(KeyValueSchema).optional(), flags: z.number().int().optional() }).strict())
      .optional(),
    droppedLinksCount: z.number().int().nonnegative().optional(),
    status: z.object({ code: z.number().int().min(0).max(2).optional(), message: z.string().optional() }).strict().optional(),
  })
  .strict()
  .refine((span) => BigInt(span.endTimeUnixNano) >= BigInt(span.startTimeUnixNano), 'a span must not end before it starts');
export type OtlpSpan = z.infer<typeof OtlpSpanSchema>;

/** An `ExportTraceServiceRequest` in OTLP/JSON. */
export const OtlpExportSchema = z
  .object({
    resourceSpans: z.array(
      z
        .object({
          resource: z.object({ attributes: z.array(KeyValueSchema), droppedAttributesCount: z.number().int().optional() }).strict(),
          scopeSpans: z.array(
            z
              .object({
                scope: z.object({ name: z.string(), version: z.string().optional(), attributes: z.array(KeyValueSchema).optional() }).strict(),
                spans: z.array(OtlpSpanSchema),
                schemaUrl: z.string().optional(),
              })
              .strict(),
          ),
          schemaUrl: z.string().optional(),
        })
        .strict(),
    ),
  })
  .strict()
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    for (const rs of value.resourceSpans)
      for (const ss of rs.scopeSpans)
        for (const span of ss.spans) {
          if (seen.has(span.spanId)) ctx.addIssue({ code: 'custom', message: `span id ${span.spanId} is used twice` });
          seen.add(span.spanId);
        }
  });
export type OtlpExport = z.infer<typeof OtlpExportSchema>;

/** Checks OTLP/JSON against {@link OtlpExportSchema}; errors are readable lines. */
export function validateOtlp(json: unknown): { ok: true; value: OtlpExport } | { ok: false; errors: string[] } {
  const parsed = OtlpExportSchema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, errors: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`) };
}
