/** A small SVG of a topology's graph, for the New gallery. */
import { useMemo } from 'react';
import { loadTopology } from '../../../agents/topology/load';
import { graphPicture, PICTURE_NODE, type PictureEdge, type PictureNodeKind } from './graph-picture';

const NODE_FILL: Record<PictureNodeKind, string> = {
  agent: '#1f4f86',
  external: 'transparent',
  tool: '#5b3f86',
  mcp: '#7a3a63',
  blackboard: '#6b5214',
};
const NODE_STROKE: Record<PictureNodeKind, string> = {
  agent: '#5aa9ff',
  external: '#5aa9ff',
  tool: '#b07cf7',
  mcp: '#e07cba',
  blackboard: '#d29922',
};
const EDGE_STROKE: Record<PictureEdge['kind'], string> = {
  direct: '#8a93a3',
  request: '#5aa9ff',
  broadcast: '#3fb950',
  handoff: '#d29922',
  subscribe: '#b07cf7',
  uses: '#4b5363',
};

/** The picture of a topology given as text (a template's YAML); nothing when it does not load. */
export function TemplatePicture({ text, label }: { text: string; label: string }) {
  const picture = useMemo(() => {
    const topology = loadTopology(text, 'template.yaml').topology;
    return topology ? graphPicture(topology) : null;
  }, [text]);
  if (!picture) return <div className="template-picture template-picture-empty" />;
  const { viewBox: v, nodes, edges } = picture;
  const centre = new Map(nodes.map((n) => [n.name, { x: n.x + PICTURE_NODE.width / 2, y: n.y + PICTURE_NODE.height / 2 }]));
  return (
    <svg className="template-picture" viewBox={`${v.x} ${v.y} ${v.width} ${v.height}`} preserveAspectRatio="xMidYMid meet" role="img" aria-label={label}>
      {edges.map((e, i) => {
        const a = centre.get(e.from)!;
        const b = centre.get(e.to)!;
        return <line key={i} x1={a.x} y1={a.y} x2={b.x} y2={b.y} stroke={EDGE_STROKE[e.kind]} strokeWidth={e.kind === 'uses' ? 4 : 6} strokeDasharray={e.kind === 'uses' || e.kind === 'subscribe' ? '14 10' : undefined} />;
      })}
      {nodes.map((n) => (
        <g key={n.name}>
          <title>{n.name}</title>
          <rect
            x={n.x}
            y={n.y}
            width={PICTURE_NODE.width}
            height={PICTURE_NODE.height}
            rx={n.kind === 'agent' || n.kind === 'external' ? 16 : 6}
            fill={NODE_FILL[n.kind]}
            stroke={NODE_STROKE[n.kind]}
            strokeWidth={5}
            strokeDasharray={n.kind === 'external' ? '14 8' : undefined}
          />
        </g>
      ))}
    </svg>
  );
}
