/**
 * The designer's Edit, Arrange, View and Insert commands in the shared registry: the canvas
 * toolbar, menus, shortcuts and the command palette all run these.
 */
import { modKey, registerCommands, type Command, type NudgeDirection } from '../commands/registry';
import { copySelection, cutSelection, deleteSelection, duplicateSelection, hasSelection, nudgeSelection, paste, redo, selectAll, undo, addNodeAt, type DesignStores } from './actions';
import { autoLayout } from './arrange';
import { KIND_LABEL, NODE_KINDS } from './model/node-kinds';

/** Pixels an arrow key moves the selection (Shift: ten times as far, one grid cell). */
const NUDGE = 2;

/** True when keys typed now belong to a text field (or Monaco), not to the canvas or the document. */
function isEditableTarget(target: EventTarget | null): boolean {
  const el = target instanceof Element ? target : null;
  return !!el?.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"], .monaco-editor');
}

/** True when the canvas (or a node on it) has the keyboard. */
function canvasHasFocus(): boolean {
  const active = document.activeElement;
  return !!active?.closest('.designer-canvas') && !isEditableTarget(active);
}

const plain = (key: string, options: { shift?: boolean } = {}) => (e: KeyboardEvent) => e.key === key && !e.ctrlKey && !e.metaKey && !e.altKey && e.shiftKey === Boolean(options.shift);
const onCanvas = (test: (e: KeyboardEvent) => boolean) => (e: KeyboardEvent) => test(e) && canvasHasFocus();
const notTyping = (test: (e: KeyboardEvent) => boolean) => (e: KeyboardEvent) => test(e) && !isEditableTarget(e.target);

const ARROWS: [NudgeDirection, number, number][] = [
  ['Left', -1, 0],
  ['Right', 1, 0],
  ['Up', 0, -1],
  ['Down', 0, 1],
];

function nudgeCommands(stores: DesignStores): Command[] {
  return ARROWS.flatMap(([name, dx, dy]) =>
    [false, true].map((shift): Command => ({
      id: shift ? `arrange.nudge${name}Far` : `arrange.nudge${name}`,
      label: `Nudge ${name.toLowerCase()}${shift ? ' (far)' : ''}`,
      group: 'Arrange',
      keys: `${shift ? 'Shift+' : ''}${name === 'Left' ? '←' : name === 'Right' ? '→' : name === 'Up' ? '↑' : '↓'}`,
      keyTest: onCanvas(plain(`Arrow${name}`, { shift })),
      enabled: () => hasSelection(stores),
      perform: () => nudgeSelection(stores, dx * NUDGE * (shift ? 10 : 1), dy * NUDGE * (shift ? 10 : 1)),
    })),
  );
}

/** Every designer command. */
function designCommands(stores: DesignStores): Command[] {
  const doc = () => stores.document.getState();
  const design = () => stores.design.getState();
  const open = () => doc().topology !== null;
  const selected = () => hasSelection(stores);
  return [
    { id: 'edit.undo', label: 'Undo', group: 'Edit', keys: 'Mod+Z', keyTest: notTyping(modKey('z')), enabled: () => doc().past.length > 0, perform: () => undo(stores) },
    {
      id: 'edit.redo',
      label: 'Redo',
      group: 'Edit',
      keys: 'Mod+Shift+Z',
      keyTest: notTyping((e) => modKey('z', { shift: true })(e) || modKey('y')(e)),
      enabled: () => doc().future.length > 0,
      perform: () => redo(stores),
    },
    { id: 'edit.cut', label: 'Cut', group: 'Edit', keys: 'Mod+X', keyTest: onCanvas(modKey('x')), enabled: selected, perform: () => cutSelection(stores) },
    { id: 'edit.copy', label: 'Copy', group: 'Edit', keys: 'Mod+C', keyTest: onCanvas(modKey('c')), enabled: selected, perform: () => copySelection(stores) },
    { id: 'edit.paste', label: 'Paste', group: 'Edit', keys: 'Mod+V', keyTest: onCanvas(modKey('v')), enabled: () => design().clipboard !== null, perform: () => paste(stores) },
    { id: 'edit.duplicate', label: 'Duplicate', group: 'Edit', keys: 'Mod+D', keyTest: notTyping(modKey('d')), enabled: selected, perform: () => duplicateSelection(stores) },
    {
      id: 'edit.delete',
      label: 'Delete',
      group: 'Edit',
      keys: 'Delete',
      keyTest: onCanvas((e) => plain('Delete')(e) || plain('Backspace')(e)),
      enabled: selected,
      perform: () => deleteSelection(stores),
    },
    { id: 'edit.selectAll', label: 'Select all', group: 'Edit', keys: 'Mod+A', keyTest: onCanvas(modKey('a')), enabled: open, perform: () => selectAll(stores) },
    ...NODE_KINDS.map((kind): Command => ({
      id: `insert.${kind}`,
      label: `Add ${KIND_LABEL[kind]}`,
      group: 'Insert',
      perform: () => {
        const at = design().viewport?.center() ?? { x: 0, y: 0 };
        addNodeAt(stores, kind, { x: at.x - 100, y: at.y - 40 });
      },
    })),
    ...nudgeCommands(stores),
    { id: 'arrange.autoLayout', label: 'Auto-layout', group: 'Arrange', keys: 'Mod+Shift+L', keyTest: notTyping(modKey('l', { shift: true })), enabled: open, perform: () => autoLayout(stores) },
    { id: 'view.fitView', label: 'Fit view', group: 'View', keys: 'Shift+1', keyTest: onCanvas((e) => e.code === 'Digit1' && e.shiftKey && !e.ctrlKey && !e.metaKey && !e.altKey), perform: () => design().viewport?.fitView() },
    { id: 'view.commandPalette', label: 'Command palette', group: 'View', keys: 'Mod+K', keyTest: modKey('k'), perform: () => design().setPaletteOpen(true) },
  ];
}

/** Registers the designer's commands; returns the function that removes them. */
export const registerDesignCommands = (stores: DesignStores): (() => void) => registerCommands(designCommands(stores));
