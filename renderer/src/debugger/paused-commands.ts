/**
 * The debugger's commands in the app's registry (so shortcuts, menus and the palette share them):
 * Continue F8, Step F10, Step over Shift+F10, Pause all F6, Continue all Shift+F8. Each acts on the
 * paused run the Paused tab shows.
 */
import { registerCommands, type Command } from '../commands/registry';
import type { Stores } from '../stores/stores';
import { continueAll, hasPaused, isRunning, pauseAgents, resumePaused } from './paused-actions';

type DebugStores = Pick<Stores, 'run' | 'debug'>;

/** Each debugger command's shortcut, as shown in menus and button titles. */
export const DEBUG_KEYS = { 'debug.continue': 'F8', 'debug.step': 'F10', 'debug.stepOver': 'Shift+F10', 'debug.pauseAll': 'F6', 'debug.continueAll': 'Shift+F8' } as const;

/** A plain function key test (no modifier but, when asked, Shift). */
const fKey = (key: string, shift = false) => (e: KeyboardEvent) => e.key === key && e.shiftKey === shift && !e.ctrlKey && !e.metaKey && !e.altKey;

/** The debugger's commands. */
export function debuggerCommands(stores: DebugStores): Command[] {
  const paused = () => hasPaused(stores);
  return [
    { id: 'debug.continue', label: 'Continue', group: 'Debug', keys: DEBUG_KEYS['debug.continue'], keyTest: fKey('F8'), enabled: paused, perform: () => resumePaused(stores, 'continue') },
    { id: 'debug.step', label: 'Step to the next phase', group: 'Debug', keys: DEBUG_KEYS['debug.step'], keyTest: fKey('F10'), enabled: paused, perform: () => resumePaused(stores, 'step') },
    { id: 'debug.stepOver', label: 'Step over the rest of the cycle', group: 'Debug', keys: DEBUG_KEYS['debug.stepOver'], keyTest: fKey('F10', true), enabled: paused, perform: () => resumePaused(stores, 'stepOver') },
    { id: 'debug.pauseAll', label: 'Pause all agents', group: 'Debug', keys: DEBUG_KEYS['debug.pauseAll'], keyTest: fKey('F6'), enabled: () => isRunning(stores), perform: () => pauseAgents(stores) },
    { id: 'debug.continueAll', label: 'Continue all paused runs', group: 'Debug', keys: DEBUG_KEYS['debug.continueAll'], keyTest: fKey('F8', true), enabled: paused, perform: () => continueAll(stores) },
  ];
}

/** Registers the debugger's commands; returns the function that removes them. */
export const registerDebuggerCommands = (stores: DebugStores): (() => void) => registerCommands(debuggerCommands(stores));

/** A button title with the command's shortcut: "Continue (F8)". */
export const titled = (id: keyof typeof DEBUG_KEYS, label: string): string => `${label} (${DEBUG_KEYS[id]})`;
