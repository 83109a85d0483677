/** After drawing a line: its kind, and the other kinds the two ends allow, one click away. */
import { useEffect } from 'react';
import { changeLineKind } from '../actions';
import { useDesignStore } from '../../stores/design-store';
import { CONNECTION_LABEL } from '../model/connection-kinds';
import { LINE_STYLE } from './line-style';
import { useStores } from '../../stores/stores-context';

/** The popover (shown while `popover` is set in the design store). */
export function ConnectPopover() {
  const stores = useStores();
  const popover = useDesignStore((s) => s.popover);
  const close = useDesignStore((s) => s.setPopover);
  useEffect(() => {
    if (!popover) return;
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && close(null);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [popover, close]);
  if (!popover) return null;
  const current = popover.kinds.find((k) => popover.id.startsWith(`${k}:`));
  return (
    <div className="connect-popover" style={{ left: popover.at.x + 8, top: popover.at.y + 8 }} role="dialog" aria-label="Line kind" data-testid="connect-popover">
      <div className="connect-popover-title">Line kind</div>
      {popover.kinds.map((kind) => (
        <button
          key={kind}
          type="button"
          className={`connect-kind${kind === current ? ' connect-kind-current' : ''}`}
          onClick={() => (kind === current ? close(null) : changeLineKind(stores, popover.id, kind))}
          data-kind={kind}
        >
          <svg width="26" height="8" aria-hidden="true">
            <line x1="1" y1="4" x2="25" y2="4" stroke={LINE_STYLE[kind].color} strokeWidth={2} strokeDasharray={LINE_STYLE[kind].dash} />
          </svg>
          {CONNECTION_LABEL[kind]}
        </button>
      ))}
    </div>
  );
}
