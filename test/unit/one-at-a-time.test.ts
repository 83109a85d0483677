// The stores' one-request-at-a-time refresh: a call while one runs shares it, and asks once more after it when `again`.
import { describe, expect, it } from 'vitest';
import { oneAtATime } from '../../renderer/src/lib/one-at-a-time.js';

/** A refresh whose requests the test answers one by one. */
function gatedWork() {
  const pending: (() => void)[] = [];
  let started = 0;
  const work = () => {
    started++;
    return new Promise<void>((resolve) => pending.push(resolve));
  };
  const answer = async () => {
    pending.shift()!();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { work, answer, started: () => started };
}

describe('oneAtATime', () => {
  it('shares the running request, and without `again` asks no more', async () => {
    const g = gatedWork();
    const refresh = oneAtATime(g.work, { again: false });
    const first = refresh();
    expect(refresh()).toBe(first);
    expect(g.started()).toBe(1);
    await g.answer();
    await first;
    expect(g.started()).toBe(1);
    void refresh();
    expect(g.started()).toBe(2);
  });

  it('with `again`, asks exactly once more after the running one, however many calls came meanwhile', async () => {
    const g = gatedWork();
    const refresh = oneAtATime(g.work, { again: true });
    void refresh();
    void refresh();
    void refresh();
    expect(g.started()).toBe(1);
    await g.answer();
    expect(g.started()).toBe(2);
    await g.answer();
    expect(g.started()).toBe(2);
  });

  it('a failed request frees the next call', async () => {
    let calls = 0;
    const refresh = oneAtATime(async () => {
      calls++;
      if (calls === 1) throw new Error('host gone');
    }, { again: false });
    await expect(refresh()).rejects.toThrow('host gone');
    await refresh();
    expect(calls).toBe(2);
  });
});
