/**
 * The sequence diagram as files: Mermaid text (agents/trace/export-mermaid.ts), a standalone SVG
 * drawn by the view's own components (sequence-svg.tsx, rendered to markup), and a PNG of that
 * SVG. Each takes a bounded number of rows; the caller says when the rows were cut.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { exportMermaidSequence } from '../../../agents/trace/export-mermaid';
import { layoutLanes, withRowAgents, type SequenceRow } from '../trace/sequence-layout';
import { ROW_HEIGHT } from '../trace/trace-viewport';
import { HEADER_HEIGHT, SEQUENCE_COLOURS, SequenceHeader, SequenceRows } from '../trace/sequence-svg';

/** The most rows an SVG or PNG export draws. */
export const EXPORT_ROWS = 400;
/** The most arrows the Mermaid text draws (Mermaid lays out big diagrams slowly); a note says how many more. */
export const MERMAID_MESSAGES = 150;
/** Width of an exported drawing when the lanes would fit in less. */
const EXPORT_WIDTH = 1200;

/** The Mermaid `sequenceDiagram` of `rows`. */
export function sequenceMermaid(rows: readonly SequenceRow[]): string {
  return exportMermaidSequence(
    rows.map((r) => r.record),
    { maxMessages: MERMAID_MESSAGES },
  );
}

/** A standalone SVG drawing. */
export interface SvgDrawing {
  svg: string;
  width: number;
  height: number;
}

/** `rows` drawn as one SVG document with the lanes `names` (plus any agent the rows name), and the time as the table shows it. */
export function sequenceSvg(rows: readonly SequenceRow[], names: readonly string[], declared: readonly string[] | null, timeMode: 'absolute' | 'relative'): SvgDrawing {
  const layout = layoutLanes(withRowAgents(names, rows), EXPORT_WIDTH, declared);
  const height = HEADER_HEIGHT + rows.length * ROW_HEIGHT;
  // Markup, not a mounted tree: pure and synchronous (this module loads with the export dialog, lazily).
  const svg = renderToStaticMarkup(
    <svg xmlns="http://www.w3.org/2000/svg" width={layout.width} height={height} viewBox={`0 0 ${layout.width} ${height}`}>
      <rect width={layout.width} height={height} fill={SEQUENCE_COLOURS.bg} />
      <SequenceHeader layout={layout} />
      <g transform={`translate(0 ${HEADER_HEIGHT})`}>
        <SequenceRows layout={layout} rows={rows} first={0} timeMode={timeMode} />
      </g>
    </svg>,
  );
  return { svg: `<?xml version="1.0" encoding="UTF-8"?>\n${svg}`, width: layout.width, height };
}

/** The SVG drawn on a canvas as PNG, at up to twice the size (less when it would pass the canvas's limit). */
export async function svgToPng(drawing: SvgDrawing): Promise<Blob> {
  const scale = Math.max(0.25, Math.min(2, 32_000 / drawing.height, 16_000 / drawing.width));
  const url = URL.createObjectURL(new Blob([drawing.svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(drawing.width * scale);
    canvas.height = Math.round(drawing.height * scale);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('This browser cannot draw on a canvas.');
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The canvas could not be encoded as PNG.'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

