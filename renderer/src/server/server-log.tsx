/** The server's recent log, following the tail unless the user scrolled up. */
import { useEffect, useRef } from 'react';
import { useServerStore } from '../stores/server-store';

/** The log view. */
export function ServerLog() {
  const logs = useServerStore((s) => s.logs);
  const box = useRef<HTMLDivElement>(null);
  const following = useRef(true);

  useEffect(() => {
    const el = box.current;
    if (el && following.current) el.scrollTop = el.scrollHeight;
  }, [logs]);

  if (logs.length === 0) return <p className="empty">No log lines yet.</p>;
  return (
    <div
      className="log"
      ref={box}
      data-testid="server-log"
      onScroll={(e) => {
        const el = e.currentTarget;
        following.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
    >
      {logs.map((line) => (
        <div key={line.seq} className={`log-line log-${line.source} log-${levelOf(line.text)}`}>
          <span className="log-time">{line.time.slice(11, 23)}</span>
          <span className="log-text">{line.text}</span>
        </div>
      ))}
    </div>
  );
}

/** nats-server tags lines [INF], [WRN], [ERR], [FTL]; the level colours the line. */
function levelOf(text: string): string {
  return /\[(INF|WRN|ERR|FTL|DBG|TRC)\]/.exec(text)?.[1] ?? 'INF';
}
