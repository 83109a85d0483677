/** A drop-down menu of the top bar: commands from the registry, headings, separators, actions. */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { displayKeys, runCommand, type Command } from '../commands/registry';
import './files.css';

/** One entry of a menu. */
export type MenuEntry =
  | { kind: 'command'; command: Command }
  | { kind: 'action'; label: string; title?: string; testId?: string; onSelect(): void }
  | { kind: 'heading'; text: string }
  | { kind: 'separator' };

/** A menu button; `entries` is read when it opens, so enabled states are current. */
export function Menu({ label, testId, entries }: { label: string; testId: string; entries: () => MenuEntry[] }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    root.current?.querySelector<HTMLButtonElement>('.menu-item:not(:disabled)')?.focus();
    const onDown = (event: MouseEvent) => root.current?.contains(event.target as Node) || setOpen(false);
    window.addEventListener('mousedown', onDown);
    return () => window.removeEventListener('mousedown', onDown);
  }, [open]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      setOpen(false);
      root.current?.querySelector<HTMLButtonElement>('.menu-button')?.focus();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const items = [...(root.current?.querySelectorAll<HTMLButtonElement>('.menu-item:not(:disabled)') ?? [])];
      const at = items.indexOf(document.activeElement as HTMLButtonElement);
      items[(at + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
    }
  };
  const choose = (run: () => unknown) => {
    setOpen(false);
    void run();
  };

  return (
    <div className="menu" ref={root} onKeyDown={onKeyDown}>
      <button type="button" className="menu-button" aria-haspopup="menu" aria-expanded={open} data-testid={testId} onClick={() => setOpen(!open)}>
        {label}
      </button>
      {open && (
        <ul className="menu-list" role="menu" aria-label={label}>
          {entries().map((entry, index) => {
            switch (entry.kind) {
              case 'separator':
                return <li key={index} className="menu-separator" role="separator" />;
              case 'heading':
                return (
                  <li key={index} className="menu-heading" role="presentation">
                    {entry.text}
                  </li>
                );
              case 'command': {
                const { command } = entry;
                return (
                  <li key={command.id} role="none">
                    <button type="button" role="menuitem" className="menu-item" data-command={command.id} disabled={command.enabled?.() === false} onClick={() => choose(() => runCommand(command.id))}>
                      <span>{command.label}</span>
                      {command.keys && <span className="menu-item-keys">{displayKeys(command.keys)}</span>}
                    </button>
                  </li>
                );
              }
              case 'action':
                return (
                  <li key={index} role="none">
                    <button type="button" role="menuitem" className="menu-item" title={entry.title} data-testid={entry.testId} onClick={() => choose(entry.onSelect)}>
                      <span className="menu-item-path">{entry.label}</span>
                    </button>
                  </li>
                );
            }
          })}
        </ul>
      )}
    </div>
  );
}
