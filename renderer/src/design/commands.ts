/**
 * The designer's Edit, Arrange, View and Insert commands in the shared registry: the canvas
 * toolbar, menus, shortcuts and the command palette all run these.
 */
import { modKey, registerCommands, type Command } from '../commands/registry';
import { useDocumentStore } from '../stores/document-store';
import { copySelection, cutSelection, deleteSelection, duplicateSelection, hasSelection, nudgeSelection, paste, redo, selectAll, undo, addNodeAt } from './actions';
import { autoLayout } from './arrange';
import { useDesignStore } from './design-store';
import { KIND_LABEL, NODE_KINDS } from './model/node-kinds';

/** Pixels an arrow key moves the selection (Shift: ten times as far, one grid cell). */
const NUDGE = 2;

/** True when keys typed now belong to a text field (or Monaco), not to the canvas or the document. */
export function isEditableTarget(target: EventTarget | null): boolean {
  const el = target instanceof Element ? target : null;
  return !!el?.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"], .monaco-editor');
}

/** True when the canvas (or a node on it) has the keyboard. */
export function canvasHasFocus(): boolean {
  const active = document.activeElement;
  return !!active?.closest('.designer-canvas') && !isEditableTarget(active);
}

const open = () => useDocumentStore.getState().topology !== null;
const plain = (key: string, options: { shift?: boolean } = {}) => (e: KeyboardEvent) => e.key === key && !e.ctrlKey && !e.metaKey && !e.altKey && e.shiftKey === Boolean(options.shift);
const onCanvas = (test: (e: KeyboardEvent) => boolean) => (e: KeyboardEvent) => test(e) && canvasHasFocus();
const notTyping = (test: (e: KeyboardEvent) => boolean) => (e: KeyboardEvent) => test(e) && !isEditableTarget(e.target);

function nudgeCommands(): Command[] {
  const arrows = { Left: [-1, 0], Right: [1, 0], Up: [0, -1], Down: [0, 1] } as const;
  return Object.entries(arrows).flatMap(([name, [dx, dy]]) =>
    [false, true].map((shift) => ({
      id: `arrange.nudge${name}${shift ? 'Far' : ''}`,
      label: `Nudge ${name.toLowerCase()}${shift ? ' (far)' : ''}`,
      group: 'Arrange',
      keys: `${shift ? 'Shift+' : ''}${name === 'Left' ? '←' : name === 'Right' ? '→' : name === 'Up' ? '↑' : '↓'}`,
      keyTest: onCanvas(plain(`Arrow${name}`, { shift })),
      enabled: hasSelection,
      perform: () => nudgeSelection(dx * NUDGE * (shift ? 10 : 1), dy * NUDGE * (shift ? 10 : 1)),
    })),
  );
}

/** Every designer command. */
export function designCommands(): Command[] {
  const doc = () => useDocumentStore.getState();
  return [
    { id: 'edit.undo', label: 'Undo', group: 'Edit', keys: 'Mod+Z', keyTest: notTyping(modKey('z')), enabled: () => doc().past.length > 0, perform: undo },
    {
      id: 'edit.redo',
      label: 'Redo',
      group: 'Edit',
      keys: 'Mod+Shift+Z',
      keyTest: notTyping((e) => modKey('z', { shift: true })(e) || modKey('y')(e)),
      enabled: () => doc().future.length > 0,
      perform: redo,
    },
    { id: 'edit.cut', label: 'Cut', group: 'Edit', keys: 'Mod+X', keyTest: onCanvas(modKey('x')), enabled: hasSelection, perform: cutSelection },
    { id: 'edit.copy', label: 'Copy', group: 'Edit', keys: 'Mod+C', keyTest: onCanvas(modKey('c')), enabled: hasSelection, perform: copySelection },
    { id: 'edit.paste', label: 'Paste', group: 'Edit', keys: 'Mod+V', keyTest: onCanvas(modKey('v')), enabled: () => useDesignStore.getState().clipboard !== null, perform: paste },
    { id: 'edit.duplicate', label: 'Duplicate', group: 'Edit', keys: 'Mod+D', keyTest: notTyping(modKey('d')), enabled: hasSelection, perform: duplicateSelection },
    {
      id: 'edit.delete',
      label: 'Delete',
      group: 'Edit',
      keys: 'Delete',
      keyTest: onCanvas((e) => plain('Delete')(e) || plain('Backspace')(e)),
      enabled: hasSelection,
      perform: deleteSelection,
    },
    { id: 'edit.selectAll', label: 'Select all', group: 'Edit', keys: 'Mod+A', keyTest: onCanvas(modKey('a')), enabled: open, perform: selectAll },
    ...NODE_KINDS.map((kind) => ({
      id: `insert.${kind}`,
      label: `Add ${KIND_LABEL[kind]}`,
      group: 'Insert',
      perform: () => {
        const at = useDesignStore.getState().viewport?.center() ?? { x: 0, y: 0 };
        addNodeAt(kind, { x: at.x - 100, y: at.y - 40 });
      },
    })),
    ...nudgeCommands(),
    { id: 'arrange.autoLayout', label: 'Auto-layout', group: 'Arrange', keys: 'Mod+Shift+L', keyTest: notTyping(modKey('l', { shift: true })), enabled: open, perform: autoLayout },
    { id: 'view.fitView', label: 'Fit view', group: 'View', keys: 'Shift+1', keyTest: onCanvas((e) => e.code === 'Digit1' && e.shiftKey && !e.ctrlKey && !e.metaKey && !e.altKey), perform: () => useDesignStore.getState().viewport?.fitView() },
    { id: 'view.commandPalette', label: 'Command palette', group: 'View', keys: 'Mod+K', keyTest: modKey('k'), perform: () => useDesignStore.getState().setPaletteOpen(true) },
  ];
}

/** Registers the designer's commands; returns the function that removes them. */
export const registerDesignCommands = (): (() => void) => registerCommands(designCommands());
