/**
 * Mermaid text drawn as SVG with the `mermaid` package, loaded the first time a diagram is drawn
 * (a dynamic import: its own chunk, not the main bundle). A diagram Mermaid cannot read comes back
 * as its error, never thrown.
 */
import type { Mermaid } from 'mermaid';

/** A drawn diagram, or why Mermaid could not draw it. */
export type MermaidResult = { ok: true; svg: string } | { ok: false; error: string };

let loading: Promise<Mermaid> | null = null;
let renders = 0;

/** Loads and configures mermaid once (dark theme, strict security: no scripts or clicks in diagrams). */
function loadMermaid(): Promise<Mermaid> {
  loading ??= import('mermaid').then(({ default: mermaid }) => {
    mermaid.initialize({ startOnLoad: false, theme: 'dark', securityLevel: 'strict', suppressErrorRendering: true, fontFamily: 'ui-sans-serif, system-ui, sans-serif' });
    return mermaid;
  });
  return loading;
}

/** Draws `text` as SVG markup. */
export async function renderMermaid(text: string): Promise<MermaidResult> {
  try {
    const mermaid = await loadMermaid();
    const { svg } = await mermaid.render(`sb-mermaid-${++renders}`, text);
    return { ok: true, svg };
  } catch (error) {
    // Mermaid leaves its scratch element behind when it fails.
    document.getElementById(`dsb-mermaid-${renders}`)?.remove();
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
