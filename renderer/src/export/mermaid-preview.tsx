/** Mermaid text shown drawn (mermaid-render.ts), with Mermaid's error in place of the drawing when it cannot read it. */
import { useEffect, useState } from 'react';
import { renderMermaid, type MermaidResult } from './mermaid-render';

/** The drawing of `text`. */
export function MermaidPreview({ text }: { text: string }) {
  const [drawn, setDrawn] = useState<{ text: string; result: MermaidResult } | null>(null);
  useEffect(() => {
    let current = true;
    void renderMermaid(text).then((result) => current && setDrawn({ text, result }));
    return () => {
      current = false;
    };
  }, [text]);
  const result = drawn?.text === text ? drawn.result : null;
  if (result === null)
    return (
      <div className="mermaid-preview" data-testid="mermaid-rendered" data-state="loading">
        <p className="muted">Drawing…</p>
      </div>
    );
  if (!result.ok)
    return (
      <div className="mermaid-preview" data-testid="mermaid-rendered" data-state="error">
        <p className="form-error" role="alert">
          Mermaid could not draw this diagram:
        </p>
        <pre className="mermaid-error">{result.error}</pre>
      </div>
    );
  // Mermaid's own output, sanitized by it (securityLevel strict).
  return <div className="mermaid-preview" data-testid="mermaid-rendered" data-state="ready" dangerouslySetInnerHTML={{ __html: result.svg }} />;
}
