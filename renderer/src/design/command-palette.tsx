/** Mod+K: every registered command, fuzzy-filtered, with its shortcut; Enter runs it. */
import { Fragment, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { allCommands, displayKeys, onCommandsChanged, runCommand, type Command } from '../commands/registry';
import { useDesignStore } from '../stores/design-store';
import { fuzzyMatch } from './fuzzy';
import { useStores } from '../stores/stores-context';

// Commands register at any time (some before the palette first opens): count changes, read on render.
let version = 0;
const subscribe = (listener: () => void) =>
  onCommandsChanged(() => {
    version++;
    listener();
  });

/** The palette (rendered while open). */
export function CommandPalette() {
  const open = useDesignStore((s) => s.paletteOpen);
  return open ? <PaletteDialog /> : null;
}

function PaletteDialog() {
  const stores = useStores();
  const close = () => stores.design.getState().setPaletteOpen(false);
  // Give focus back to where it was (the canvas, a Monaco editor) when the palette closes.
  useEffect(() => {
    const previous = document.activeElement;
    return () => {
      if (previous instanceof HTMLElement && previous.isConnected) previous.focus();
    };
  }, []);
  const seen = useSyncExternalStore(subscribe, () => version);
  const commands = useMemo(() => (seen >= 0 ? allCommands() : []), [seen]);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const list = useRef<HTMLUListElement>(null);
  const matches = useMemo(
    () =>
      commands
        .filter((c) => c.id !== 'view.commandPalette')
        .flatMap((command) => {
          const match = fuzzyMatch(query, `${command.group}: ${command.label}`);
          return match ? [{ command, ...match }] : [];
        })
        .sort((a, b) => b.score - a.score),
    [commands, query],
  );
  const current = Math.min(active, Math.max(matches.length - 1, 0));
  // Braces matter: newer Chromium returns a promise from scrollIntoView, and React would take it for a cleanup.
  useEffect(() => {
    void list.current?.querySelector('.command-item-active')?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  const run = (command: Command) => {
    close();
    void runCommand(command.id);
  };
  return (
    <div className="command-palette-backdrop" onMouseDown={close}>
      <div className="command-palette" role="dialog" aria-label="Command palette" data-testid="command-palette" onMouseDown={(e) => e.stopPropagation()}>
        <input
          autoFocus
          placeholder="Type a command…"
          value={query}
          aria-label="Command"
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') close();
            else if (e.key === 'ArrowDown') setActive((current + 1) % Math.max(matches.length, 1));
            else if (e.key === 'ArrowUp') setActive((current - 1 + matches.length) % Math.max(matches.length, 1));
            else if (e.key === 'Enter' && matches[current]) run(matches[current].command);
            else return;
            e.preventDefault();
            e.stopPropagation();
          }}
        />
        <ul className="command-list" ref={list} role="listbox">
          {matches.length === 0 && <li className="command-empty">No command matches “{query}”.</li>}
          {matches.map(({ command, positions }, i) => {
            const enabled = command.enabled?.() !== false;
            return (
              <li
                key={command.id}
                role="option"
                aria-selected={i === current}
                aria-disabled={!enabled}
                className={`command-item${i === current ? ' command-item-active' : ''}${enabled ? '' : ' command-item-disabled'}`}
                onMouseEnter={() => setActive(i)}
                onClick={() => enabled && run(command)}
              >
                <span className="command-group">{command.group}</span>
                <span className="command-label">{highlight(command.label, positions, command.group.length + 2)}</span>
                {command.keys && <span className="command-keys">{displayKeys(command.keys)}</span>}
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
}

/** The label with matched letters marked (positions count from the start of "Group: Label"). */
function highlight(label: string, positions: number[], offset: number) {
  const marked = new Set(positions.map((p) => p - offset));
  return [...label].map((ch, i) => (marked.has(i) ? <mark key={i}>{ch}</mark> : <Fragment key={i}>{ch}</Fragment>));
}
