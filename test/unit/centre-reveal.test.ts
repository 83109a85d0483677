// Where the Problems list's "show me" goes: the source view at the line, or the canvas's element.
import { describe, expect, it } from 'vitest';
import { revealView } from '../../renderer/src/layout/centre-reveal.js';

describe('revealing a problem', () => {
  const node = { type: 'node', id: 'triage' } as const;

  it('goes to the line in the source view, or when the canvas has no element for it', () => {
    expect(revealView('source', { line: 3, target: node })).toEqual({ view: 'source', inSource: true });
    expect(revealView('design', { line: 3, target: null })).toEqual({ view: 'source', inSource: true });
  });

  it('goes to the canvas element otherwise, and stays put when there is nowhere to go', () => {
    expect(revealView('design', { line: 3, target: node })).toEqual({ view: 'design', inSource: false });
    expect(revealView('source', { target: node })).toEqual({ view: 'design', inSource: false });
    expect(revealView('source', { target: null })).toEqual({ view: 'source', inSource: false });
  });
});
