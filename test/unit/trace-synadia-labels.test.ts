// The trace explorer's words for the Synadia Agent Protocol's rows: every row type the trace
// gives (agents/trace/synadia-rows.ts) has one, and nothing else is taken for a Synadia row.
import { describe, expect, it } from 'vitest';
import { SYNADIA_ROW_TYPES } from '../../agents/trace/synadia-rows.js';
import { synadiaLabel } from '../../renderer/src/trace/trace-format.js';

describe('Synadia row labels', () => {
  it('words every Synadia row type, and only those', () => {
    for (const type of SYNADIA_ROW_TYPES) expect(synadiaLabel(type), type).toMatch(/\w/);
    expect(synadiaLabel('synadia.prompt')).toBe('Synadia prompt');
    expect(synadiaLabel('synadia.response')).toBe('response chunk');
    expect(synadiaLabel('synadia.end')).toBe('end of stream');
    for (const other of ['request', 'response', 'synadia', 'synadia.unknown', 'toString', null, undefined]) expect(synadiaLabel(other)).toBeNull();
  });
});
