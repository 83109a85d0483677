/** The NATS server's live status: identity, uptime, counters, and a restart button. */
import { useEffect, useState } from 'react';
import { formatBytes, formatCount, formatUptime } from '../lib/format';
import { useServerStore } from '../stores/server-store';
import { StatePill } from './state-pill';

/** Re-renders every second so uptime ticks. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** The server card. */
export function ServerCard() {
  const { status, host, error, restartPending, restart, connection } = useServerStore();
  const now = useNow();
  const stats = status?.stats ?? null;
  const external = status?.mode === 'external';

  return (
    <section className="card" aria-label="NATS server" data-testid="server-card">
      <header className="card-header">
        <h3>NATS server</h3>
        <StatePill status={status} />
      </header>
      <dl className="facts">
        <dt>Mode</dt>
        <dd>{status ? (external ? 'external' : 'embedded') : '—'}</dd>
        <dt>Version</dt>
        <dd data-testid="server-version">{status?.version ?? '—'}</dd>
        <dt>Address</dt>
        <dd className="mono" data-testid="server-address">{status?.clientUrl ?? '—'}</dd>
        {!external && (
          <>
            <dt>Monitoring</dt>
            <dd className="mono">{status?.monitorUrl ?? '—'}</dd>
            <dt>PID</dt>
            <dd className="mono" data-testid="server-pid">{status?.pid ?? '—'}</dd>
          </>
        )}
        <dt>Uptime</dt>
        <dd data-testid="server-uptime">{status?.readyAt ? formatUptime(now - Date.parse(status.readyAt)) : '—'}</dd>
        <dt>Restarts</dt>
        <dd data-testid="server-restarts">{status?.restarts ?? 0}</dd>
      </dl>

      {stats ? (
        <div className="counters" data-testid="server-counters">
          <Counter label="Connections" value={formatCount(stats.connections)} />
          <Counter label="Subscriptions" value={formatCount(stats.subscriptions)} />
          <Counter label="Msgs in" value={formatCount(stats.inMsgs)} />
          <Counter label="Msgs out" value={formatCount(stats.outMsgs)} />
          <Counter label="Bytes in" value={formatBytes(stats.inBytes)} />
          <Counter label="Bytes out" value={formatBytes(stats.outBytes)} />
          <Counter label="Slow consumers" value={formatCount(stats.slowConsumers)} warn={stats.slowConsumers > 0} />
          <Counter label="Memory" value={formatBytes(stats.memBytes)} />
        </div>
      ) : (
        <p className="panel-note">
          {external ? 'Counters come from the monitoring endpoint, which an external server does not share with the workbench.' : 'Counters appear while the server runs.'}
        </p>
      )}

      {status?.lastError && (
        <p className="card-error" role="status" data-testid="server-error">
          {status.lastError}
        </p>
      )}
      {error && <p className="card-error">{error}</p>}

      <div className="card-actions">
        <button type="button" className="btn" onClick={() => void restart()} disabled={restartPending || connection !== 'open' || !status} data-testid="server-restart">
          {restartPending ? 'Restarting…' : external ? 'Reconnect' : 'Restart server'}
        </button>
      </div>
      {host && (
        <p className="panel-note mono" title={host.natsBinary ?? ''}>
          Data: {host.dataDir}
        </p>
      )}
    </section>
  );
}

function Counter({ label, value, warn = false }: { label: string; value: string; warn?: boolean }) {
  return (
    <div className={`counter ${warn ? 'counter-warn' : ''}`}>
      <span className="counter-value">{value}</span>
      <span className="counter-label">{label}</span>
    </div>
  );
}
