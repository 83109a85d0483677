/** A short message at the bottom of the canvas (a refused line, a copy), gone after a few seconds. */
import { useEffect, useState } from 'react';
import { useDesignStore } from '../../stores/design-store';

const SHOW_MS = 4500;

/** The notice. */
export function Notice() {
  const notice = useDesignStore((s) => s.notice);
  const [hiddenSeq, setHiddenSeq] = useState(0);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setHiddenSeq(notice.seq), SHOW_MS);
    return () => clearTimeout(timer);
  }, [notice]);
  if (!notice || hiddenSeq === notice.seq) return null;
  return (
    <div className={`notice notice-${notice.tone}`} role={notice.tone === 'error' ? 'alert' : 'status'} data-testid="canvas-notice">
      {notice.text}
      <button type="button" className="notice-close" aria-label="Dismiss" onClick={() => setHiddenSeq(notice.seq)}>
        ×
      </button>
    </div>
  );
}
