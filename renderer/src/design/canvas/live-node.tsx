/** What an agent node shows of the run the canvas shows, and the nodes drawn only for designed vs observed. */
import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { PausedBadge } from '../../debugger/paused-badge';
import { shortCount, shortMs } from '../../live/agent-counters';
import { showAgentInTrace } from '../../live/live-actions';
import { useStores } from '../../stores/stores-context';
import type { AgentLive, OverlayFlowNode } from './flow-types';

const STATE_TITLE = {
  idle: 'Idle: running, waiting for work',
  busy: 'Busy: inside an OODA run',
  paused: 'Paused at a breakpoint (see the Debug view)',
  failed: 'Failed: its last run failed',
  offline: 'Offline: not started in this run',
} as const;

/** The state badge, counters and "show in trace" of an agent while a run is shown. */
export function LiveAgentRow({ name, live }: { name: string; live: AgentLive }) {
  const stores = useStores();
  const c = live.counters;
  return (
    <div className="dnode-live" data-testid="agent-live" data-agent={name} data-state={live.state ?? undefined}>
      {live.state === 'paused' && <PausedBadge agent={name} />}
      {live.state && live.state !== 'paused' && (
        <span className={`live-state live-state-${live.state}`} title={STATE_TITLE[live.state]} data-testid="agent-state">
          {live.state}
        </span>
      )}
      {c && (
        <span className="live-counters mono" data-testid="agent-counters" data-received={c.received} data-sent={c.sent} data-errors={c.errors}>
          <span title="Messages received">↓{shortCount(c.received)}</span>
          <span title="Messages sent">↑{shortCount(c.sent)}</span>
          {c.errors > 0 && (
            <span className="live-errors" title="Errors">
              ✕{shortCount(c.errors)}
            </span>
          )}
          {c.p50Ms !== null && <span title="Median latency of its replies (p50)">{shortMs(c.p50Ms)}</span>}
          {c.tokens > 0 && <span title="LLM tokens (input + output)">{shortCount(c.tokens)} tok</span>}
        </span>
      )}
      {live.unanswered > 0 && (
        <span className="live-unanswered" title={`${live.unanswered} request${live.unanswered > 1 ? 's' : ''} to ${name} found no responder`}>
          no reply ×{live.unanswered}
        </span>
      )}
      <button
        type="button"
        className="live-trace-button nodrag nopan"
        title={`Show ${name}'s messages in the trace (or Alt+click the node)`}
        aria-label={`Show ${name} in the trace`}
        data-testid="show-in-trace"
        onClick={(event) => {
          event.stopPropagation();
          void showAgentInTrace(stores, name);
        }}
      >
        ⌕
      </button>
    </div>
  );
}

/** The outside world, or a subject no agent of the topology receives. */
export const OverlayNode = memo(function OverlayNode({ data }: NodeProps<OverlayFlowNode>) {
  return (
    <div className={`overlay-node overlay-${data.kind}`} data-testid={`overlay-${data.kind}`} data-label={data.label} title={data.kind === 'outside' ? 'Senders outside the topology' : `Subject ${data.label}: no agent of the topology receives it`}>
      <Handle type="target" position={Position.Left} className="dhandle overlay-handle" isConnectable={false} />
      <span className="overlay-kind">{data.kind === 'outside' ? '⇢ outside' : 'subject'}</span>
      {data.kind === 'subject' && <span className="overlay-label mono">{data.label}</span>}
      <Handle type="source" position={Position.Right} className="dhandle overlay-handle" isConnectable={false} />
    </div>
  );
});
