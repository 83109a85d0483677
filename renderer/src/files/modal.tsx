/** A modal dialog: a titled box over a dimmed workbench; Escape or the backdrop closes it. */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import './files.css';

/** Props of {@link Modal}. */
export interface ModalProps {
  title: string;
  onClose(): void;
  children: ReactNode;
  /** The buttons along the bottom. */
  footer?: ReactNode;
  testId?: string;
  size?: 'small' | 'medium' | 'large';
}

/** The dialog shell the file and export dialogs share. */
export function Modal({ title, onClose, children, footer, testId, size = 'medium' }: ModalProps) {
  const titleId = useId();
  const box = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  });

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    // Focus the first field (or the box) so the keyboard works in the dialog right away.
    const first = box.current?.querySelector<HTMLElement>('[data-autofocus], input, button:not(.modal-close)');
    (first ?? box.current)?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        close.current();
      } else if (event.key === 'Tab' && box.current) {
        // Keep Tab inside the dialog: the workbench behind it is not usable while it is up.
        const focusable = [...box.current.querySelectorAll<HTMLElement>('button:not(:disabled), input:not([hidden]), select, textarea, [tabindex="0"]')];
        const first = focusable[0];
        const last = focusable.at(-1);
        if (!first || !last) return;
        if (event.shiftKey && (document.activeElement === first || !box.current.contains(document.activeElement))) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && (document.activeElement === last || !box.current.contains(document.activeElement))) {
          event.preventDefault();
          first.focus();
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      previous?.focus?.();
    };
  }, []);

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close.current()}>
      <div ref={box} className={`modal modal-${size}`} role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid={testId} tabIndex={-1}>
        <header className="modal-header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="modal-close" aria-label="Close" onClick={() => close.current()}>
            ×
          </button>
        </header>
        <div className="modal-body">{children}</div>
        {footer && <footer className="modal-footer">{footer}</footer>}
      </div>
    </div>
  );
}
