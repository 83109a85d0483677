/** The node components, one per kind: what a glance at the canvas should tell. */
import { memo } from 'react';
import type { NodeProps } from '@xyflow/react';
import { BreakpointGutter } from '../../debugger/breakpoint-dot';
import type { DesignNode } from './flow-types';
import { BoardIcon, ExternalIcon, McpIcon, RoleIcon, ToolIcon } from './icons';
import { LiveAgentRow, OverlayNode } from './live-node';
import { Chips, NodeShell } from './node-shell';

/** An agent: its breakpoint gutter, role, name, model, capabilities, replicas, live status. */
const AgentNode = memo(function AgentNode({ data, selected }: NodeProps<DesignNode<'agent'>>) {
  const agent = data.spec;
  return (
    <NodeShell kind="agent" problems={data.problems} selected={selected}>
      <BreakpointGutter agent={agent.name} />
      <div className="dnode-head">
        <span className={`status-dot status-${data.status ?? 'none'}${data.live?.state ? ` status-live-${data.live.state}` : ''}`} title={data.live?.state ? `State: ${data.live.state}` : data.status ? `Status: ${data.status}` : 'Not running'} />
        <span className="dnode-icon" title={agent.role}>
          <RoleIcon role={agent.role} />
        </span>
        <span className="dnode-name">{agent.name}</span>
        {data.servedA2a && (
          <span className="replicas" title="Served over A2A: A2A clients can read its card and send it messages">
            A2A
          </span>
        )}
        {agent.batch && (
          <span className="replicas" title={`Batches: requests within ${agent.batch.timeoutMs} ms (up to ${agent.batch.size}) are one run`}>
            batch ≤{agent.batch.size}
          </span>
        )}
        {agent.replicas > 1 && (
          <span className="replicas" title={`${agent.replicas} replicas share the load`}>
            ×{agent.replicas}
          </span>
        )}
      </div>
      <div className="dnode-sub">
        <span>{agent.role}</span>
        <span className="dnode-model">{data.model}</span>
      </div>
      <Chips items={agent.capabilities} />
      {data.live && <LiveAgentRow name={agent.name} live={data.live} />}
    </NodeShell>
  );
});

/** An agent that runs elsewhere: drawn dashed, never started. */
const ExternalNode = memo(function ExternalNode({ data, selected }: NodeProps<DesignNode<'external'>>) {
  const agent = data.spec;
  return (
    <NodeShell kind="external" problems={data.problems} selected={selected}>
      <div className="dnode-head">
        <span className="dnode-icon">
          <ExternalIcon />
        </span>
        <span className="dnode-name">{agent.name}</span>
      </div>
      <div className="dnode-sub">
        <span title={externalTitle(agent)}>
          external{agent.synadia ? ` · Synadia ${agent.synadia.agent}` : ''}
          {agent.a2a ? ' · A2A' : ''}
          {agent.answers ? '' : ' · no requests'}
        </span>
      </div>
      {/* An A2A agent shows what its card says it can do; the others their declared capabilities. */}
      <Chips items={agent.a2a && agent.a2a.skills.length > 0 ? agent.a2a.skills.map((s) => s.name || s.id) : agent.capabilities} />
      {data.live && <LiveAgentRow name={agent.name} live={data.live} />}
    </NodeShell>
  );
});

/** How an external agent is reached, for its tooltip. */
function externalTitle(agent: DesignNode<'external'>['data']['spec']): string | undefined {
  if (agent.synadia) return `A Synadia Agent Protocol agent: agents.prompt.${agent.synadia.agent}.${agent.synadia.owner}.${agent.synadia.name}`;
  if (agent.a2a) return `An A2A agent (card ${agent.a2a.card}), reached through the protocol gateway${agent.a2a.skills.length > 0 ? `\nSkills: ${agent.a2a.skills.map((s) => s.name || s.id).join(', ')}` : ''}`;
  return undefined;
}

/** A tool agents may be allowed to call. */
const ToolNode = memo(function ToolNode({ data, selected }: NodeProps<DesignNode<'tool'>>) {
  return (
    <NodeShell kind="tool" problems={data.problems} selected={selected} outs={false}>
      <div className="dnode-head">
        <span className="dnode-icon">
          <ToolIcon />
        </span>
        <span className="dnode-name">{data.spec.name}</span>
      </div>
      {data.spec.description && <div className="dnode-desc">{data.spec.description}</div>}
    </NodeShell>
  );
});

/** An MCP server: its tools are granted as `server/*`. */
const McpNode = memo(function McpNode({ data, selected }: NodeProps<DesignNode<'mcp'>>) {
  const server = data.spec;
  return (
    <NodeShell kind="mcp" problems={data.problems} selected={selected} outs={false}>
      <div className="dnode-head">
        <span className="dnode-icon">
          <McpIcon />
        </span>
        <span className="dnode-name">{server.name}</span>
      </div>
      <div className="dnode-desc mono">{[server.command, ...server.args].join(' ')}</div>
    </NodeShell>
  );
});

/** A blackboard: a cylinder, like the KV bucket it is. */
const BlackboardNode = memo(function BlackboardNode({ data, selected }: NodeProps<DesignNode<'blackboard'>>) {
  return (
    <NodeShell kind="blackboard" problems={data.problems} selected={selected}>
      <svg className="cylinder" viewBox="0 0 100 60" preserveAspectRatio="none" aria-hidden="true">
        <path d="M1 9 C1 -1 99 -1 99 9 L99 51 C99 61 1 61 1 51 Z" />
        <path className="cylinder-rim" d="M1 9 C1 19 99 19 99 9" />
      </svg>
      <div className="dnode-head">
        <span className="dnode-icon">
          <BoardIcon />
        </span>
        <span className="dnode-name">{data.spec.name}</span>
      </div>
      <div className="dnode-sub mono">{data.spec.bucket ?? data.spec.name}</div>
    </NodeShell>
  );
});

/** React Flow's node types: one per kind. */
export const NODE_TYPES = { agent: AgentNode, external: ExternalNode, tool: ToolNode, mcp: McpNode, blackboard: BlackboardNode, overlay: OverlayNode };
