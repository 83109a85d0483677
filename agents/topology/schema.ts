/**
 * The topology file: the one zod schema the canvas edits, `switchboard run` executes and export
 * starts from. It also emits the JSON Schema the prompt/source editors use. Isomorphic.
 *
 * Key order in these objects is the order a saved file uses (stable diffs), so fields are listed
 * in the order a reader wants them.
 */
import { z } from 'zod';
import { isSubjectPattern } from '../protocol/subjects.js';
import { ConditionalBreakpointSchema } from '../protocol/breakpoint.js';
import { EvaluatorSchema } from './evaluator-schema.js';
import { NegotiationDecisionSchema, NegotiationValueSchema } from '../protocol/seed-002-negotiation.js';

/** The version this build reads and writes. */
export const API_VERSION = 'switchboard.dev/v1';
export const KIND = 'Topology';

/** A node name: one NATS subject token, so it can stand in every subject template. */
export const NodeNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/, 'must be one NATS subject token: letters, digits, "_" and "-"')
  .max(128);

/** The name of an environment variable holding a secret: a reference, never the secret. */
export const SecretRefSchema = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be the NAME of an environment variable (e.g. OPENAI_API_KEY), not a secret value');

/** One scripted rule: when the last message matches, answer with text and/or tool calls. */
export const ScriptRuleSchema = z
  .object({
    contains: z.string().optional(),
    matches: z.string().optional(),
    after_tool: z.string().optional(),
    reply: z.string().optional(),
    tool_calls: z.array(z.object({ name: z.string(), arguments: z.record(z.string(), z.unknown()).default({}) })).optional(),
  })
  .strict()
  .refine((rule) => rule.reply !== undefined || (rule.tool_calls?.length ?? 0) > 0, 'a rule needs a reply or tool_calls');

/** An agent's script for the `scripted` provider (ignored by the others). */
export const ScriptSchema = z
  .object({
    rules: z.array(ScriptRuleSchema).default([]),
    fallback: z.string().optional(),
    stream_chunks: z.number().int().min(1).max(100).optional(),
  })
  .strict();

/** Named model settings; agents refer to them by name. Secrets are env var names. */
export const LlmSettingsSchema = z.discriminatedUnion('provider', [
  z.object({ provider: z.literal('scripted'), model: z.string().optional() }).strict(),
  z.object({ provider: z.literal('replay'), model: z.string().optional() }).strict(),
  z
    .object({
      provider: z.literal('openai'),
      model: z.string().min(1),
      baseUrl: z.url().optional(),
      apiKeyEnv: SecretRefSchema.optional(),
      timeoutMs: z.number().int().positive().optional(),
      maxTokens: z.number().int().positive().optional(),
      temperature: z.number().min(0).max(2).optional(),
    })
    .strict(),
  z
    .object({
      provider: z.literal('anthropic'),
      model: z.string().min(1),
      baseUrl: z.url().optional(),
      apiKeyEnv: SecretRefSchema.optional(),
      timeoutMs: z.number().int().positive().optional(),
      maxTokens: z.number().int().positive().optional(),
      temperature: z.number().min(0).max(1).optional(),
    })
    .strict(),
]);
export type LlmSettingsSpec = z.infer<typeof LlmSettingsSchema>;

/** Seed 004's budget envelope. */
const BudgetSchema = z
  .object({
    maxTurns: z.number().int().min(1).optional(),
    maxTokens: z.number().int().min(1).optional(),
    timeoutMs: z.number().int().min(1).optional(),
  })
  .strict();

const OodaPhaseSchema = z.enum(['observe', 'orient', 'decide', 'act']);

/** The part an agent plays; collaboration patterns give roles their behaviour. */
const RoleSchema = z.enum(['assistant', 'specialist', 'coordinator', 'dispatcher', 'peer', 'finalizer', 'auctioneer', 'bidder']);

/** A proposer's negotiation (seed 002 A2A): whom it asks, under what constraints, how long, and how it decides. */
export const NegotiateSchema = z
  .object({
    with: z.array(NodeNameSchema).min(1, 'negotiate.with needs at least one agent to propose to'),
    type: z.string().min(1).default('task_assignment'),
    decision: NegotiationDecisionSchema.default('all-accept'),
    /** With `best-terms`: the numeric term that ranks accepted offers. */
    prefer: z.object({ term: z.string().min(1), order: z.enum(['lowest', 'highest']).default('lowest') }).strict().optional(),
    /** Answers after this are recorded as late and do not count. */
    timeoutMs: z.number().int().min(1).max(600_000).default(5000),
    proposal: z.record(z.string(), z.unknown()).default({}),
    /** `max_X` / `min_X` / `required_X` bound a responder's term X (the guide's `max_cost`, `required_accuracy`). */
    constraints: z.record(z.string(), NegotiationValueSchema).default({}),
  })
  .strict();

/** A responder's scripted answer to proposals: accept (with its terms) when they meet the constraints, always, or never (with a reason). */
export const AcceptSchema = z
  .object({
    when: z.enum(['constraints-met', 'always', 'never']).default('constraints-met'),
    terms: z.record(z.string(), NegotiationValueSchema).default({}),
    reason: z.string().min(1).optional(),
  })
  .strict();

/** How an agent plays its role in a collaboration pattern (seed 004, part 1). */
export const PatternSchema = z
  .object({
    /** coordinator: limits of the sub-tasks it delegates through the capability registry. */
    subtaskTimeoutMs: z.number().int().positive().optional(),
    maxParallel: z.number().int().min(1).max(64).optional(),
    /** dispatcher: who deliberates, who assembles, where they write, and when to stop. */
    peers: z.array(NodeNameSchema).optional(),
    finalizer: NodeNameSchema.optional(),
    blackboard: NodeNameSchema.optional(),
    maxRounds: z.number().int().min(1).max(20).optional(),
    maxMessages: z.number().int().min(1).optional(),
    convergence: z.enum(['all', 'majority', 'first']).optional(),
    timeoutMs: z.number().int().positive().optional(),
    /** auctioneer: how long bids are taken and how they are scored (higher is better). */
    bidTimeoutMs: z.number().int().positive().optional(),
    weights: z.object({ confidence: z.number(), cost: z.number(), latency: z.number() }).strict().optional(),
    /** bidder: what it offers when asked for a bid. */
    bid: z.object({ confidence: z.number().min(0).max(1), cost: z.number().min(0), latencyMs: z.number().min(0) }).strict().optional(),
    /** blackboard: entries whose updates start this agent (no orchestrator). */
    watch: z.array(z.object({ blackboard: NodeNameSchema, key: z.string().min(1) }).strict()).optional(),
    /** coordinator (seed 004 1.1): who judges its reply before it is sent, and how often a failed verdict may make it revise (default 1). */
    evaluator: EvaluatorSchema.optional(),
    maxRevisions: z.number().int().min(0).max(10).optional(),
    /** seed 002 A2A negotiation, proposer: a request to it proposes to `with` and the reply reports the outcome. */
    negotiate: NegotiateSchema.optional(),
    /** seed 002 A2A negotiation, responder: how it answers proposals on `agents.{env}.a2a.negotiate.{name}`. */
    accept: AcceptSchema.optional(),
  })
  .strict();

/** Seed 002's `batch_size` / `batch_timeout`, in the file's units. */
export const BatchSchema = z
  .object({
    size: z.number().int().min(2).max(1000),
    timeoutMs: z.number().int().min(1).max(60_000),
  })
  .strict();

/** An agent this topology starts. */
export const AgentSchema = z
  .object({
    name: NodeNameSchema,
    description: z.string().default(''),
    role: RoleSchema.default('assistant'),
    capabilities: z.array(z.string().min(1)).default([]),
    /** Name of an entry of `llms`. */
    llm: z.string().min(1),
    prompt: z.string().default('You are {{agent_name}}. {{agent_description}}'),
    variables: z.record(z.string(), z.string()).default({}),
    script: ScriptSchema.optional(),
    /** Names of entries of `tools` (and built-in tools) this agent may call. */
    tools: z.array(z.string().min(1)).default([]),
    /** Names of entries of `blackboards` this agent reads and writes. */
    blackboards: z.array(z.string().min(1)).default([]),
    replicas: z.number().int().min(1).max(64).default(1),
    budget: BudgetSchema.optional(),
    /** Where its runs stop: a phase (every time), or `{ phase, condition }` (when a tool is about to be called, a message matches, a reply failed). */
    breakpoints: z.array(z.union([OodaPhaseSchema, ConditionalBreakpointSchema])).default([]),
    pattern: PatternSchema.optional(),
    /** Serve it as a Synadia Agent Protocol agent too (true/false overrides `spec.synadia.exposeAll`). */
    synadia: z.boolean().optional(),
    /** Serve it over A2A too (an agent card and a JSON-RPC endpoint; true/false overrides `spec.a2a.exposeAll`). */
    a2a: z.boolean().optional(),
    /** Seed 002's batch processing: requests arriving within `timeoutMs` (at most `size`) are one OODA run, each answered on its own. */
    batch: BatchSchema.optional(),
  })
  .strict();
export type AgentSpecFile = z.infer<typeof AgentSchema>;

/** One token of a Synadia Agent Protocol subject (what NATS allows; not starting with `$`). */
const SynadiaTokenSchema = z
  .string()
  .regex(/^[^\s.*>$\0][^\s.*>\0]*$/, 'must be one NATS subject token (no ".", "*", ">" or spaces; not starting with "$")')
  .max(128);

/** Who an external Synadia Agent Protocol agent is: its prompt endpoint is found by discovery. */
export const SynadiaIdentitySchema = z.object({ agent: SynadiaTokenSchema, owner: SynadiaTokenSchema, name: SynadiaTokenSchema }).strict();

/** A credential the protocol gateway attaches by reference: the header and the NAME of the variable holding its value. */
export const CredentialRefSchema = z
  .object({
    header: z.string().regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name').default('Authorization'),
    /** Prepended to the value with a space (`Bearer`); empty for a raw value. */
    scheme: z.string().default('Bearer'),
    secret: SecretRefSchema,
  })
  .strict();

/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4) the protocol gateway trades for a bearer token at
 * `tokenUrl` (the client authenticated with HTTP Basic), cached until it expires.
 */
export const OAuth2CredentialSchema = z
  .object({
    tokenUrl: z.string().url().refine((u) => /^https?:\/\//.test(u), 'must be an http:// or https:// URL of a token endpoint'),
    clientId: z.string().min(1),
    /** The NAME of the variable holding the client secret. */
    clientSecret: SecretRefSchema,
    scopes: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'must be one scope token (no spaces or quotes)')).default([]),
    /** Sent as `audience` when the token endpoint asks for one (Auth0, some gateways). */
    audience: z.string().min(1).optional(),
  })
  .strict();

/** Where an external A2A agent is: its agent card's URL (http or https), and its credential by reference. */
export const A2aPeerSchema = z
  .object({
    card: z.string().url().refine((u) => /^https?:\/\//.test(u), 'must be an http:// or https:// URL of an agent card'),
    credential: CredentialRefSchema.optional(),
    /** A bearer token from an OAuth 2.0 token endpoint instead of a fixed `credential`. */
    oauth2: OAuth2CredentialSchema.optional(),
    /** How long one call may take, end to end (the peer hangs: the call fails after it). */
    timeoutMs: z.number().int().positive().max(600_000).default(60_000),
    /** The card's skills as last fetched, so the canvas shows them without the network. */
    skills: z.array(z.object({ id: z.string(), name: z.string(), description: z.string().default('') }).strict()).default([]),
  })
  .strict();

/**
 * An agent that runs elsewhere (another process or language): drawn, traced, requested, not
 * started. It speaks the topology's profile, or the Synadia Agent Protocol when `synadia` names it.
 */
export const ExternalAgentSchema = z
  .object({
    name: NodeNameSchema,
    description: z.string().default(''),
    capabilities: z.array(z.string().min(1)).default([]),
    /** Whether it answers requests (a request edge to one that does not is an error). */
    answers: z.boolean().default(true),
    /** A Synadia Agent Protocol agent: its identity (`agents.prompt.{agent}.{owner}.{name}` by default). */
    synadia: SynadiaIdentitySchema.optional(),
    /** An A2A agent (spec v1.0): reached through the protocol gateway only, found by its agent card. */
    a2a: A2aPeerSchema.optional(),
  })
  .strict();

/** Serving the topology's agents as Synadia Agent Protocol agents (`agents.prompt.switchboard.{owner}.{agent}`). */
export const SynadiaExposureSchema = z
  .object({
    /** The `{owner}` token and `metadata.owner` of every exposed agent. */
    owner: SynadiaTokenSchema.default('switchboard'),
    /** Expose every agent (an agent's own `synadia: false` still opts it out). */
    exposeAll: z.boolean().default(false),
    /** Heartbeat cadence, seconds (the protocol's default: 30). */
    heartbeatS: z.number().min(1).max(3600).default(30),
  })
  .strict();

/** Serving the topology's agents over A2A (spec v1.0): one HTTP listener, a card and a JSON-RPC endpoint per agent. */
export const A2aExposureSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    /** 0 = any free port (the run prints the URL). */
    port: z.number().int().min(0).max(65535).default(0),
    /** Serve every agent (an agent's own `a2a: false` still opts it out). */
    exposeAll: z.boolean().default(false),
    /** What callers must send (the secret by reference, read when the run starts); the cards say so. Without it the endpoints take any call. */
    credential: CredentialRefSchema.optional(),
  })
  .strict();

/** A named field whose value the protocol gateway strips from outbound payloads, wherever it appears. */
const PiiFieldSchema = z.string().min(1).max(128);

/**
 * The protocol gateway (seed 004, part 2): what it strips from outbound payloads to external
 * protocols (A2A, MCP) and how it sanitizes what comes back. Stripped kinds are recorded, never values.
 */
export const ProtocolGatewaySchema = z
  .object({
    pii: z
      .object({
        emails: z.boolean().default(true),
        phones: z.boolean().default(true),
        cards: z.boolean().default(true),
        /** JSON field names (any depth) whose values are removed. */
        fields: z.array(PiiFieldSchema).default([]),
      })
      .strict()
      .default({ emails: true, phones: true, cards: true, fields: [] }),
    /** Inbound responses longer than this are refused. */
    maxResponseBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
  })
  .strict();

/** One step of a durable workflow: the agent asked, and what it is asked (`{{input}}`, `{{previous}}`, `{{steps.NAME}}`; default `{{previous}}`). */
export const WorkflowStepSchema = z
  .object({
    name: NodeNameSchema,
    agent: NodeNameSchema,
    input: z.string().min(1).optional(),
  })
  .strict();

/** A durable workflow (seed 003): steps across agents whose state is kept in a JetStream stream, so a restarted run resumes it. */
export const WorkflowSchema = z
  .object({
    name: NodeNameSchema,
    description: z.string().default(''),
    steps: z.array(WorkflowStepSchema).min(1, 'a workflow needs at least one step'),
    /** Attempts per step (a run killed mid-step counts as one) before the workflow fails. */
    maxAttempts: z.number().int().min(1).max(20).default(3),
    stepTimeoutMs: z.number().int().positive().max(3_600_000).default(120_000),
  })
  .strict();
export type WorkflowSpec = z.infer<typeof WorkflowSchema>;

/** JetStream settings of what the topology creates (registry bucket, blackboards). */
export const JetStreamSettingsSchema = z
  .object({
    /** Replicas of each bucket; by default as many as the cluster has nodes, at most three. */
    replicas: z.number().int().min(1).max(5).optional(),
  })
  .strict();

/** What the tool gateway enforces for a tool (or every tool of an MCP server). */
const GatewayPolicyShape = {
  /** Token bucket: `perMinute` calls a minute, at most `burst` at once. */
  rateLimit: z.object({ perMinute: z.number().positive(), burst: z.number().int().min(1) }).strict().optional(),
  timeoutMs: z.number().int().positive().optional(),
  /** Identical calls in one run return the first result (safe retries). */
  idempotent: z.boolean().optional(),
};

/** A tool agents can be allowed to call. */
export const ToolSchema = z
  .object({
    name: NodeNameSchema,
    description: z.string().default(''),
    /** JSON Schema of the arguments. */
    parameters: z.record(z.string(), z.unknown()).default({ type: 'object', properties: {} }),
    /** `scripted`: answers with `result` (`{{arg}}` filled in); offline templates use it. */
    kind: z.enum(['scripted']).default('scripted'),
    result: z.string().default(''),
    /** Only these agents may call it; absent means any agent that lists it. */
    allow: z.array(NodeNameSchema).optional(),
    ...GatewayPolicyShape,
  })
  .strict();

/**
 * A stdio MCP server whose tools agents can be allowed (`server/tool` or `server/*` in an agent's
 * tools). Environment values are references: the child's variable <- the host's variable.
 */
export const McpServerSchema = z
  .object({
    // Its tools reach the model as `<server>__<tool>` (64 characters at most): a short name
    // without `__`, so the server of a tool name is never ambiguous.
    name: NodeNameSchema.max(46).refine((n) => !n.includes('__'), 'an MCP server name cannot contain "__"'),
    description: z.string().default(''),
    command: z.string().min(1),
    args: z.array(z.string()).default([]),
    /** The server's environment: its variable name -> the NAME of the host variable to copy. */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), SecretRefSchema).default({}),
    cwd: z.string().optional(),
    /** Also serve it on the bus (seed 002: `agents.{environment}.mcp.{name}.requests`). */
    exposeOnNats: z.boolean().default(false),
    ...GatewayPolicyShape,
  })
  .strict();

/** Shared memory: a JetStream KV bucket. */
export const BlackboardSchema = z
  .object({
    name: NodeNameSchema,
    description: z.string().default(''),
    /** The KV bucket; defaults to the blackboard's name. */
    bucket: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .optional(),
  })
  .strict();

export const EdgeKindSchema = z.enum(['direct', 'request', 'broadcast', 'handoff', 'subscribe']);
export type EdgeKind = z.infer<typeof EdgeKindSchema>;

/** A channel between two nodes. */
export const EdgeSchema = z
  .object({
    from: NodeNameSchema,
    to: NodeNameSchema,
    kind: EdgeKindSchema,
    /** For `subscribe`: the subject pattern `to` listens on (NATS wildcards allowed). */
    subject: z
      .string()
      .refine(isSubjectPattern, 'must be a NATS subject or pattern (`*` for one token, `>` last)')
      .optional(),
    description: z.string().optional(),
  })
  .strict();
export type Edge = z.infer<typeof EdgeSchema>;

/** Which subject templates and wire format the agents speak. */
const ProfileNameSchema = z.enum(['seed-000', 'seed-001', 'seed-002']);

export const TopologySpecSchema = z
  .object({
    profile: ProfileNameSchema.default('seed-000'),
    llms: z.record(NodeNameSchema, LlmSettingsSchema).default({ offline: { provider: 'scripted' } }),
    agents: z.array(AgentSchema).default([]),
    externalAgents: z.array(ExternalAgentSchema).default([]),
    tools: z.array(ToolSchema).default([]),
    mcpServers: z.array(McpServerSchema).default([]),
    blackboards: z.array(BlackboardSchema).default([]),
    edges: z.array(EdgeSchema).default([]),
    /** The envelope every agent's own budget must fit in. */
    budget: BudgetSchema.optional(),
    /** Register agents in the JetStream KV registry (else announcements only). */
    registry: z.enum(['kv', 'announcements']).default('kv'),
    /** The `{env}` of seed 002's subjects (MCP over NATS). */
    environment: z.string().regex(/^[A-Za-z0-9_-]+$/).default('dev'),
    /** JetStream: replicas of the buckets the topology creates. */
    jetstream: JetStreamSettingsSchema.optional(),
    /** Serve agents to Synadia Agent Protocol clients. */
    synadia: SynadiaExposureSchema.optional(),
    /** Serve agents to A2A clients. */
    a2a: A2aExposureSchema.optional(),
    /** PII stripping and response limits of the protocol gateway (defaults apply when absent). */
    protocolGateway: ProtocolGatewaySchema.optional(),
    /** Durable workflows on JetStream (seed 003), run by the `switchboard run` that starts each one's first step's agent. */
    workflows: z.array(WorkflowSchema).optional(),
  })
  .strict();

/** Canvas positions, apart from the model so a moved node is a small diff. */
const LayoutSchema = z
  .object({
    nodes: z.record(z.string(), z.object({ x: z.number(), y: z.number() }).strict()).default({}),
  })
  .strict();

export const TopologySchema = z
  .object({
    apiVersion: z.literal(API_VERSION),
    kind: z.literal(KIND),
    metadata: z
      .object({
        name: z.string().min(1),
        description: z.string().default(''),
        /** A request to try it with ("Run example" in the app; the template tests use it). */
        example: z.object({ to: NodeNameSchema, input: z.string().min(1) }).strict().optional(),
      })
      .strict(),
    spec: TopologySpecSchema,
    layout: LayoutSchema.default({ nodes: {} }),
  })
  .strict();

/** A loaded, normalized topology. */
export type Topology = z.infer<typeof TopologySchema>;
/** A topology as written (defaults may be missing). */
export type TopologyInput = z.input<typeof TopologySchema>;

/** The JSON Schema of the file, for editors (the app's Monaco and the user's own). */
export function topologyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(TopologySchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
