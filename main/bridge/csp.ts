/** The Content-Security-Policy both shells send with the renderer: no eval, no remote origins. */

/** Builds the policy; `connect` lists the extra origins the page may open sockets to. */
export function contentSecurityPolicy(connect: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Styles keep 'unsafe-inline' (scripts never do): measured in Chromium (test/e2e/csp.test.ts drives
    // every view), without it Monaco 0.57 draws its text on top of itself and mermaid 12 unstyled:
    // - Monaco writes each line as HTML with style="top:…px" / "width:…px" (editor/browser/viewParts/
    //   viewLines/viewLine.js, editor/common/viewLayout/viewLineRenderer.js): attributes, which a nonce
    //   cannot allow and whose per-line values no hash can list (style-src-attr);
    // - Monaco adds <style> elements by script with no nonce option (base/browser/domStylesheets.js);
    // - mermaid's SVG carries a <style> element and style="…" attributes (d3 .attr('style')), inserted
    //   as markup (renderer/src/export/mermaid-preview.tsx).
    // React style props, @xyflow/react, uPlot and @tanstack/react-virtual set styles through the CSSOM,
    // which the CSP does not restrict: they need nothing here.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${connect.join(' ')}`.trim(),
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
