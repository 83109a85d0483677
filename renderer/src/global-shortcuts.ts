/**
 * The window's keyboard shortcuts: one keydown listener that runs registry commands. It listens
 * in the capture phase so that app shortcuts (Mod+S, Mod+K…) work inside Monaco too, which would
 * otherwise take Mod+K as the start of a chord. While the user types in a text field or an editor,
 * keys that edit text (undo, copy, arrows, Delete…) stay with that field.
 */
import { allCommands, runCommand } from './commands/registry';

/** Keys a focused text field handles itself, even with Mod held. */
const TEXT_KEYS = new Set(['z', 'y', 'a', 'c', 'v', 'x', 'arrowleft', 'arrowright', 'arrowup', 'arrowdown', 'home', 'end', 'delete', 'backspace', 'enter', 'tab', ' ']);

/** True when the event's target takes typing (an input, a textarea, Monaco, contenteditable). */
function isTextTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.closest('.monaco-editor')) return true;
  if (target instanceof HTMLTextAreaElement) return true;
  return target instanceof HTMLInputElement && !['button', 'checkbox', 'radio', 'range', 'color', 'file', 'submit', 'reset'].includes(target.type);
}

/** True when a shortcut should be left to the focused text field. */
function leaveToTextField(event: KeyboardEvent): boolean {
  if (!isTextTarget(event.target)) return false;
  const withModifier = event.ctrlKey || event.metaKey || event.altKey;
  return !withModifier || TEXT_KEYS.has(event.key.toLowerCase());
}

/** Installs the listener; returns the function that removes it. */
export function installShortcuts(target: Window = window): () => void {
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.defaultPrevented || event.isComposing || leaveToTextField(event)) return;
    const command = allCommands().find((c) => c.keyTest?.(event));
    if (!command) return;
    // A disabled command still owns its key: Mod+S must not open the browser's "Save page".
    event.preventDefault();
    event.stopPropagation();
    void runCommand(command.id);
  };
  target.addEventListener('keydown', onKeyDown, true);
  return () => target.removeEventListener('keydown', onKeyDown, true);
}
