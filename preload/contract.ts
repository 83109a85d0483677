/**
 * THE API between the host (main process or `switchboard serve`) and the renderer.
 *
 * Every call (`noun.verb`) and every event (`noun.pastTense`) is declared here once, as zod schemas.
 * Both transports (Electron IPC and the WebSocket bridge) validate inputs against these schemas on
 * the host side, so validation is written once. Isomorphic: zod only, no Node, no DOM.
 */
import { z } from 'zod';
import { BreakpointSchema } from '../agents/protocol/breakpoint.js';
import { OodaDecisionSchema } from '../agents/protocol/llm.js';
import { OodaPhaseSchema, PauseReasonSchema, ResumeModeSchema } from '../agents/protocol/runtime-events.js';
import { CyclesInputSchema, CyclesSchema } from '../agents/trace/cycles.js';
import { DesignCheckSchema } from '../agents/trace/design-check.js';
import { CompareInputSchema, TraceComparisonSchema } from '../agents/trace/diff-schema.js';
import { MetricsInputSchema, RunMetricsSchema } from '../agents/trace/metrics.js';
import { TraceFilterSchema, TraceQuerySchema } from '../agents/trace/query.js';
import { TraceRecordSchema } from '../agents/trace/record.js';
import { RelatedRecordsSchema, RowFactsSchema } from '../agents/trace/row-facts.js';
import { TimelineInputSchema, TimelineSchema } from '../agents/trace/timeline.js';
import { DiscoveredAgentSchema } from '../agents/protocol/discovered-agent.js';
import { A2aCardSummarySchema } from '../agents/protocol/a2a-card.js';
import { HostInfoSchema, LogLineSchema, ServerStatusSchema } from './contract-server.js';

// ---------------------------------------------------------------------------------------------
// Shared shapes
// ---------------------------------------------------------------------------------------------

export * from './contract-server.js';

/** A template topology a new user starts from. */
export const TemplateSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  /** The template's YAML, as shipped. */
  text: z.string(),
  example: z.object({ to: z.string(), input: z.string() }).nullable(),
});
export type Template = z.infer<typeof TemplateSchema>;

/** A topology file the user opened or saved. */
export const OpenedFileSchema = z.object({
  path: z.string(),
  text: z.string(),
  /** Modification time in ms; save refuses to overwrite a file changed on disk since. */
  mtimeMs: z.number(),
});
export type OpenedFile = z.infer<typeof OpenedFileSchema>;

/** An unsaved document kept by autosave, offered back after a crash. */
export const RecoverySchema = z.object({
  key: z.string(),
  /** The file it belongs to; null for a never-saved document. */
  path: z.string().nullable(),
  text: z.string(),
  savedAt: z.string(),
});
export type Recovery = z.infer<typeof RecoverySchema>;

/** One file of an export; secrets (nkey seeds) are written to disk but never sent to the UI. */
export const ExportedFileSchema = z.object({
  name: z.string(),
  content: z.string().nullable(),
  secret: z.boolean(),
});

const ExportFormatSchema = z.enum(['yaml', 'json', 'nats-conf', 'compose', 'mermaid']);

/** A replay's progress: `followed` once every recorded input was answered as recorded, `diverged` at the first call the record does not hold. */
export const ReplayStatusSchema = z.object({
  /** The recorded run it re-runs. */
  of: z.string(),
  /** Where a fork replaced a decision (`turn`: the agent's N-th decision); null for a plain replay. */
  fork: z.object({ agent: z.string(), turn: z.number().int().positive() }).nullable(),
  state: z.enum(['replaying', 'followed', 'diverged']),
  /** Where and how it diverged, in a line or two; null unless diverged (or it failed). */
  divergence: z.string().nullable(),
});
export type ReplayStatus = z.infer<typeof ReplayStatusSchema>;

/** The topology the host is running, if any. */
export const RunStatusSchema = z.object({
  state: z.enum(['idle', 'starting', 'running', 'stopping', 'failed']),
  runId: z.string().nullable(),
  topology: z.string().nullable(),
  /** Agent instances started, by name. */
  agents: z.array(z.object({ name: z.string(), instances: z.number().int() })),
  startedAt: z.string().nullable(),
  error: z.string().nullable(),
  /** For a replay or a fork (`run.replay`): what it re-runs and how far it followed; null or absent for a normal run. */
  replay: ReplayStatusSchema.nullable().optional(),
  /** Agents of the run that clients of other protocols can reach: an A2A endpoint and card, or a Synadia prompt subject. */
  served: z.array(z.object({ agent: z.string(), protocol: z.enum(['a2a', 'synadia']), address: z.string(), card: z.string().nullable() })).optional(),
});
export type RunStatus = z.infer<typeof RunStatusSchema>;

const OodaPhaseName = OodaPhaseSchema; // the runtime's own list, not a copy

/** A run waiting at a breakpoint or a step, with what the phase is about to work on, since when (ISO) and why (`detail`: what hit, e.g. "tool get_weather"). */
export const PausedRunSchema = z.object({
  agent: z.string(),
  runId: z.string(),
  turn: z.number().int(),
  phase: OodaPhaseName,
  payload: z.unknown(),
  pausedAt: z.string(),
  reason: PauseReasonSchema,
  detail: z.string().nullable(),
});
export type PausedRunInfo = z.infer<typeof PausedRunSchema>;

/** A recorded run in the trace store. */
export const TraceRunSchema = z.object({ runId: z.string(), startedAt: z.string(), topology: z.string().nullable() });

/** A recorded run as the runs list shows it: its size, its record count and whether it is recording now. */
export const RecordedRunSchema = TraceRunSchema.extend({
  /** Records in it; null for a big run not opened yet (counting would read all of it). */
  records: z.number().int().nonnegative().nullable(),
  bytes: z.number().int().nonnegative(),
  live: z.boolean(),
  /** For a replay or a fork: the run it re-ran (from its trace header); null or absent otherwise. */
  replayOf: z.string().nullable().optional(),
  /** For a fork: where it forked (`turn`: the agent's N-th decision); null or absent otherwise. */
  fork: z.object({ agent: z.string(), turn: z.number().int().positive() }).nullable().optional(),
});
export type RecordedRun = z.infer<typeof RecordedRunSchema>;

/** A caller-chosen id for long work (an import, opening a big run): its progress events carry it and `trace.cancel` takes it. */
const TaskIdSchema = z.string().min(1).max(100);

/** The most records one `trace.appended` batch carries: the newest; older ones since the last batch are counted in `skipped`. */
export const LIVE_BATCH_RECORDS = 100;

/** Records appended to the running trace, batched (at most 20 batches a second, each with at most the newest LIVE_BATCH_RECORDS). */
export const TraceBatchSchema = z.object({
  runId: z.string(),
  /** The newest records since the last batch, in order (at most LIVE_BATCH_RECORDS). */
  records: z.array(TraceRecordSchema),
  /** The older records since the last batch that this one leaves out (all before `records`): read them with trace.query. */
  skipped: z.object({ count: z.number(), fromSeq: z.number(), toSeq: z.number() }).nullable(),
});

// ---------------------------------------------------------------------------------------------
// Calls and events
// ---------------------------------------------------------------------------------------------

/** Declares one call: a one-line summary plus its input and output schemas. */
const call = <I extends z.ZodType, O extends z.ZodType>(summary: string, input: I, output: O) => ({
  summary,
  input,
  output,
});

/** Declares one event: a one-line summary plus its payload schema. */
const event = <P extends z.ZodType>(summary: string, payload: P) => ({ summary, payload });

/** Calls take no input when their input schema is this. */
const NoInput = z.undefined();

export const calls = {
  'host.getInfo': call('Facts about the host process: version, shell, data directory.', NoInput, HostInfoSchema),
  'server.getStatus': call('The NATS server state with fresh monitoring counters.', NoInput, ServerStatusSchema),
  'server.restart': call('Restarts the embedded server (reconnects to an external one).', NoInput, ServerStatusSchema),
  'bus.listAgents': call(
    'The agents on the bus in every protocol Switchboard speaks (seed-000, seed-001, seed-002, Synadia), after listening `waitMs` (default 1500).',
    z.object({ waitMs: z.number().int().min(100).max(10_000).optional() }).strict().optional(),
    z.object({ agents: z.array(DiscoveredAgentSchema) }),
  ),
  'peer.getCard': call(
    'Fetches and reads an A2A agent card (a base URL or the card URL itself) so an external A2A agent can be drawn with its skills.',
    z.object({ url: z.string().min(1).max(2048) }).strict(),
    z.object({ card: A2aCardSummarySchema }),
  ),
  'server.getLogs': call(
    'Recent server log lines, oldest first; `afterSeq` returns only newer lines.',
    z
      .object({
        afterSeq: z.number().int().nonnegative().optional(),
        limit: z.number().int().min(1).max(5000).optional(),
      })
      .strict()
      .optional(),
    z.object({ lines: z.array(LogLineSchema) }),
  ),
  'topology.listTemplates': call('The template topologies, with their YAML.', NoInput, z.object({ templates: z.array(TemplateSchema) })),
  'file.open': call('Reads a topology file from disk.', z.object({ path: z.string().min(1) }).strict(), OpenedFileSchema),
  'file.save': call(
    'Writes a topology file atomically; refuses when it changed on disk since `expectedMtimeMs` (unless omitted), or, with `createOnly`, when it exists.',
    z.object({ path: z.string().min(1), text: z.string(), expectedMtimeMs: z.number().optional(), createOnly: z.boolean().optional() }).strict(),
    OpenedFileSchema,
  ),
  'file.listRecent': call('Recently opened or saved files, newest first.', NoInput, z.object({ paths: z.array(z.string()) })),
  'file.autosave': call(
    'Keeps a recovery copy of an unsaved document.',
    z.object({ key: z.string().min(1).max(200), path: z.string().nullable(), text: z.string() }).strict(),
    z.object({ savedAt: z.string() }),
  ),
  'file.listRecoveries': call('Recovery copies left by a session that did not close cleanly.', NoInput, z.object({ recoveries: z.array(RecoverySchema) })),
  'file.discardRecovery': call('Deletes a recovery copy (after saving, or when the user declines it).', z.object({ key: z.string().min(1) }).strict(), z.object({})),
  'file.takeOpenRequest': call(
    'The file a launch asked to open (a double-click, `switchboard serve FILE`), once: null when none or already taken.',
    NoInput,
    z.object({ path: z.string().nullable() }),
  ),
  'topology.export': call(
    'Exports a topology; with `dir` the files (secrets included) are written there, else their contents are returned (secrets withheld).',
    z
      .object({
        text: z.string(),
        fileName: z.string().optional(),
        format: ExportFormatSchema,
        dir: z.string().min(1).optional(),
        /** nats-conf and compose: a cluster of this many nodes (routes, JetStream on each); 1 or absent for one server. */
        clusterNodes: z.number().int().min(1).max(9).optional(),
      })
      .strict(),
    z.object({ files: z.array(ExportedFileSchema), writtenTo: z.string().nullable() }),
  ),
  'run.start': call(
    'Runs a topology on the host’s NATS server, recording its trace.',
    z.object({ text: z.string(), fileName: z.string().optional() }).strict(),
    RunStatusSchema,
  ),
  'run.replay': call(
    'Replays a recorded run as a new run: its topology (from the trace header), every model answer and outside tool result from the record, its inputs sent again at the same points; with `fork`, the agent’s `turn`-th decision (its N-th llm.call) is `decision` and the topology’s own providers answer from there. Stops at the first divergence; progress in `replay` of run.statusChanged.',
    z
      .object({
        runId: z.string().min(1),
        fork: z.object({ agent: z.string().min(1), turn: z.number().int().positive(), decision: OodaDecisionSchema }).strict().optional(),
      })
      .strict(),
    RunStatusSchema,
  ),
  'run.stop': call('Stops the running topology (its trace stays in the store).', NoInput, RunStatusSchema),
  'run.getStatus': call('What is running.', NoInput, RunStatusSchema),
  'run.send': call(
    'Sends a request to an agent of the running topology and returns its reply.',
    z.object({ to: z.string().min(1), input: z.string().min(1), timeoutMs: z.number().int().positive().max(600_000).optional() }).strict(),
    z.object({ content: z.string(), metadata: z.record(z.string(), z.unknown()) }),
  ),
  'run.startWorkflow': call(
    'Starts a durable workflow (spec.workflows) of the running topology and waits for its end: its result, or why it failed. Past `timeoutMs` it goes on in its stream.',
    z.object({ workflow: z.string().min(1), input: z.string().min(1), timeoutMs: z.number().int().positive().max(600_000).optional() }).strict(),
    z.object({ workflowId: z.string(), status: z.enum(['finished', 'failed']), result: z.string().nullable(), reason: z.string().nullable() }),
  ),
  'ooda.setBreakpoints': call(
    'Replaces the running topology’s breakpoints (the designer sends its whole set on every change); a condition that cannot be evaluated where it is set is refused.',
    z.object({ breakpoints: z.array(BreakpointSchema) }).strict(),
    z.object({}),
  ),
  'ooda.pause': call('Stops an agent before its next phase; with no agent, every agent of the running topology.', z.object({ agent: z.string().min(1).optional() }).strict(), z.object({})),
  'ooda.continueAll': call('Resumes every paused run and forgets pause requests (breakpoints stay).', NoInput, z.object({})),
  'ooda.listPaused': call('The runs waiting now.', NoInput, z.object({ runs: z.array(PausedRunSchema) })),
  'ooda.resume': call(
    'Lets a paused run go on: `continue` to the next breakpoint, `step` to the next phase, `stepOver` to the next Observe of the same run (or its end); before Act, `replace` is the decision to act on.',
    z.object({ runId: z.string().min(1), mode: ResumeModeSchema.default('continue'), replace: z.unknown().optional() }).strict(),
    z.object({}),
  ),
  'trace.listRuns': call('Recorded runs, newest first, with size, record count and whether live.', NoInput, z.object({ runs: z.array(RecordedRunSchema) })),
  'trace.openRun': call(
    'Opens a recorded run (rebuilding its index once, with `trace.progressed` under `task`; cancellable) and returns it with the topology text it was recorded with.',
    z.object({ runId: z.string().min(1), task: TaskIdSchema.optional() }).strict(),
    RecordedRunSchema.extend({ topologyText: z.string().nullable() }),
  ),
  'trace.query': call(
    'One page of a run’s records; with `withFacts`, each record’s facts too (from → to, type, status, its request or reply and the latency).',
    z.object({ runId: z.string().min(1), query: TraceQuerySchema, withFacts: z.boolean().optional() }).strict(),
    z.object({
      records: z.array(TraceRecordSchema),
      hasMore: z.boolean(),
      /** Records matching the filters (paging aside); null when only the records answer the filter (text, correlation). */
      total: z.number().int().nullable(),
      /** The position of the page's oldest record in the filtered result (null with `total` null or no record). */
      offset: z.number().int().nullable(),
      facts: z.array(RowFactsSchema).optional(),
    }),
  ),
  'trace.getPosition': call(
    'Where a record is among the records matching the filters: its 0-based position (where it would be when it does not match), whether it matches, and the total; position and total are null for text and correlation filters.',
    z.object({ runId: z.string().min(1), query: TraceFilterSchema, seq: z.number().int().positive() }).strict(),
    z.object({ position: z.number().int().nullable(), matches: z.boolean(), total: z.number().int().nullable() }),
  ),
  'trace.getRelated': call(
    'Around one record: its facts (its request or reply, the latency), its handoff chain and its conversation (at most 200 seqs each, with the total), and every record these name.',
    z.object({ runId: z.string().min(1), seq: z.number().int().positive() }).strict(),
    RelatedRecordsSchema,
  ),
  'trace.getCycles': call(
    'A run’s OODA structure for the cycle inspector: per agent its OODA runs (one per incoming request; a page of them: `offset`, `limit` ≤ 500, default 100, 0 for counts only), each run’s turns and each turn’s phases, model call, tool results and sent messages by seq; a turn’s `decision` is the agent’s N-th `llm.call` (what a fork names). Read incrementally.',
    CyclesInputSchema,
    CyclesSchema,
  ),
  'trace.republish': call(
    'Publishes a message on the running topology’s bus as the workbench (header `Switchboard-Injected: 1`); with `request`, on a fresh reply inbox so its answer is recorded as its reply. On an external server only with `confirmExternal: true`.',
    z
      .object({
        subject: z.string().min(1),
        payload: z.string(),
        headers: z.record(z.string(), z.array(z.string())).optional(),
        request: z.boolean().optional(),
        confirmExternal: z.boolean().optional(),
      })
      .strict(),
    z.object({ subject: z.string(), reply: z.string().nullable(), bytes: z.number().int().nonnegative() }),
  ),
  'trace.count': call(
    'How many of a run’s records match the filters (all without them), per subject, agent and type, and how many infrastructure records `infrastructure: hide` leaves out.',
    z.object({ runId: z.string().min(1), query: TraceFilterSchema.optional() }).strict(),
    z.object({
      records: z.number(),
      messages: z.number(),
      events: z.number(),
      subjects: z.record(z.string(), z.number()),
      agents: z.record(z.string(), z.number()),
      types: z.record(z.string(), z.number()),
      hiddenInfrastructure: z.number(),
      /** False when text or correlation needed more records read than a count reads (then only those are counted). */
      exact: z.boolean(),
    }),
  ),
  'trace.checkDesign': call(
    'Designed vs observed for a run: declared edges with their traffic, undeclared subjects and flows, requests nobody answered (read incrementally: each call reads only records appended since the last).',
    z.object({ runId: z.string().min(1) }).strict(),
    DesignCheckSchema,
  ),
  'trace.getMetrics': call(
    'A run’s metrics over time (all of it, or `from`…`to`) in at most `buckets` buckets: per agent (by name) messages received and sent, reply latency p50/p95, tool calls, errors, tokens, first/last seen, with totals; for the system active agents, end-to-end latency, task completion and errors by kind. Read incrementally: a call reads only records appended since the last.',
    MetricsInputSchema,
    RunMetricsSchema,
  ),
  'trace.getTimeline': call(
    'A run’s timeline (all of it, or `from`…`to` in epoch ms): one lane per agent (topology order, then others, then `outside`) with its OODA phases, model calls and tool calls as spans, and the bus messages between lanes (sent, received, replies). At most `maxItems` (default 4000): past it the longest spans and a sample of the messages, `truncated`. Read incrementally: a call reads only records appended since the last.',
    TimelineInputSchema,
    TimelineSchema,
  ),
  'trace.compare': call(
    'Two runs’ conversations (bus messages between agents and from/to outside; no infrastructure, presence or ids) aligned message by message per sender → receiver channel, in run A’s order: the summary (same, changed, only in A, only in B), the first divergence and a page of rows (`offset`, `limit` ≤ 500, default 100).',
    CompareInputSchema,
    TraceComparisonSchema,
  ),
  'trace.import': call(
    'Imports an NDJSON trace as a new run, from a host `path` or from `text` (a file the browser read; `name` for messages); progress under `task`, cancellable; a bad line is refused with its line number and nothing is kept.',
    z
      .object({ path: z.string().min(1).optional(), text: z.string().optional(), name: z.string().min(1).max(300).optional(), task: TaskIdSchema.optional() })
      .strict()
      .refine((i) => (i.path === undefined) !== (i.text === undefined), 'give either path or text'),
    TraceRunSchema.extend({ records: z.number().int().nonnegative() }),
  ),
  'trace.export': call(
    'Exports a run as NDJSON (lossless), Mermaid (a sequence diagram) or OTLP/JSON; with `path` the host writes the file, else the text is returned (up to 8 MiB).',
    z.object({ runId: z.string().min(1), format: z.enum(['ndjson', 'mermaid', 'otlp']).default('ndjson'), path: z.string().min(1).optional() }).strict(),
    z.object({ path: z.string().nullable(), text: z.string().nullable() }),
  ),
  'trace.delete': call('Deletes a recorded run’s files; refuses the run recording now.', z.object({ runId: z.string().min(1) }).strict(), z.object({})),
  'trace.cancel': call('Cancels long work by its task id; false when no such task runs.', z.object({ task: TaskIdSchema }).strict(), z.object({ cancelled: z.boolean() })),
  'secrets.list': call(
    'Secrets set in the OS secret store, and the `wanted` names found in the environment (names only, never values).',
    z.object({ wanted: z.array(z.string()).optional() }).strict().optional(),
    z.object({ secrets: z.array(z.object({ name: z.string(), source: z.enum(['os', 'env']) })), canStore: z.boolean() }),
  ),
  'secrets.set': call(
    'Stores a secret in the OS secret store (desktop app only).',
    z.object({ name: z.string().regex(/^[A-Z_][A-Z0-9_]*$/), value: z.string().min(1) }).strict(),
    z.object({}),
  ),
  'secrets.delete': call('Removes a secret from the OS secret store.', z.object({ name: z.string().min(1) }).strict(), z.object({})),
} as const;

export const events = {
  'file.openRequested': event('A launch asked to open a file (a double-click, a second launch): take it with `file.takeOpenRequest`.', z.object({ path: z.string() })),
  'server.statusChanged': event('The server changed state (started, died, restarting, ready, stopped).', ServerStatusSchema),
  'run.statusChanged': event('A topology started, stopped or failed.', RunStatusSchema),
  'ooda.pausedChanged': event('A run paused at a breakpoint or went on; carries every run waiting now.', z.object({ runs: z.array(PausedRunSchema) })),
  'trace.appended': event(`New records of the running trace, batched at most 20 times a second; a batch carries the newest ${LIVE_BATCH_RECORDS} and counts the older ones as skipped.`, TraceBatchSchema),
  'trace.progressed': event(
    'How far long work got (bytes done of total), at most 10 times a second per task.',
    z.object({ task: z.string(), done: z.number().nonnegative(), total: z.number().nonnegative() }),
  ),
} as const;

export type Calls = typeof calls;
export type Events = typeof events;
export type CallName = keyof Calls;
export type EventName = keyof Events;
/** What a caller passes for call N (before parsing). */
export type CallInput<N extends CallName> = z.input<Calls[N]['input']>;
/** What the host's handler receives for call N (after parsing). */
export type ParsedCallInput<N extends CallName> = z.output<Calls[N]['input']>;
export type CallOutput<N extends CallName> = z.output<Calls[N]['output']>;
export type EventPayload<E extends EventName> = z.output<Events[E]['payload']>;

/** The host's implementation of every call. */
export type CallHandlers = {
  [N in CallName]: (input: ParsedCallInput<N>) => Promise<CallOutput<N>>;
};

/** Narrows an arbitrary string to a call name. */
export const isCallName = (name: string): name is CallName => Object.hasOwn(calls, name);
/** Narrows an arbitrary string to an event name. */
export const isEventName = (name: string): name is EventName => Object.hasOwn(events, name);

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

export const ErrorCodeSchema = z.enum([
  'invalid_input', // the input failed the call's schema
  'unknown_call', // no call by that name
  'unavailable', // a dependency (the NATS server, a file) is not there right now
  'failed', // the operation ran and failed for a reason given in the message
  'conflict', // the file changed on disk since it was opened: reload or save elsewhere
  'not_found', // no such file
  'cancelled', // the caller cancelled long work (trace.cancel); nothing was left half done
  'internal', // a bug: the host broke its own contract
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** How every error crosses a transport. */
export const RpcErrorSchema = z.object({ code: ErrorCodeSchema, message: z.string() });
export type RpcErrorShape = z.infer<typeof RpcErrorSchema>;

/** An error with a code; handlers throw it, clients reject with it. */
export class RpcError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RpcError';
  }
  toJSON(): RpcErrorShape {
    return { code: this.code, message: this.message };
  }
}

/** The result of one call as it crosses a transport. */
export const RpcResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: RpcErrorSchema }),
]);
export type RpcResult = z.infer<typeof RpcResultSchema>;

// ---------------------------------------------------------------------------------------------
// WebSocket frames (the IPC transport carries the same call/result pair natively)
// ---------------------------------------------------------------------------------------------

/** Frames the renderer sends over the WebSocket bridge. */
export const ClientFrameSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('call'), id: z.number().int(), method: z.string(), input: z.unknown().optional() }),
  z.object({ t: z.literal('subscribe'), events: z.array(z.string()) }),
  z.object({ t: z.literal('unsubscribe'), events: z.array(z.string()) }),
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;

/** Frames the host sends over the WebSocket bridge. */
export type HostFrame =
  | ({ t: 'result'; id: number } & RpcResult)
  | { t: 'event'; name: EventName; payload: unknown };

/** What the preload script exposes as `window.switchboard` (generic: no per-call code). */
export interface SwitchboardBridge {
  call(method: string, input: unknown): Promise<RpcResult>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}
