/**
 * Translation between Switchboard's internal envelope (seed 000's AgentMessage: text `content`,
 * structured `metadata.data`) and A2A v1.0 messages as the official SDK (`@a2a-js/sdk`) types them:
 * text parts carry the text, data parts carry JSON; streamed artifacts are assembled in order.
 * Used by the A2A client (calling external A2A agents) and by the A2A server (serving Switchboard
 * agents).
 */
import { randomUUID } from 'node:crypto';
import { Role, TaskState, type Artifact, type Message, type Part, type Task, type TaskArtifactUpdateEvent } from '@a2a-js/sdk';
import type { AgentMessage } from '../../protocol/agent-message.js';

/** The metadata key under which an AgentMessage carries structured (JSON) data next to its text. */
export const A2A_DATA_KEY = 'data';

/** A task state as Switchboard names it (the spec's JSON names, lower-case): `completed`, `input-required`, … */
export type A2aTaskStateName = 'submitted' | 'working' | 'completed' | 'failed' | 'canceled' | 'input-required' | 'rejected' | 'auth-required' | 'unknown';

const STATE_NAMES: Record<number, A2aTaskStateName> = {
  [TaskState.TASK_STATE_SUBMITTED]: 'submitted',
  [TaskState.TASK_STATE_WORKING]: 'working',
  [TaskState.TASK_STATE_COMPLETED]: 'completed',
  [TaskState.TASK_STATE_FAILED]: 'failed',
  [TaskState.TASK_STATE_CANCELED]: 'canceled',
  [TaskState.TASK_STATE_INPUT_REQUIRED]: 'input-required',
  [TaskState.TASK_STATE_REJECTED]: 'rejected',
  [TaskState.TASK_STATE_AUTH_REQUIRED]: 'auth-required',
};

/** The name of an SDK task state (`TASK_STATE_INPUT_REQUIRED` -> `input-required`). */
export function taskStateName(state: TaskState | undefined): A2aTaskStateName {
  return (state !== undefined && STATE_NAMES[state]) || 'unknown';
}

/** Terminal states: the task will not change again. */
export function isTerminalState(state: A2aTaskStateName): boolean {
  return state === 'completed' || state === 'failed' || state === 'canceled' || state === 'rejected';
}

/** Interrupted states: the peer waits for the caller (input or authentication), which delegation cannot give. */
export function isInterruptedState(state: A2aTaskStateName): boolean {
  return state === 'input-required' || state === 'auth-required';
}

/** A text part. */
export function textPart(text: string): Part {
  return { content: { $case: 'text', value: text }, metadata: undefined, filename: '', mediaType: 'text/plain' };
}

/** A data part (any JSON value). */
export function dataPart(value: unknown): Part {
  return { content: { $case: 'data', value }, metadata: undefined, filename: '', mediaType: 'application/json' };
}

/** Parts of one payload: the text (when not empty), then the data (when given). */
function partsOf(text: string, data?: unknown): Part[] {
  const parts: Part[] = [];
  if (text !== '' || data === undefined) parts.push(textPart(text));
  if (data !== undefined) parts.push(dataPart(data));
  return parts;
}

/** A user (client -> server) A2A message carrying `text` and optional `data`. */
export function a2aUserMessage(input: { text: string; data?: unknown; contextId?: string; taskId?: string; messageId?: string }): Message {
  return {
    messageId: input.messageId ?? randomUUID(),
    contextId: input.contextId ?? '',
    taskId: input.taskId ?? '',
    role: Role.ROLE_USER,
    parts: partsOf(input.text, input.data),
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}

/** An agent (server -> client) A2A message carrying `text` and optional `data`. */
export function a2aAgentMessage(input: { text: string; data?: unknown; contextId: string; taskId?: string; messageId?: string }): Message {
  return { ...a2aUserMessage(input), role: Role.ROLE_AGENT };
}

/** The text of some parts: text parts as they are, data parts as JSON, files by name/URL (joined by newlines). */
export function partsText(parts: readonly Part[]): string {
  const texts: string[] = [];
  for (const part of parts) {
    const content = part.content;
    if (!content) continue;
    if (content.$case === 'text') texts.push(content.value);
    else if (content.$case === 'data') texts.push(JSON.stringify(content.value ?? null));
    else if (content.$case === 'url') texts.push(content.value);
    else texts.push(`[file ${part.filename || 'unnamed'}${part.mediaType ? ` (${part.mediaType})` : ''}, ${content.value.length} bytes]`);
  }
  return texts.join('\n');
}

/** The text parts only (data left out: it travels as data), joined by newlines. */
function partsPlainText(parts: readonly Part[]): string {
  return parts.flatMap((p) => (p.content?.$case === 'text' ? [p.content.value] : [])).join('\n');
}

/** The data of some parts: undefined without data parts, the one value for one, an array for several. */
function partsData(parts: readonly Part[]): unknown {
  const values = parts.flatMap((p) => (p.content?.$case === 'data' ? [p.content.value ?? null] : []));
  return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
}

/** The text and data an A2A message carries (text parts as text; data parts as data, or as JSON text when there is no text). */
export function messagePayload(message: Pick<Message, 'parts'>): { text: string; data?: unknown } {
  const data = partsData(message.parts);
  const plain = partsPlainText(message.parts);
  const text = plain !== '' || data === undefined ? partsText(message.parts.filter((p) => p.content?.$case !== 'data')) : JSON.stringify(data);
  return data === undefined ? { text } : { text, data };
}

/** An internal envelope's payload: its text and its structured data (`metadata.data`), if any. */
export function envelopePayload(message: Pick<AgentMessage, 'content' | 'metadata'>): { text: string; data?: unknown } {
  const data = message.metadata[A2A_DATA_KEY];
  return data === undefined ? { text: message.content } : { text: message.content, data };
}

/** The peer's own words about a task's state (its status message's text), or '' when it said nothing. */
export function statusText(task: Pick<Task, 'status'>): string {
  const message = task.status?.message;
  return message ? partsText(message.parts) : '';
}

/**
 * Assembles streamed artifact updates (spec v1.0 §3.1.2): artifacts in the order they first
 * appear; `append` adds parts to the artifact of the same id (else it replaces it), a text chunk
 * continuing the text before it (streamed tokens, not lines); `lastChunk` marks it complete.
 */
export class ArtifactAssembler {
  private readonly artifacts = new Map<string, { artifact: Artifact; complete: boolean }>();

  /** Applies one artifact-update event. */
  add(event: Pick<TaskArtifactUpdateEvent, 'artifact' | 'append' | 'lastChunk'>): void {
    const artifact = event.artifact;
    if (!artifact) return;
    const known = this.artifacts.get(artifact.artifactId);
    if (known && event.append) {
      known.artifact = { ...known.artifact, parts: appendParts(known.artifact.parts, artifact.parts) };
      known.complete = event.lastChunk;
    } else {
      this.artifacts.set(artifact.artifactId, { artifact: { ...artifact, parts: [...artifact.parts] }, complete: event.lastChunk });
    }
  }

  /** Adds a task's artifacts (a `task` event in a stream, or a polled task) that the stream has not brought yet. */
  addTask(task: Pick<Task, 'artifacts'>): void {
    for (const artifact of task.artifacts) {
      if (!this.artifacts.has(artifact.artifactId)) this.artifacts.set(artifact.artifactId, { artifact, complete: true });
    }
  }

  /** The artifacts so far, in order. */
  list(): Artifact[] {
    return [...this.artifacts.values()].map((a) => a.artifact);
  }

  /** How many artifacts arrived, and how many are marked complete. */
  get counts(): { artifacts: number; complete: number } {
    const all = [...this.artifacts.values()];
    return { artifacts: all.length, complete: all.filter((a) => a.complete).length };
  }
}

/** `more` appended to `parts`: a text part right after a text part continues it. */
function appendParts(parts: readonly Part[], more: readonly Part[]): Part[] {
  const out = [...parts];
  for (const part of more) {
    const last = out.at(-1);
    if (last?.content?.$case === 'text' && part.content?.$case === 'text') {
      out[out.length - 1] = { ...last, content: { $case: 'text', value: last.content.value + part.content.value } };
    } else out.push(part);
  }
  return out;
}
