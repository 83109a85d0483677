// Undo and redo as pure functions over a topology's history: what the document store's edit, undo and redo do.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTopology } from '../../agents/topology/load.js';
import type { Topology } from '../../agents/topology/schema.js';
import { addNode } from '../../renderer/src/design/model/add-node.js';
import { COALESCE_MS, recordEdit, redo, undo, type HistoryState } from '../../renderer/src/design/model/history.js';
import { moveNodes } from '../../renderer/src/design/model/positions.js';

const template = (name: string): Topology => {
  const result = loadTopology(readFileSync(path.resolve('templates', `${name}.yaml`), 'utf8'), `${name}.yaml`);
  if (!result.topology) throw new Error(`template ${name} does not load`);
  return result.topology;
};
const start = (): HistoryState => ({ topology: template('coordinator'), past: [], future: [] });
const add = (state: HistoryState, now: number, label = 'Add agent') => recordEdit(state, { next: addNode(state.topology, 'agent', { x: now, y: 0 }).topology, label, now });
const labels = (entries: HistoryState['past']) => entries.map((e) => e.label);

describe('recording edits', () => {
  it('makes the edit current, keeps the old topology for undo and drops the redo future', () => {
    const s0 = start();
    const s1 = add(s0, 1000);
    expect(s1.topology).not.toBe(s0.topology);
    expect(s1.past).toEqual([{ topology: s0.topology, label: 'Add agent', at: 1000 }]);
    const back = undo(s1, 1100);
    expect(back.future).toHaveLength(1);
    expect(add(back, 1200, 'Add tool').future).toEqual([]);
  });

  it('ignores an edit that changes nothing (the same object comes back)', () => {
    const s0 = start();
    expect(recordEdit(s0, { next: s0.topology, label: 'Nothing', now: 1 })).toBe(s0);
  });

  it('merges edits with the same coalesce key in quick succession into one undo step', () => {
    const s0 = start();
    const node = Object.keys(s0.topology.layout.nodes)[0] ?? s0.topology.spec.agents[0]!.name;
    const move = (state: HistoryState, x: number, now: number) => recordEdit(state, { next: moveNodes(state.topology, { [node]: { x, y: 0 } }), label: 'Move', coalesceKey: `nudge:${node}`, now });
    const s1 = move(s0, 10, 1000);
    const s2 = move(s1, 20, 1000 + COALESCE_MS - 1);
    expect(s2.past).toHaveLength(1);
    // Undo goes back before the whole burst.
    expect(undo(s2, 2000).topology).toBe(s0.topology);
    // After a pause (measured from the last merged edit) it is a new step.
    const s3 = move(s2, 30, 1000 + 2 * COALESCE_MS - 2);
    expect(s3.past).toHaveLength(1);
    expect(move(s3, 40, 1000 + 3 * COALESCE_MS).past).toHaveLength(2);
  });

  it('does not merge edits with different keys, or without one', () => {
    const s0 = start();
    const s1 = recordEdit(s0, { next: addNode(s0.topology, 'agent', { x: 0, y: 0 }).topology, label: 'A', coalesceKey: 'a', now: 1 });
    const s2 = recordEdit(s1, { next: addNode(s1.topology, 'agent', { x: 1, y: 0 }).topology, label: 'B', coalesceKey: 'b', now: 2 });
    const s3 = add(s2, 3);
    const s4 = add(s3, 4);
    expect(labels(s4.past)).toEqual(['A', 'B', 'Add agent', 'Add agent']);
  });

  it('keeps at most the history limit, dropping the oldest steps', () => {
    let state = start();
    for (let i = 0; i < 5; i++) state = recordEdit(state, { next: addNode(state.topology, 'tool', { x: i, y: 0 }).topology, label: `Add ${i}`, now: i * 10_000 }, 3);
    expect(labels(state.past)).toEqual(['Add 2', 'Add 3', 'Add 4']);
  });
});

describe('undo and redo', () => {
  it('walk back and forth through the steps with their labels', () => {
    const s0 = start();
    const s1 = add(s0, 1000, 'Add agent');
    const s2 = add(s1, 5000, 'Add another');
    const u1 = undo(s2, 6000);
    expect(u1.topology).toBe(s1.topology);
    expect(labels(u1.future)).toEqual(['Add another']);
    const u2 = undo(u1, 6001);
    expect(u2.topology).toBe(s0.topology);
    expect(u2.past).toEqual([]);
    expect(labels(u2.future)).toEqual(['Add agent', 'Add another']);
    const r1 = redo(u2, 6002);
    expect(r1.topology).toBe(s1.topology);
    expect(labels(r1.past)).toEqual(['Add agent']);
    const r2 = redo(r1, 6003);
    expect(r2.topology).toBe(s2.topology);
    expect(r2.future).toEqual([]);
  });

  it('return the same state when there is nothing to undo or redo', () => {
    const s0 = start();
    expect(undo(s0, 1)).toBe(s0);
    expect(redo(s0, 1)).toBe(s0);
    const s1 = add(s0, 1);
    expect(redo(s1, 2)).toBe(s1);
  });

  it('record when each step was undone or redone (a later edit never merges into it)', () => {
    const s1 = add(start(), 1000);
    const undone = undo(s1, 1500);
    expect(undone.future[0]!.at).toBe(1500);
    expect(redo(undone, 1600).past[0]!.at).toBe(1600);
    expect(redo(undone, 1600).past[0]!.coalesceKey).toBeUndefined();
  });
});
