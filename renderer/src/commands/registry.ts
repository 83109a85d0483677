/**
 * Commands as a registry (excalidraw's actions): each has an id, a label, an optional shortcut
 * test and a `perform`. Menus, keyboard shortcuts (global-shortcuts.ts) and the command palette all
 * run commands from here, so a command behaves the same wherever it is invoked. Ids are a union
 * type, so a mistyped id in a shortcut, a menu or a button is a type error.
 */
import type { NodeKind } from '../design/model/node-kinds';

/** The arrow directions the selection can be nudged in. */
export type NudgeDirection = 'Left' | 'Right' | 'Up' | 'Down';

/** Every command id of the app. */
export type CommandId =
  | 'file.new'
  | 'file.open'
  | 'file.save'
  | 'file.saveAs'
  | 'edit.undo'
  | 'edit.redo'
  | 'edit.cut'
  | 'edit.copy'
  | 'edit.paste'
  | 'edit.duplicate'
  | 'edit.delete'
  | 'edit.selectAll'
  | `insert.${NodeKind}`
  | `arrange.nudge${NudgeDirection}${'' | 'Far'}`
  | 'arrange.autoLayout'
  | 'view.fitView'
  | 'view.commandPalette'
  | 'view.trace'
  | 'trace.followLive'
  | 'trace.runs'
  | 'trace.closeRun'
  | 'export.open'
  | 'run.start'
  | 'run.stop'
  | 'debug.continue'
  | 'debug.step'
  | 'debug.stepOver'
  | 'debug.pauseAll'
  | 'debug.continueAll';

/** One command. */
export interface Command {
  id: CommandId;
  label: string;
  /** Menu / palette group: "File", "Edit", "View", "Arrange", "Export", "Run", "Debug". */
  group: string;
  /** The shortcut as shown to users, e.g. "Mod+S" ("Mod" is ⌘ on macOS, Ctrl elsewhere). */
  keys?: string;
  /** True when a key event is this command's shortcut. */
  keyTest?: (event: KeyboardEvent) => boolean;
  /** False disables it in menus and the palette, and ignores its shortcut. */
  enabled?: () => boolean;
  perform: () => void | Promise<void>;
}

const registry = new Map<CommandId, Command>();
const listeners = new Set<() => void>();

/** Adds or replaces commands; returns the function that removes them. */
export function registerCommands(commands: readonly Command[]): () => void {
  for (const command of commands) registry.set(command.id, command);
  listeners.forEach((l) => l());
  return () => {
    for (const command of commands) if (registry.get(command.id) === command) registry.delete(command.id);
    listeners.forEach((l) => l());
  };
}

/** Every command, in registration order. */
export const allCommands = (): Command[] => [...registry.values()];

/** Runs a command by id; false when it does not exist or is disabled. */
export async function runCommand(id: CommandId): Promise<boolean> {
  const command = registry.get(id);
  if (!command || command.enabled?.() === false) return false;
  await command.perform();
  return true;
}

/** Called when the set of commands changes (menus and the palette re-render). */
export function onCommandsChanged(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** A shortcut test for `Mod+[Shift+]key` (Mod is ⌘ on macOS, Ctrl elsewhere). */
export function modKey(key: string, options: { shift?: boolean } = {}): (event: KeyboardEvent) => boolean {
  return (event) => (isMac ? event.metaKey : event.ctrlKey) && event.shiftKey === Boolean(options.shift) && !event.altKey && event.key.toLowerCase() === key.toLowerCase();
}

/** The shortcut as this platform writes it ("⌘S" or "Ctrl+S"). */
export function displayKeys(keys: string): string {
  return isMac ? keys.replace('Mod+', '⌘').replace('Shift+', '⇧') : keys.replace('Mod+', 'Ctrl+');
}
