/**
 * The OODA loop (seed 000's NATSOODAAgent) as a message handler. Each turn observes (the message,
 * then tool results), orients (prompt from its template, memory, consolidation, blackboard reads),
 * decides (one LLM call with the agent's tools) and acts (tool calls through the executor, or the
 * reply). Every phase emits its input and output; the step controller can stop before any phase
 * and, before Act, swap the decision for an edited one.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AgentMessage } from '../protocol/agent-message.js';
import { renderTemplate } from '../topology/prompt-template.js';
import type { LlmMessage, LlmProvider, LlmResponse, LlmToolCall } from '../llm/provider.js';
import { OodaDecisionSchema, type OodaDecision } from '../protocol/llm.js';
import { NO_TOOLS, type ToolExecutor, type ToolResult } from '../tools/tool-executor.js';
import type { HandlerContext, MessageHandler } from './agent.js';
import { BudgetExceededError, BudgetTracker, type Budget } from './budget.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import type { OodaPhase, RuntimeEventBus } from '../protocol/runtime-events.js';
import { ConversationMemory } from './memory.js';
import type { RunContext } from './breakpoint-conditions.js';
import type { StepController } from './step-controller.js';
import { SynthesisReview, type EvaluationSettings } from './patterns/evaluation.js';

/** Reads blackboard entries for Orient (the blackboard tools of the patterns issue implement it). */
export interface BlackboardReader {
  read(agent: string): Promise<Record<string, string>>;
}

/** Options for {@link createOodaHandler}. */
export interface OodaOptions {
  llm: LlmProvider;
  model: string;
  /** The system prompt template (`{{agent_name}}`, `{{input}}`, custom variables…). */
  prompt: string;
  /** Values for the template's custom variables. */
  variables?: Record<string, string>;
  tools?: ToolExecutor;
  controller?: StepController;
  budget?: Budget;
  /** Context budget in tokens before memory is consolidated. */
  contextTokens?: number;
  /** Describes the other agents for `{{peers}}` (the capability registry). */
  peers?: () => string;
  blackboard?: BlackboardReader;
  maxTokens?: number;
  temperature?: number;
  /** Times the budget and arms the run's timeout; the system clock unless a test drives time. */
  clock?: Clock;
  /** Seed 004's evaluation layer: an evaluator judges each reply before it is sent (patterns/evaluation.ts). */
  evaluation?: EvaluationSettings;
}

type Decision = OodaDecision;

/** What Observe saw. */
interface Observation {
  /** `feedback`: an evaluator rejected the reply; this turn revises it. */
  kind: 'message' | 'tool_results' | 'feedback';
  from: string;
  content: string;
  conversation: string;
  toolResults?: { name: string; content: string; isError: boolean }[];
}

/** What Orient put together for Decide. */
interface Orientation {
  system: string;
  messages: LlmMessage[];
  blackboard?: Record<string, string>;
}

/** What Act did. */
interface ActOutcome {
  reply: string | null;
  toolResults: { id: string; name: string; content: string; isError: boolean }[];
}

/** Builds the handler an OODA agent runs for every request, direct message, handoff or broadcast. */
export function createOodaHandler(options: OodaOptions): MessageHandler {
  const memory = new ConversationMemory(options.contextTokens ?? 8000);
  const tools = options.tools ?? NO_TOOLS;
  // A batch names its run before it starts (batch.formed); any other run gets a fresh id.
  return (message, context: HandlerContext & { runId?: string }) => new OodaRun(options, memory, tools, message, context, context.runId ?? randomUUID()).run();
}

/** One run: the turns an incoming message takes, under one budget. */
class OodaRun {
  private readonly agent: string;
  private readonly events: RuntimeEventBus;
  private readonly tracker: BudgetTracker;
  private readonly clock: Clock;
  private readonly abort = new AbortController();
  private timer: TimerHandle | null = null;
  private turn = 0;
  /** What breakpoint conditions are asked about: this run and the message that started it. */
  private readonly debugged: RunContext;
  private readonly review: SynthesisReview | null;

  constructor(
    private readonly options: OodaOptions,
    private readonly memory: ConversationMemory,
    private readonly tools: ToolExecutor,
    private readonly message: AgentMessage,
    private readonly context: HandlerContext,
    private readonly runId: string,
  ) {
    this.agent = context.agent.name;
    this.events = context.agent.events;
    this.clock = options.clock ?? systemClock;
    this.tracker = new BudgetTracker(options.budget ?? {}, this.clock);
    this.debugged = { agent: this.agent, runId: this.runId, subject: context.subject, message };
    this.review = options.evaluation ? new SynthesisReview(options.evaluation, { agent: context.agent, runId: this.runId, request: message, tracker: this.tracker }) : null;
  }

  async run(): Promise<string> {
    this.events.emit('run.started', { agent: this.agent, runId: this.runId, message: this.message });
    this.armTimeout();
    const conversation = conversationOf(this.message);
    try {
      const userMessage: LlmMessage = { role: 'user', content: this.message.content };
      let observation: Observation = { kind: 'message', from: this.message.from_agent, content: this.message.content, conversation };
      let messages: LlmMessage[] = [];
      for (;;) {
        this.turn++;
        const observed = await this.phase('observe', observation, async (o) => o);
        const oriented = await this.phase('orient', observed, (o) => this.orient(o, messages, userMessage));
        messages = oriented.messages;
        this.tracker.startTurn();
        const decision = await this.phase('decide', oriented, (o) => this.decide(o));
        const outcome = await this.phase('act', decision, (d) => this.act(d));
        if (outcome.reply !== null) {
          const judged = this.review ? await this.review.judge(outcome.reply) : { send: outcome.reply };
          if ('revise' in judged) {
            messages = [...messages, { role: 'assistant', content: outcome.reply }, { role: 'user', content: judged.revise }];
            observation = { kind: 'feedback', from: judged.from, content: judged.revise, conversation };
            continue;
          }
          this.memory.remember(conversation, userMessage, { role: 'assistant', content: judged.send });
          this.finish('completed', judged.send, null);
          return judged.send;
        }
        messages = [
          ...messages,
          { role: 'assistant', content: decision.text, toolCalls: decision.toolCalls },
          ...outcome.toolResults.map((r): LlmMessage => ({ role: 'tool', toolCallId: r.id, name: r.name, content: r.content, ...(r.isError && { isError: true }) })),
        ];
        observation = {
          kind: 'tool_results',
          from: this.agent,
          content: outcome.toolResults.map((r) => `${r.name}: ${r.content}`).join('\n'),
          conversation,
          toolResults: outcome.toolResults.map(({ name, content, isError }) => ({ name, content, isError })),
        };
      }
    } catch (error) {
      const failure = this.asBudgetError(error) ?? error;
      if (failure instanceof BudgetExceededError) {
        this.events.emit('budget.exceeded', { agent: this.agent, runId: this.runId, budget: failure.budget, limit: failure.limit, used: failure.used });
      }
      const reason = failure instanceof Error ? failure.message : String(failure);
      this.finish('failed', '', reason);
      throw failure;
    } finally {
      if (this.timer) this.clock.clear(this.timer);
      this.options.controller?.runEnded(this.runId);
    }
  }

  /** Runs one phase: stop first if the debugger asks, then work, then report input and output. */
  private async phase<I, O>(phase: OodaPhase, input: I, work: (input: I) => Promise<O>): Promise<O> {
    const controller = this.options.controller;
    const cause = controller?.shouldPause(this.debugged, phase, input);
    if (controller && cause) {
      this.tracker.pauseClock();
      if (this.timer) this.clock.clear(this.timer);
      const validate = phase === 'act' ? (replacement: unknown) => editedDecision(replacement) as I : undefined;
      input = await controller.wait({ agent: this.agent, runId: this.runId, turn: this.turn, phase, payload: input, cause }, validate);
      this.tracker.resumeClock();
      this.armTimeout();
    }
    this.tracker.checkTime();
    const started = performance.now();
    const output = await work(input);
    if (this.events.wants('ooda.phase')) {
      this.events.emit('ooda.phase', { agent: this.agent, runId: this.runId, turn: this.turn, phase, input, output, durationMs: performance.now() - started });
    }
    return output;
  }

  private async orient(observation: Observation, soFar: LlmMessage[], userMessage: LlmMessage): Promise<Orientation> {
    const { agent } = this.context;
    if (observation.kind !== 'message') {
      return { system: this.system(agent.name), messages: soFar }; // the tool results or the feedback are in soFar already
    }
    const consolidated = await this.memory.consolidate(observation.conversation, this.options.llm, this.options.model, this.abort.signal);
    if (consolidated) {
      const { before, after, summary } = consolidated;
      this.events.emit('memory.consolidated', { agent: this.agent, runId: this.runId, conversation: observation.conversation, before, after, summary });
    }
    const blackboard = this.options.blackboard ? await this.options.blackboard.read(this.agent) : undefined;
    const messages = [...this.memory.history(observation.conversation), userMessage];
    return { system: this.system(agent.name, blackboard), messages, ...(blackboard && { blackboard }) };
  }

  private system(agentName: string, blackboard?: Record<string, string>): string {
    const meta = this.context.agent.metadata('available');
    const values: Record<string, string> = {
      agent_name: agentName,
      agent_description: meta.description,
      capabilities: meta.capabilities.join(', '),
      peers: this.options.peers?.() ?? '',
      input: this.message.content,
      from_agent: this.message.from_agent,
      date: new Date(this.clock.now()).toISOString().slice(0, 10),
      ...this.options.variables,
    };
    const { text } = renderTemplate(this.options.prompt, values);
    if (!blackboard || Object.keys(blackboard).length === 0) return text;
    return `${text}\n\nBlackboard:\n${Object.entries(blackboard).map(([k, v]) => `- ${k}: ${v}`).join('\n')}`;
  }

  private async decide(orientation: Orientation): Promise<Decision> {
    const { llm, model } = this.options;
    const request = {
      model,
      system: orientation.system,
      messages: orientation.messages,
      tools: this.tools.tools(this.agent),
      ...(this.options.maxTokens !== undefined && { maxTokens: this.options.maxTokens }),
      ...(this.options.temperature !== undefined && { temperature: this.options.temperature }),
    };
    const started = performance.now();
    let response: LlmResponse | null = null;
    let error: string | null = null;
    try {
      // A reply under evaluation may be revised: it streams whole once approved (the agent's stream end), not as written.
      const stream = this.review ? undefined : this.context.stream;
      response = await llm.complete(request, { signal: this.abort.signal, runId: this.runId, ...(stream && { onText: (delta: string) => stream.write(delta) }) });
      return { text: response.text, toolCalls: response.toolCalls };
    } catch (caught) {
      // The budget's timeout aborts the call, and the provider only knows it was aborted: say why.
      const budget = this.asBudgetError(caught);
      error = budget ? `${budget.message} The model had not finished answering; the call was cut off.` : caught instanceof Error ? caught.message : String(caught);
      throw caught;
    } finally {
      this.events.emit('llm.call', {
        agent: this.agent,
        runId: this.runId,
        turn: this.turn,
        provider: llm.kind,
        model: response?.model ?? model,
        request,
        response,
        error,
        latencyMs: performance.now() - started,
      });
      if (response) this.tracker.addTokens(response.usage.inputTokens + response.usage.outputTokens);
    }
  }

  private async act(decision: Decision): Promise<ActOutcome> {
    if (decision.toolCalls.length === 0) return { reply: decision.text, toolResults: [] };
    const results: ActOutcome['toolResults'] = [];
    for (const call of decision.toolCalls) {
      this.tracker.checkTime();
      const result: ToolResult = await this.tools.call(call as LlmToolCall, { agent: this.context.agent, runId: this.runId, signal: this.abort.signal });
      results.push({ id: call.id, name: call.name, content: result.content, isError: result.isError });
    }
    return { reply: null, toolResults: results };
  }

  private finish(status: 'completed' | 'failed', reply: string, error: string | null): void {
    this.events.emit('run.completed', { agent: this.agent, runId: this.runId, status, reply, error, turns: this.turn, tokens: this.tracker.tokens });
  }

  /** Aborts the model call and tools when the run's time is up (re-armed after each pause). */
  private armTimeout(): void {
    const remaining = this.tracker.remainingMs();
    if (!Number.isFinite(remaining)) return;
    if (this.timer) this.clock.clear(this.timer);
    this.timer = this.clock.setTimeout(() => this.abort.abort(new BudgetExceededError('timeout', this.options.budget?.timeoutMs ?? 0, this.tracker.elapsedMs())), Math.max(0, remaining));
  }

  /** An abort caused by the timeout surfaces as whatever the provider threw; report the budget instead. */
  private asBudgetError(error: unknown): BudgetExceededError | null {
    if (error instanceof BudgetExceededError) return error;
    const reason: unknown = this.abort.signal.reason;
    return this.abort.signal.aborted && reason instanceof BudgetExceededError ? reason : null;
  }
}

/** A decision edited in the debugger, or an error saying what is wrong with it (the run stays paused). */
function editedDecision(replacement: unknown): OodaDecision {
  const parsed = OodaDecisionSchema.safeParse(replacement);
  if (!parsed.success) throw new Error(`Not a decision {"text", "toolCalls"}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Which conversation a message belongs to: an explicit id, else its sender. */
function conversationOf(message: AgentMessage): string {
  const { conversation_id, session_id } = message.metadata as { conversation_id?: unknown; session_id?: unknown };
  if (typeof conversation_id === 'string') return conversation_id;
  if (typeof session_id === 'string') return session_id;
  return message.from_agent;
}
