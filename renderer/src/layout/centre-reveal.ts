/** Where the centre shows a place in the document: the rule the view store's `revealPlace` applies. */
import type { ElementRef } from '../design/model/problem-targets';

/** The centre's views. */
export type CentreView = 'design' | 'source' | 'trace' | 'metrics' | 'debug';

/**
 * Where a reveal goes from the current view: the source view at the line when it shows now or
 * the canvas draws no element for the place; else the canvas's element; else nowhere new.
 */
export function revealView(view: CentreView, request: { line?: number; target: ElementRef | null }): { view: CentreView; inSource: boolean } {
  const inSource = request.line !== undefined && (view === 'source' || !request.target);
  return { view: inSource ? 'source' : request.target ? 'design' : view, inSource };
}
