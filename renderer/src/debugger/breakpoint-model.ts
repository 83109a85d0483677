/**
 * The debugger's breakpoints, as pure functions over the run store's list (`Breakpoint[]`, the
 * open topology's `agents[].breakpoints`, saved with the file; written back with its
 * `setBreakpoints`). A breakpoint without a condition breaks every time, one with a condition only
 * when it holds (agents/protocol/breakpoint.ts). Switching one off for now is this session's (the
 * run store's `breakpointsOff` keys); the host gets (`ooda.setBreakpoints`) the enabled ones.
 */
import type { Breakpoint } from '../../../agents/protocol/breakpoint';
import type { OodaPhase } from '../../../agents/protocol/runtime-events';

/** The phases in cycle order. */
export const PHASES: readonly OodaPhase[] = ['observe', 'orient', 'decide', 'act'];

/** The phase a click on an agent's gutter dot sets: before the model is asked. */
export const DEFAULT_PHASE: OodaPhase = 'decide';

/** A row of the breakpoint lists: the breakpoint, its place in the list, and whether it is on. */
export interface BreakpointRow {
  key: string;
  /** Its position in the whole list. */
  index: number;
  breakpoint: Breakpoint;
  enabled: boolean;
}

/** A breakpoint's key (stable while the list is edited elsewhere). */
export function breakpointKey(bp: Breakpoint): string {
  return `${bp.agent}\u0000${bp.phase}\u0000${bp.condition ? JSON.stringify(bp.condition) : ''}`;
}

/** Every breakpoint (of one agent, or all), in list order. */
export function breakpointRows(list: readonly Breakpoint[], off: readonly string[], agent?: string): BreakpointRow[] {
  const disabled = new Set(off);
  return list.flatMap((breakpoint, index) => {
    if (agent !== undefined && breakpoint.agent !== agent) return [];
    const key = breakpointKey(breakpoint);
    return [{ key, index, breakpoint, enabled: !disabled.has(key) }];
  });
}

/** What the host should stop at: the enabled breakpoints. */
export function hostBreakpoints(list: readonly Breakpoint[], off: readonly string[]): Breakpoint[] {
  if (off.length === 0) return [...list];
  return breakpointRows(list, off).flatMap((row) => (row.enabled ? [row.breakpoint] : []));
}

/** How an agent's gutter dot looks: none set, all switched off, on, or on only with conditions. */
export function dotState(list: readonly Breakpoint[], off: readonly string[], agent: string): 'none' | 'disabled' | 'plain' | 'conditional' {
  const rows = breakpointRows(list, off, agent);
  if (rows.length === 0) return 'none';
  const on = rows.filter((r) => r.enabled);
  if (on.length === 0) return 'disabled';
  return on.some((r) => !r.breakpoint.condition) ? 'plain' : 'conditional';
}

/** The list after a click on `agent`'s gutter dot: with no plain breakpoint, one before Decide; else none plain (conditions stay). */
export function toggled(list: readonly Breakpoint[], agent: string): Breakpoint[] {
  const plain = (b: Breakpoint) => b.agent === agent && !b.condition;
  return list.some(plain) ? list.filter((b) => !plain(b)) : [...list, { agent, phase: DEFAULT_PHASE }];
}

/** The list with `agent`'s plain breakpoint before `phase` on or off. */
export function withPhase(list: readonly Breakpoint[], agent: string, phase: OodaPhase, on: boolean): Breakpoint[] {
  const rest = list.filter((b) => !(b.agent === agent && b.phase === phase && !b.condition));
  return on ? [...rest, { agent, phase }] : rest;
}

/** True when `agent` breaks before `phase` unconditionally. */
export const hasPhase = (list: readonly Breakpoint[], agent: string, phase: OodaPhase): boolean => list.some((b) => b.agent === agent && b.phase === phase && !b.condition);

/** The list with entry `index` replaced by `next` (null: removed; index -1: `next` appended). */
export function withEntry(list: readonly Breakpoint[], index: number, next: Breakpoint | null): Breakpoint[] {
  if (index < 0) return next ? [...list, next] : [...list];
  return list.flatMap((b, i) => (i !== index ? [b] : next ? [next] : []));
}

/** The keys switched off after switching `key` on or off. */
export function withEnabled(off: readonly string[], key: string, enabled: boolean): string[] {
  const rest = off.filter((k) => k !== key);
  return enabled ? rest : [...rest, key];
}
