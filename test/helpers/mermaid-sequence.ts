/**
 * Reads a Mermaid `sequenceDiagram` back into its arrows, so tests can round-trip the trace export.
 * Test-only: it must not ship. (`@mermaid-js/parser` was the suggested replacement, but as of 2.0.1
 * it has grammars for info, packet, pie, architecture, gitGraph, radar, treemap and a few more —
 * not for sequence diagrams, which mermaid itself still parses with jison.)
 */
import type { SequenceMessage } from '../../agents/trace/export-mermaid.js';

/** The inverse of `escapeMermaidText` (agents/trace/export-mermaid.ts): numeric entities and the common named ones. */
export function unescapeMermaidText(text: string): string {
  const named: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', semi: ';', apos: "'", nbsp: '\u00a0' };
  return text.replace(/#(\d+|[a-z]+);/g, (whole, code: string) => {
    if (/^\d+$/.test(code)) {
      const point = Number(code);
      return point <= 0x10ffff ? String.fromCodePoint(point) : whole;
    }
    return named[code] ?? whole;
  });
}

// Longest arrows first: `-->>` must not be read as `-->` followed by `>`.
const ARROW = '<<-->>|<<->>|-->>|->>|--x|-x|--\\)|-\\)|-->|->';
const MESSAGE_LINE = new RegExp(`^([^\\s:;]+?)\\s*(${ARROW})\\s*[+-]?\\s*([^\\s:;]+)\\s*:\\s?(.*)$`);
const PARTICIPANT_LINE = /^(?:participant|actor)\s+(\S+?)(?:\s+as\s+(.+))?$/;

/** Reads the messages of a Mermaid sequence diagram back, participants by their display names. */
export function parseMermaidSequence(text: string): SequenceMessage[] {
  const names = new Map<string, string>();
  const messages: SequenceMessage[] = [];
  let started = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('%%')) continue;
    if (!started) {
      if (line !== 'sequenceDiagram') throw new Error(`Not a Mermaid sequence diagram: the first line is "${line.slice(0, 40)}".`);
      started = true;
      continue;
    }
    const participant = PARTICIPANT_LINE.exec(line);
    if (participant) {
      names.set(participant[1]!, unescapeMermaidText(participant[2]?.trim() ?? participant[1]!));
      continue;
    }
    const message = MESSAGE_LINE.exec(line);
    if (!message) continue; // notes, activations, blocks: not messages
    const [, from = '', arrow = '', to = '', label = ''] = message;
    messages.push({ from: names.get(from) ?? from, to: names.get(to) ?? to, arrow, label: unescapeMermaidText(label.trimEnd()) });
  }
  if (!started) throw new Error('Not a Mermaid sequence diagram: it is empty.');
  return messages;
}
