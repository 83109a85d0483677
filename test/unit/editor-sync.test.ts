// The rules under the Monaco editors: the minimal edit that keeps a cursor in place, what the
// Source view does with a document store change, and prompt placeholders.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTopology } from '../../agents/topology/load';
import { toYaml } from '../../agents/topology/save';
import type { Topology } from '../../agents/topology/schema';
import { contentChanged, documentReplaced, sourceText } from '../../renderer/src/editors/document-sync';
import { availableVariables, completionSite, placeholders, unknownPlaceholders } from '../../renderer/src/editors/prompt-variables';
import { minimalChange } from '../../renderer/src/editors/text-diff';

const apply = (text: string, change: ReturnType<typeof minimalChange>) => (change ? text.slice(0, change.start) + change.text + text.slice(change.end) : text);

describe('minimalChange', () => {
  it('is null for equal texts', () => {
    expect(minimalChange('abc', 'abc')).toBeNull();
  });

  it('replaces only what differs, keeping the common prefix and suffix', () => {
    expect(minimalChange('x: 80\ny: 180\n', 'x: 82\ny: 180\n')).toEqual({ start: 4, end: 5, text: '2' });
    expect(minimalChange('abc', 'abXc')).toEqual({ start: 2, end: 2, text: 'X' });
    expect(minimalChange('abXc', 'abc')).toEqual({ start: 2, end: 3, text: '' });
    expect(minimalChange('', 'new')).toEqual({ start: 0, end: 0, text: 'new' });
  });

  it('does not let prefix and suffix overlap on repeated characters', () => {
    for (const [a, b] of [
      ['aaa', 'aaaa'],
      ['aaaa', 'aa'],
      ['abab', 'ab'],
      ['ab', 'abab'],
    ] as const) {
      const change = minimalChange(a, b)!;
      expect(change.start).toBeLessThanOrEqual(change.end);
      expect(apply(a, change)).toBe(b);
    }
  });

  it('never splits a surrogate pair', () => {
    const change = minimalChange('a😀b', 'a😃b')!;
    expect(change.text).toBe('😃');
    expect(apply('a😀b', change)).toBe('a😃b');
  });

  it('turns every template into every other one', () => {
    const texts = ['coordinator', 'swarm', 'auction'].map((t) => readFileSync(`templates/${t}.yaml`, 'utf8'));
    for (const a of texts) for (const b of texts) expect(apply(a, minimalChange(a, b))).toBe(b);
  });
});

describe('the source view and the document store', () => {
  const topology = loadTopology(readFileSync('templates/coordinator.yaml', 'utf8'), 'coordinator.yaml').topology as Topology;
  const state = (over: Partial<Parameters<typeof documentReplaced>[0]> = {}) => ({ topology, pendingText: null, past: [], future: [], ...over });

  it('shows pending (invalid) text as typed, else the topology as YAML', () => {
    expect(sourceText(state())).toBe(toYaml(topology));
    expect(sourceText(state({ pendingText: 'spec: [' }))).toBe('spec: [');
    expect(sourceText(state({ topology: null }))).toBe('');
  });

  it('knows an edit from another document being opened', () => {
    const entry = { topology, label: 'Move', at: 0 };
    const before = state({ past: [entry] });
    const edited = state({ topology: { ...topology }, past: [entry, entry] });
    const undoneToStart = state({ past: [], future: [entry] });
    const opened = state({ topology: { ...topology } });
    expect(contentChanged(edited, before)).toBe(true);
    expect(documentReplaced(edited, before)).toBe(false);
    expect(documentReplaced(undoneToStart, before)).toBe(false);
    expect(documentReplaced(opened, before)).toBe(true);
    // Opening while the history was already empty is still a new document (new arrays).
    expect(documentReplaced(state(), state())).toBe(true);
    // Problems or dirty changing alone is not a content change.
    const same = state();
    expect(contentChanged({ ...same }, same)).toBe(false);
  });
});

describe('prompt placeholders', () => {
  it('finds placeholders with their offsets, spaces allowed inside the braces', () => {
    expect(placeholders('Hi {{agent_name}}, {{ input }}!')).toEqual([
      { name: 'agent_name', start: 3, end: 17 },
      { name: 'input', start: 19, end: 30 },
    ]);
  });

  it("marks only names neither built in nor the agent's own", () => {
    const text = '{{agent_name}} {{tone}} {{nosuch}} {{peers}}';
    expect(unknownPlaceholders(text, ['tone']).map((p) => p.name)).toEqual(['nosuch']);
    expect(unknownPlaceholders(text, []).map((p) => p.name)).toEqual(['tone', 'nosuch']);
  });

  it("offers the built-ins first, then the agent's own variables, without duplicates", () => {
    const names = availableVariables(['tone', 'input', 'tone']).map((v) => v.name);
    expect(names.slice(0, 7)).toEqual(['agent_name', 'agent_description', 'capabilities', 'peers', 'input', 'from_agent', 'date']);
    expect(names.slice(7)).toEqual(['tone']);
    expect(availableVariables([]).every((v) => v.summary.length > 0)).toBe(true);
  });

  it('completes only inside an open placeholder, replacing its tail and closing it once', () => {
    expect(completionSite('Hello {', '')).toBeNull();
    expect(completionSite('Hello {{', '')).toEqual({ typed: '', after: 0 });
    expect(completionSite('Hello {{ ag', '')).toEqual({ typed: 'ag', after: 0 });
    // Auto-closed braces after the cursor are replaced too: the completion ends after `}}`.
    expect(completionSite('Hello {{', '}} and more')).toEqual({ typed: '', after: 2 });
    expect(completionSite('Hello {{ag', 'ent_na }} x')).toEqual({ typed: 'ag', after: 9 });
    expect(completionSite('{{done}} then', '')).toBeNull();
  });
});
